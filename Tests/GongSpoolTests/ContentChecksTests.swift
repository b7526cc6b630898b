import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// What is not worth Gong's budget: the rules on their own, then through intake on real files
/// (skipped or held before any request, a re-export looked at again, `retry` sends it anyway).
@Suite struct ContentChecksTests {
    static let checks = ContentChecks(minDurationSeconds: 30, silenceThresholdDb: -50)

    @Test func theFloorUsesTheMediaFirstThenTheStatedDuration() {
        guard case .skip(.mediaTooShort, let reason)? = Self.checks.examine(mediaSeconds: 12.4, statedSeconds: 13, statedSource: "sidecar.duration")
        else {
            Issue.record("12.4 s not skipped")
            return
        }
        #expect(reason.hasPrefix("12.4 s, shorter than spool.minDurationSeconds 30 — Gong's import minimum"))
        #expect(Self.checks.examine(mediaSeconds: 30, statedSeconds: nil, statedSource: nil) == nil, "the floor itself is kept")
        guard case .skip(.mediaTooShort, let stated)? = Self.checks.examine(mediaSeconds: nil, statedSeconds: 9, statedSource: "CDR billsec") else {
            Issue.record("stated 9 s not skipped")
            return
        }
        #expect(stated.contains("9 s (CDR billsec)"))
        #expect(Self.checks.examine(mediaSeconds: nil, statedSeconds: nil, statedSource: nil) == nil, "no duration known: sent")
        #expect(ContentChecks(minDurationSeconds: 0, silenceThresholdDb: nil).examine(mediaSeconds: 1, statedSeconds: nil, statedSource: nil) == nil)
    }

