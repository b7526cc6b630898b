import Foundation
import GongSpoolCore
import TestSupport
import Testing

@Suite struct RequestValidationTests {
    let builder = RequestBuilder(defaults: .object([:]))

    func issues(_ text: String) -> [ValidationIssue] {
        issues(Data(text.utf8))
    }

    func issues(_ data: Data) -> [ValidationIssue] {
        switch builder.build(sidecar: data, file: "x.json") {
        case .success: []
        case .failure(let problem): problem.issues
        }
    }

    func mutated(_ change: (inout [String: JSONValue]) -> Void) -> Data {
        guard case .object(var body) = Fixtures.sidecar(id: "pbx:1") else { return Data() }
        change(&body)
        return (try? JSONValue.object(body).canonicalData()) ?? Data()
    }

    @Test func validSidecarBuildsCanonicalRequest() throws {
        let result = builder.build(sidecar: Fixtures.sidecarData(id: "pbx:1"), file: "x.json")
        let request = try result.get()
        #expect(request.clientUniqueId == "pbx:1")
        #expect(request.canonicalJSON.hasPrefix("{\"actualStart\":\"2026-11-20T10:00:00Z\",\"clientUniqueId\":\"pbx:1\""))
    }

    @Test func schemaExamplesAreValid() throws {
        let examples = try #require(NewCallValidator.schemaDocument.get()["examples"]?.arrayValue)
        #expect(examples.count == 2)
        for example in examples {
            #expect(NewCallValidator().validate(example).isEmpty)
        }
    }

    @Test func badJSONNamesTheDocument() {
        let found = issues("{\"clientUniqueId\": ")
        #expect(found.count == 1)
        #expect(found.first?.path == "$")
        #expect(found.first?.message.contains("not valid JSON") == true)
    }

    @Test func nonUTF8IsRejected() {
        var data = Data("{\"title\": \"".utf8)
        data.append(contentsOf: [0xC3, 0x28, 0xFF])
        data.append(contentsOf: Array("\"}".utf8))
        let found = issues(data)
        #expect(found.first?.message.contains("UTF-8") == true)
    }

    @Test func missingRequiredFieldIsNamed() {
        let found = issues(mutated { $0["actualStart"] = nil })
        #expect(found == [ValidationIssue(path: "actualStart", message: "is required")])
    }

    @Test func wrongTypeIsNamed() {
        let found = issues(mutated { $0["parties"] = .object([:]) })
        #expect(found.map(\.path) == ["parties"])
        #expect(found.first?.message == "expected array, found object")
    }

    @Test func badEnumIsNamed() {
        let found = issues(mutated { $0["direction"] = .string("inbound") })
        #expect(found.map(\.path) == ["direction"])
        #expect(found.first?.message.contains("Inbound, Outbound, Conference, Unknown") == true)
    }

    @Test(arguments: ["2026-11-20T10:00:00", "2026-11-20 10:00:00Z", "2026-11-20T10:00Z", "2026-02-30T10:00:00Z", "2026-11-20T25:00:00Z"])
    func naiveOrImpossibleTimestampsAreRejected(_ value: String) {
        let found = issues(mutated { $0["actualStart"] = .string(value) })
        #expect(found.map(\.path) == ["actualStart"])
    }

    @Test(arguments: ["2026-11-20T10:00:00Z", "2026-11-20T10:00:00.123+02:00", "2024-02-29T23:59:59-07:00"])
    func zonedTimestampsAreAccepted(_ value: String) {
        #expect(issues(mutated { $0["actualStart"] = .string(value) }).isEmpty)
    }

    @Test func idAsNumberIsRejectedWithAHint() {
        let found = issues(
            """
            {"clientUniqueId":"a","actualStart":"2026-11-20T10:00:00Z","direction":"Inbound","primaryUser":234599484848423,
             "parties":[{"userId":234599484848423}]}
            """)
        #expect(found.map(\.path).contains("primaryUser"))
        #expect(found.map(\.path).contains("parties[0].userId"))
        #expect(found.first { $0.path == "primaryUser" }?.message.contains("quotes") == true)
    }

