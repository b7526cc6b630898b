import Foundation
import GongSpoolCore
import TestSupport
import Testing

/// Checks the embedded schema against Gong's request schema as published with the reference
/// (a copy in `Tests/Fixtures/new-call.schema.json`), and our output against an independent
/// JSON Schema implementation (python-jsonschema).
@Suite struct SchemaConformanceTests {
    static let referenceSchema = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/new-call.schema.json").path

    @Test func embeddedSchemaMatchesTheReferenceCopy() throws {
        let reference = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: Self.referenceSchema)))
        #expect(reference == (try NewCallValidator.schemaDocument.get()))
    }

    @Test func theEmbeddedSchemaUsesOnlyKeywordsTheValidatorExecutes() throws {
        #expect(try SchemaValidator.unknownKeywords(in: NewCallValidator.schemaDocument.get()).isEmpty)
        try NewCallValidator.checkEmbeddedSchema()
        // A schema the validator cannot execute in full is refused, not half-applied.
        let partial = NewCallValidator.load(
            #"{"type":"object","properties":{"a":{"type":"string","contentEncoding":"base64"}},"unevaluatedProperties":false}"#)
        guard case .failure(let refusal) = partial else {
            Issue.record("a schema with unknown keywords was accepted")
            return
        }
        #expect(refusal.reason == "keywords the validator does not execute: contentEncoding, unevaluatedProperties")
        #expect(throws: SchemaError.self) { try NewCallValidator.load("{ not json").get() }
    }

    @Test func validateOutputPassesPythonJSONSchema() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sidecars: [JSONValue] = [
            Fixtures.sidecar(id: "pbx:1"),
            Fixtures.sidecar(
                id: "pbx:2", direction: "Outbound",
                extra: [
                    "purpose": .string("Demo"), "duration": .number(125.8), "customData": .string("{\"pbx\":\"a\"}"),
                    "languageCode": .string("en-US"), "workspaceId": .string("623457276584334"),
                ]),
        ]
        var bodies: [JSONValue] = []
        for (i, sidecar) in sidecars.enumerated() {
            try dir.write("s\(i).json", sidecar.canonicalData())
            try dir.write("s\(i).wav", Fixtures.wav(seed: i))
            let report = FileValidation.validate(path: dir.file("s\(i).wav"), config: Configuration(), directory: UserDirectory())
            let request = try #require(report.request, "\(report.problems)")
            bodies.append(request.body)
        }
        try await SchemaCheck.conforms(bodies, in: dir)
    }
}