    @Test func truncationNeedsMoreThanFiveSecondsAndTenPercentMissing() {
        guard case .hold(.mediaTruncated, let reason)? = Self.checks.examine(mediaSeconds: 12, statedSeconds: 300, statedSource: "sidecar.duration")
        else {
            Issue.record("12 s of 300 s not held")
            return
        }
        #expect(reason.hasPrefix("media is 12 s of a 300 s call (sidecar.duration) — truncated?"))
        // 6 s missing of 40: more than 5 s and 10 %.
        #expect(Self.checks.examine(mediaSeconds: 34, statedSeconds: 40, statedSource: "s")?.code == .mediaTruncated)
        // 4 s missing (ringing, rounding): not truncated.
        #expect(Self.checks.examine(mediaSeconds: 36, statedSeconds: 40, statedSource: "s") == nil)
        // 30 s missing of 3600 s: under 10 %.
        #expect(Self.checks.examine(mediaSeconds: 3570, statedSeconds: 3600, statedSource: "s") == nil)
        // Media longer than stated: never truncated.
        #expect(Self.checks.examine(mediaSeconds: 300, statedSeconds: 12, statedSource: "s") == nil)
        // Truncation is judged even with the floor off.
        #expect(
            ContentChecks(minDurationSeconds: 0, silenceThresholdDb: nil).examine(mediaSeconds: 12, statedSeconds: 300, statedSource: "s")?.code
                == .mediaTruncated)
    }

    @Test func silenceIsEveryChannelBelowTheThreshold() {
        #expect(Self.checks.examine(levels: AudioLevels(peakDb: [-60, -120]))?.code == .mediaSilent)
        #expect(Self.checks.examine(levels: AudioLevels(peakDb: [-60, -20])) == nil)
        #expect(Self.checks.silentChannels(AudioLevels(peakDb: [-60, -20])) == [0])
        #expect(Self.checks.silentChannels(AudioLevels(peakDb: [-60, -70])) == [], "all silent is silence, not a silent side")
        #expect(Self.checks.examine(levels: nil) == nil, "not measured (not PCM): sent")
        let off = ContentChecks(minDurationSeconds: 30, silenceThresholdDb: nil)
        #expect(off.examine(levels: AudioLevels(peakDb: [-120])) == nil)
        #expect(off.silentChannels(AudioLevels(peakDb: [-120, -10])) == [])
    }

    @Test func configurationNamesTheFloorTheThresholdAndReconciliation() throws {
        let defaults = try ConfigurationLoader.parse(yaml: "spool:\n  directory: /x\n")
        #expect(defaults.spool.minDurationSeconds == 30 && defaults.spool.silenceThresholdDb == -50 && !defaults.gong.reconcile)
        let set = try ConfigurationLoader.parse(yaml: "spool:\n  minDurationSeconds: 45\n  silenceThresholdDb: -60.5\ngong:\n  reconcile: true\n")
        #expect(set.spool.minDurationSeconds == 45 && set.spool.silenceThresholdDb == -60.5 && set.gong.reconcile)
        #expect(try ConfigurationLoader.parse(yaml: "spool:\n  silenceThresholdDb: off\n").spool.silenceThresholdDb == .off)
        #expect(try ConfigurationLoader.parse(yaml: "spool:\n  silenceThresholdDb: false\n").spool.silenceThresholdDb == .off)
        #expect(try ConfigurationLoader.parse(yaml: "spool:\n  minDurationSeconds: 0\n").spool.minDurationSeconds == 0)
        for (yaml, key) in [
            ("spool:\n  silenceThresholdDb: 3\n", "spool.silenceThresholdDb"), ("spool:\n  silenceThresholdDb: loud\n", "spool.silenceThresholdDb"),
            ("spool:\n  minDurationSeconds: -1\n", "spool.minDurationSeconds"), ("gong:\n  reconcile: daily\n", "gong.reconcile"),
        ] {
            #expect(throws: ConfigurationError.self, "\(yaml)") { try ConfigurationLoader.parse(yaml: yaml) }
            do {
                _ = try ConfigurationLoader.parse(yaml: yaml)
            } catch {
                #expect("\(error)".contains(key), "\(error)")
            }
        }
        // What `config` prints reads back the same.
        let printed = try ConfigurationLoader.parse(yaml: set.effectiveYAML)
        #expect(printed.spool.minDurationSeconds == 45 && printed.spool.silenceThresholdDb == -60.5 && printed.gong.reconcile)
        let off = try ConfigurationLoader.parse(yaml: "spool:\n  silenceThresholdDb: off\n")
        #expect(try ConfigurationLoader.parse(yaml: off.effectiveYAML).spool.silenceThresholdDb == .off)
    }

    /// An intake with Gong's defaults (30 s floor, −50 dBFS).
    static func harness() throws -> IntakeHarness {
        try IntakeHarness {
            $0.minDurationSeconds = 30
            $0.silenceThresholdDb = -50
        }
    }

    @Test func aShortRecordingIsSkippedAndRetrySendsItAnyway() async throws {
        let h = try Self.harness()
        defer { h.remove() }
        try h.addPair("short", id: "pbx:short", audio: Fixtures.wav(seconds: 10))
        try h.addPair("long", id: "pbx:long", audio: Fixtures.wav(seconds: 31, seed: 2))
        try await h.settle()
        let short = try #require(try await h.row("short"))
        #expect(short.state == .skipped && short.lastErrorCode == .mediaTooShort)
        #expect(short.reason?.contains("10 s, shorter than spool.minDurationSeconds 30") == true, "\(short.reason ?? "")")
        #expect(short.clientUniqueId == nil && short.requestJSON == nil, "nothing claimed, nothing to send")
        #expect(try await h.row("long")?.state == .ready)
        let retried = try await OperatorActions(store: h.store, clock: h.clock).retry("short")
        #expect(retried.state == .pending && retried.checksWaived)
        try await h.settle()
        let sent = try #require(try await h.row("short"))
        #expect(sent.state == .ready && sent.clientUniqueId == "pbx:short")
    }

    @Test func aReExportOfASkippedRecordingIsLookedAtAgain() async throws {
        let h = try Self.harness()
        defer { h.remove() }
        try h.addPair("cut", id: "pbx:cut", audio: Fixtures.wav(seconds: 8))
        try await h.settle()
        #expect(try await h.row("cut")?.state == .skipped)
        h.clock.advance(60)
        try h.addPair("cut", id: "pbx:cut", audio: Fixtures.wav(seconds: 40))
        try await h.settle()
        #expect(try await h.row("cut")?.state == .ready)
    }

    @Test func aSilentRecordingIsSkippedWithItsLevel() async throws {
        let h = try Self.harness()
        defer { h.remove() }
        try h.addPair("quiet", id: "pbx:quiet", audio: Fixtures.wav(seconds: 60, amplitude: 0))
        // −60 dBFS: a hiss, not a voice.
        try h.addPair("hiss", id: "pbx:hiss", audio: Fixtures.wav(seconds: 40, amplitude: 30))
        try await h.settle()
        for stem in ["quiet", "hiss"] {
            let row = try #require(try await h.row(stem))
            #expect(row.state == .skipped && row.lastErrorCode == .mediaSilent, "\(stem): \(row.state) \(row.reason ?? "")")
            #expect(row.channelPeaksDb != nil && row.silentChannelNumbers == [0])
        }
        #expect(try await h.row("quiet")?.reason?.contains("silent: peak -120 dBFS, below spool.silenceThresholdDb -50") == true)
    }

    @Test func aStereoRecordingWithASilentSideGivesThatSideNoChannel() async throws {
        let h = try Self.harness()
        defer { h.remove() }
        let parties: JSONValue = .array([
            .object(["userId": .string("234599484848423"), "name": .string("Rep"), "mediaChannelId": .integer(0)]),
            .object(["phoneNumber": .string("+14155550123"), "name": .string("Customer"), "mediaChannelId": .integer(1)]),
        ])
        try h.spool.write("half.wav", Fixtures.wav(seconds: 40, channels: 2, silent: [1]))
        try h.spool.write("half.json", try Fixtures.sidecar(id: "pbx:half", extra: ["parties": parties]).canonicalData())
        try await h.settle()
        let row = try #require(try await h.row("half"))
        #expect(row.state == .ready)
        #expect(row.silentChannelNumbers == [1])
        let body = try JSONValue.parse(Data(try #require(row.requestJSON).utf8))
        let sent = try #require(body["parties"]?.arrayValue)
        #expect(sent[0]["mediaChannelId"] == .integer(0), "the speaking rep keeps the channel")
        #expect(sent[1]["mediaChannelId"] == nil, "the silent side is given no channel")
        #expect(sent[1]["phoneNumber"] == .string("+14155550123"), "but stays a party")
    }

    @Test func aCutRecordingIsHeldAndRetrySendsItAsItIs() async throws {
        let h = try Self.harness()
        defer { h.remove() }
        try h.spool.write("trunc.wav", Fixtures.wav(seconds: 12))
        try h.spool.write("trunc.json", try Fixtures.sidecar(id: "pbx:trunc", extra: ["duration": .integer(300)]).canonicalData())
        try await h.settle()
        let row = try #require(try await h.row("trunc"))
        #expect(row.state == .held && row.lastErrorCode == .mediaTruncated, "held, not skipped as short: \(row.state)")
        #expect(row.reason?.contains("media is 12 s of a 300 s call") == true, "\(row.reason ?? "")")
        _ = try await OperatorActions(store: h.store, clock: h.clock).retry("trunc")
        try await h.settle()
        #expect(try await h.row("trunc")?.state == .ready)
    }

    @Test func everyContainerGivesItsDurationAndTheCallFactsStandIn() async throws {
        let h = try Self.harness()
        defer { h.remove() }
        try h.addPair("m", id: "pbx:m", audio: SampleMedia.mp3(seconds: 10, channels: 1), ext: "mp3")
        try h.addPair("x", id: "pbx:x", audio: SampleMedia.mp3(seconds: 12, channels: 2, xing: true), ext: "mp3")
        try h.addPair("a", id: "pbx:a", audio: SampleMedia.mp4(seconds: 12, channels: 1), ext: "mp4")
        try h.addPair("k", id: "pbx:k", audio: SampleMedia.mkv(seconds: 8, channels: 1), ext: "mkv")
        try h.addPair("long", id: "pbx:long", audio: SampleMedia.mp4(seconds: 95, channels: 2), ext: "mp4")
        // A FLAC written without its sample count: the sidecar's duration decides.
        try h.spool.write("f.flac", Fixtures.flac(bytes: 8192))
        try h.spool.write("f.json", try Fixtures.sidecar(id: "pbx:f", extra: ["duration": .integer(9)]).canonicalData())
        try h.spool.write("g.flac", Fixtures.flac(bytes: 8192, seed: 2))
        try h.spool.write("g.json", try Fixtures.sidecar(id: "pbx:g", extra: ["duration": .integer(300)]).canonicalData())
        try await h.settle()
        for stem in ["m", "x", "a", "k", "f"] {
            let row = try #require(try await h.row(stem))
            #expect(row.state == .skipped && row.lastErrorCode == .mediaTooShort, "\(stem): \(row.state) \(row.reason ?? "")")
        }
        #expect(try await h.row("f")?.reason?.contains("9 s (") == true, "the stated duration, named")
        #expect(try await h.row("long")?.state == .ready)
        #expect(try await h.row("g")?.state == .ready, "no media duration to compare: not truncated, stated 300 s")
    }

    @Test func aShortCallWithoutAMappedUserIsSkippedNotHeld() async throws {
        // FreePBX names, extension 299 has no Gong user: an abandoned queue leg of 6 s is
        // skipped; a real call of the same extension still waits for its user.
        let h = try IntakeHarness {
            $0.minDurationSeconds = 30
        } adjust: { config in
            config.metadata.preset = .freepbx
            config.spool.systemId = "pbx-a"
            config.users.table = ["204": "7000000000000000204"]
        }
        defer { h.remove() }
        try h.spool.write("in-299-5551234567-20261122-101500-1763824500.12.wav", Fixtures.wav(seconds: 6, seed: 12))
        try h.spool.write("in-299-5551234567-20261122-101600-1763824560.13.wav", Fixtures.wav(seconds: 60, seed: 13))
        try await h.settle()
        let leg = try #require(try await h.row("in-299-5551234567-20261122-101500-1763824500.12"))
        #expect(leg.state == .skipped && leg.lastErrorCode == .mediaTooShort, "\(leg.state) \(leg.reason ?? "")")
        let call = try #require(try await h.row("in-299-5551234567-20261122-101600-1763824560.13"))
        #expect(call.state == .held && call.lastErrorCode == .unknownUser, "\(call.state) \(call.reason ?? "")")
    }
}

extension ContentChecks.Finding {
    var code: ErrorCode {
        switch self {
        case .skip(let code, _), .hold(let code, _): code
        }
    }
}