    @Test func primaryUserWithoutPartyIsRejected() {
        let found = issues(mutated { $0["primaryUser"] = .string("999") })
        #expect(found.map(\.path) == ["primaryUser"])
        #expect(found.first?.message.contains("no party has userId \"999\"") == true)
    }

    @Test func hugeTitleIsRejected() {
        let found = issues(mutated { $0["title"] = .string(String(repeating: "a", count: 5_000_000)) })
        #expect(found.map(\.path) == ["title"])
    }

    @Test func unknownFieldsAndEmptyPartiesAreRejected() {
        let found = issues(
            mutated {
                $0["speakerId"] = .string("x")
                $0["parties"] = .array([.object([:])])
            })
        #expect(Set(found.map(\.path)) == Set(["speakerId", "parties[0]", "primaryUser"]))
    }

    @Test func purposeIsCountedInUTF16Units() {
        let emoji = String(repeating: "😀", count: 200)  // 200 scalars, 400 UTF-16 units
        let found = issues(mutated { $0["purpose"] = .string(emoji) })
        #expect(found.map(\.path) == ["purpose"])
    }

    @Test func timelineMustReferenceParties() {
        let found = issues(
            mutated {
                $0["parties"] = .array([
                    .object(["userId": .string("234599484848423"), "partyId": .string("1")]),
                    .object(["phoneNumber": .string("+1"), "partyId": .string("2")]),
                ])
                $0["speakersTimeline"] = .object([
                    "speechSegments": .array([
                        .object(["fromTime": .integer(10), "toTime": .integer(5), "partyIds": .array([.string("3")])])
                    ])
                ])
            })
        #expect(Set(found.map(\.path)) == ["speakersTimeline.speechSegments[0].partyIds[0]", "speakersTimeline.speechSegments[0].toTime"])
    }

    @Test func mediaURLIsNotAllowedBecauseWeUpload() {
        let found = issues(mutated { $0["downloadMediaUrl"] = .string("https://example.com/a.wav") })
        #expect(found.map(\.path) == ["downloadMediaUrl"])
    }

    @Test func onlyTheCRMContextsGongSupportsPass() {
        func context(_ system: String) -> JSONValue {
            .array([
                .object([
                    "system": .string(system), "objects": .array([.object(["objectType": .string("Account"), "objectId": .string("0013600000x")])]),
                ])
            ])
        }
        #expect(issues(mutated { $0["context"] = context("Generic") }).isEmpty)
        #expect(issues(mutated { $0["context"] = context("Salesforce") }).isEmpty)
        let found = issues(mutated { $0["context"] = context("HubSpot") })
        #expect(found.map(\.path) == ["context[0].system"], "\(found)")
    }

    @Test func onlyTheFormatsGongNamesAreTaken() {
        #expect(["wav", "WAV", "mp3", "mp4", "mkv", "flac"].allSatisfy { MediaKind(fileExtension: $0) != nil })
        #expect(["wave", "m4a", "mka", "ogg", "opus", "gsm"].allSatisfy { MediaKind(fileExtension: $0) == nil })
        #expect(MediaKind.mp4.contentType == "video/mp4" && MediaKind.wav.contentType == "audio/wav")
    }

    @Test func defaultsMergeUnderTheSidecar() throws {
        let withDefaults = RequestBuilder(defaults: .object(["workspaceId": .string("623457276584334"), "title": .string("default")]))
        let request = try withDefaults.build(sidecar: Fixtures.sidecarData(id: "pbx:2"), file: "x.json").get()
        #expect(request.body["workspaceId"] == .string("623457276584334"))
        #expect(request.body["title"] == .string("Call pbx:2"))
    }

    @Test func sidecarMustBeAnObject() {
        #expect(issues("[1,2]").first?.message == "expected a JSON object, found array")
    }
}
