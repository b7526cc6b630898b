import Foundation
import GongSpool
import Testing
import TestSupport

/// Checks the embedded schema against the shared one and our output against an independent
/// JSON Schema implementation (python-jsonschema).
@Suite struct SchemaConformanceTests {
    static let sharedSchema = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/gong/new-call.schema.json").path

    @Test func embeddedSchemaMatchesTheSharedOne() throws {
        guard FileManager.default.fileExists(atPath: Self.sharedSchema) else {
            Issue.record("shared schema not found at \(Self.sharedSchema)")
            return
        }
        let shared = try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: Self.sharedSchema)))
        #expect(shared == NewCallValidator.schemaDocument)
    }

    @Test func validateOutputPassesPythonJSONSchema() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sidecars: [JSONValue] = [
            Fixtures.sidecar(id: "pbx:1"),
            Fixtures.sidecar(id: "pbx:2", direction: "Outbound", extra: [
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
