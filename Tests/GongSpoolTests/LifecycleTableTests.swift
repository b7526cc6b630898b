import Foundation
import GongSpoolCore
import TestSupport
import Testing

/// Every state × every event, without I/O: the lifecycle is run over representative recordings
/// in each state and every kind of event, and what it allows must be exactly the table (and the
/// diagram) in `docs/design.md` — a change to the machine that the documentation does not show
/// fails here, and so does a documented edge the machine does not take.
@Suite struct LifecycleTableTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let context = EventContext(
        now: now, jitter: 0.5, policy: RetryPolicy(initialBackoffSeconds: 30, maxBackoffSeconds: 3600, giveUpAfterSeconds: 3600))

    static let free = Identity(clientUniqueId: "x")
    static let inDoubt = Identity(clientUniqueId: "x", createsInDoubt: 1)
    static let withCall = Identity(clientUniqueId: "x", callId: "1")
    static let uploading = Identity(clientUniqueId: "x", callId: "1", uploadsInDoubt: 1)

    /// Consistent recordings in every state.
    static var samples: [RecordingLifecycle] {
        var out: [RecordingLifecycle] = []
        func add(_ state: LifecycleState, _ identities: [Identity?], codes: [ErrorCode?] = [nil]) {
            for identity in identities {
                for code in codes { out.append(RecordingLifecycle(state: state, identity: identity, code: code, reason: "r")) }
            }
        }
        add(.pending, [nil, inDoubt, withCall], codes: [nil, .awaitingUsers])
        add(.ready, [free])
        add(.creating, [inDoubt])
        add(.created, [withCall])
        add(.uploading, [uploading])
        add(.uploaded, [withCall])
        add(.done, [withCall])
        add(.waiting(.create, until: now), [free, inDoubt], codes: [.timeout])
        add(.waiting(.upload, until: now), [withCall], codes: [.timeout])
        add(.waiting(.finish, until: now), [withCall], codes: [.afterUploadFailed])
        add(.held(.intake), [nil], codes: [.unknownUser, .userImportDisabled, .contentConflict, .operatorHold, .mediaTruncated])
        add(.held(.intake), [withCall, inDoubt], codes: [.fileChanged, .filesMissing, .identityChanged])
        add(.held(.create), [free, inDoubt], codes: [.credentialsRejected, .operatorHold, .userNotEnabled, .fileOpen])
        add(
            .held(.upload), [withCall],
            codes: [.credentialsRejected, .foreignMedia, .mediaOnOtherCall, .earlierVersionInGong, .mediaTypeRefused, .operatorHold])
        add(.held(.finish), [withCall], codes: [.afterUploadFailed, .operatorHold])
        add(.rejected, [nil, free, withCall], codes: [.invalidRequest])
        add(.orphaned, [nil], codes: [.orphaned])
        add(.duplicate(of: 1), [nil], codes: [nil, .sameAudio])
        add(.skipped, [nil], codes: [.backfill, .unknownUser, .mediaTooShort, .mediaSilent, .excludedByPolicy])
        add(.skipped, [free, withCall], codes: [.erasedOnRequest])
        add(.missing, [withCall], codes: [.missingInGong])
        return out
    }

    /// Every kind of event, with every kind of answer.
    static let events: [LifecycleEvent] = {
        let answers: [GongOutcome] = [
            .created(callId: "1"), .alreadyCreated(callId: "1"), .mediaAccepted, .mediaAlreadyThere(otherCallId: nil),
            .mediaAlreadyThere(otherCallId: "1"), .mediaAlreadyThere(otherCallId: "2"), .retryable(code: .timeout, message: "m"),
            .rateLimited(retryAfterSeconds: 2), .credentialsRejected(status: 401, message: "m"), .userNotEnabled(message: "m"),
            .unknownCall(message: "m"), .permanent(code: .http(400), message: "m"),
            .mediaTypeRefused(message: "m", repeated: false), .mediaTypeRefused(message: "m", repeated: true),
        ]
        return [
            .filesChanged, .filesVanished, .stillIncomplete(reason: "r"), .awaitingUsers(reason: "r"), .timedOut(.orphaned, reason: "r"),
            .timedOut(.mediaIncomplete, reason: "r"), .inputRejected(.invalidRequest, reason: "r"), .inputHeld(.unknownUser, reason: "r"),
            .inputSkipped(.unknownUser, reason: "r"),
            .claimed(.owner(clientUniqueId: "x")), .claimed(.owner(clientUniqueId: "y")),
            .claimed(.duplicate(of: 1, clientUniqueId: "x", description: "d")), .claimed(.conflict(of: 1, clientUniqueId: "x", description: "d")),
            .claimed(.sameAudio(of: 1, clientUniqueId: "x", description: "d")), .claimed(.erased(of: 1)),
            .identityPassed(to: 2), .userMappingChanged, .originalFailed, .examinationInterrupted(reason: "r"),
            .fileUnreadable(.fileOpen, reason: "r"), .fileUnreadable(.fileSymlink, reason: "r"), .fileNotAsTaken(reason: "r"), .createSending,
            .uploadSending,
            .afterUploadDone(note: nil), .afterUploadFailed(reason: "r"), .sendingReleased, .rowInconsistent(reason: "r"),
            .retry, .hold, .release, .accept, .forget, .erase(request: 1), .erasureFinished, .reconciledMissing(callId: "1", reason: "r"),
            .reconciledFound(callId: "1"),
        ] + answers.map(LifecycleEvent.createAnswered) + answers.map(LifecycleEvent.uploadAnswered)
    }()

    /// One allowed change: `from --event--> to` ("(deleted)" when the row goes).
    struct Edge: Hashable, Comparable {
        var from: String, event: String, driver: String, to: String
        static func < (a: Edge, b: Edge) -> Bool { (a.from, a.event, a.to) < (b.from, b.event, b.to) }
        var row: String { "| \(from) | \(event) | \(driver) | \(to) |" }
    }

    /// What the machine allows, computed by running it.
    static var machineEdges: Set<Edge> {
        var edges: Set<Edge> = []
        for sample in samples {
            for event in events {
                var lifecycle = sample
                guard let decision = try? lifecycle.handle(event, context) else { continue }
                let to = decision.effects.contains(.deleteRow) ? "(deleted)" : lifecycle.state.name.rawValue
                edges.insert(Edge(from: sample.state.name.rawValue, event: event.name, driver: event.driver.rawValue, to: to))
            }
        }
        return edges
    }

    static func documented(_ marker: String) throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/design.md"), encoding: .utf8)
        // `<!-- marker:begin -->` in Markdown, `%% marker:begin` inside a Mermaid block.
        guard let start = text.range(of: "<!-- \(marker):begin -->") ?? text.range(of: "%% \(marker):begin"),
            let end = text.range(of: "<!-- \(marker):end -->") ?? text.range(of: "%% \(marker):end")
        else { return [] }
        return text[start.upperBound..<end.lowerBound].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func theDocumentedTableIsExactlyWhatTheMachineDoes() throws {
        let machine = Self.machineEdges.sorted().map(\.row)
        let documented = try Self.documented("lifecycle-table").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| from ") }
        #expect(
            documented == machine,
            """
            docs/design.md's lifecycle table differs from the machine. The machine's table:
            | from | event | driver | to |
            |---|---|---|---|
            \(machine.joined(separator: "\n"))
            """)
    }

    @Test func theDiagramShowsEveryStateChange() throws {
        var arrows: [String: Set<String>] = [:]
        for edge in Self.machineEdges where edge.from != edge.to && edge.to != "(deleted)" {
            arrows["\(edge.from) --> \(edge.to)", default: []].insert(edge.event)
        }
        let machine = arrows.keys.sorted().map { "\($0) : \(arrows[$0, default: []].sorted().joined(separator: ", "))" }
        let documented = try Self.documented("lifecycle-diagram").filter { $0.contains(" --> ") }
        #expect(documented == machine, "docs/design.md's diagram differs; the machine's arrows:\n\(machine.joined(separator: "\n"))")
    }

    @Test func everyStateAndEveryEventIsCovered() {
        let states = Set(Self.samples.map(\.state.name))
        #expect(states == Set(RecordingState.allCases))
        let used = Set(Self.machineEdges.map(\.event))
        #expect(used == Set(Self.events.map(\.name)), "every event is allowed somewhere")
    }
}
