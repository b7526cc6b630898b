import Foundation
import GongSimulator
import GongSpoolCore

extension DeliveryHarness {
    /// Writes `count` recordings into the harness's spool (see ``TemporaryDirectory/addBacklog(count:prefix:)``).
    public func addBacklog(count: Int, prefix: String = "pbx") throws -> [String: String] {
        try spool.addBacklog(count: count, prefix: prefix)
    }
}

extension TemporaryDirectory {
    /// Writes `count` recordings (WAV, MP3, FLAC, MP4 in turn) with Gong-shaped sidecars in three
    /// folders; returns the SHA-256 of each recording's audio by clientUniqueId. Backlogs that
    /// meet in one Gong need different `firstSeed`s: the same audio on two calls is refused.
    public func addBacklog(count: Int, prefix: String = "pbx", firstSeed: Int = 0) throws -> [String: String] {
        var hashes: [String: String] = [:]
        for i in 0..<count {
            let audio: Data
            let ext: String
            switch i % 4 {
            case 0: (audio, ext) = (Fixtures.wav(seconds: 0.5, seed: firstSeed + i), "wav")
            case 1: (audio, ext) = (Fixtures.mp3(bytes: 3000 + i, seed: firstSeed + i), "mp3")
            case 2: (audio, ext) = (Fixtures.flac(bytes: 3000 + i, seed: firstSeed + i), "flac")
            default: (audio, ext) = (Fixtures.mp4(bytes: 3000 + i, seed: firstSeed + i), "mp4")
            }
            let id = "\(prefix):\(i)"
            try write("d\(i % 3)/call-\(i).\(ext)", audio)
            try write("d\(i % 3)/call-\(i).json", Fixtures.sidecarData(id: id))
            hashes[id] = Crypto.sha256Hex(audio)
        }
        return hashes
    }
}

extension SimulatorSnapshot {
    /// Everything that breaks "exactly once" for the recordings in `hashes` (clientUniqueId →
    /// SHA-256): invalid requests, missing or repeated creates, media that differs. Empty = good.
    public func exactlyOnceProblems(_ hashes: [String: String]) -> [String] {
        var problems: [String] = []
        if invalidRequests != 0 { problems.append("\(invalidRequests) invalid requests") }
        let missing = Set(hashes.keys).subtracting(acceptedCreates.keys)
        if !missing.isEmpty { problems.append("never created: \(missing.sorted())") }
        let extra = Set(acceptedCreates.keys).subtracting(hashes.keys)
        if !extra.isEmpty { problems.append("unexpected calls: \(extra.sorted())") }
        for (id, count) in acceptedCreates where count != 1 { problems.append("\(id) created \(count) times") }
        for call in calls.values where call.mediaSHA256 != hashes[call.clientUniqueId] {
            problems.append("media of \(call.clientUniqueId): \(call.mediaSHA256 ?? "none")")
        }
        return problems
    }
}
