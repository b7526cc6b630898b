import Foundation
import GongSpool
import Testing
import TestSupport

@Suite struct MediaProbeTests {
    func probe(_ data: Data) -> ProbeResult {
        let bytes = [UInt8](data)
        return MediaProbe.probe(header: Array(bytes.prefix(MediaProbe.headerLength)), fileSize: Int64(bytes.count)) { offset, count in
            let start = Int(offset)
            guard start < bytes.count else { return [] }
            return Array(bytes[start..<min(bytes.count, start + count)])
        }
    }

    @Test func finishedWAVIsCompleteWithChannelsAndDuration() {
        let result = probe(Fixtures.wav(seconds: 2, channels: 2))
        #expect(result == .complete(MediaInfo(kind: .wav, channels: 2, durationSeconds: 2)))
    }

    @Test func wavWithZeroSizesIsStillRecording() {
        guard case .incomplete(let why) = probe(Fixtures.wav(finalized: false)) else {
            Issue.record("expected incomplete")
            return
        }
        #expect(why.contains("still recording"))
    }

    @Test func wavLongerThanItsHeaderSaysIsIncomplete() {
        var data = Fixtures.wav(seconds: 1)
        data.append(Data(repeating: 0, count: 1000))
        guard case .incomplete = probe(data) else {
            Issue.record("expected incomplete")
            return
        }
    }

    @Test func truncatedWAVIsIncomplete() {
        let data = Fixtures.wav(seconds: 1).prefix(5000)
        guard case .incomplete = probe(Data(data)) else {
            Issue.record("expected incomplete")
            return
        }
    }

    @Test func mp4NeedsMoovAndWholeBoxes() {
        let whole = Fixtures.mp4()
        #expect(probe(whole) == .complete(MediaInfo(kind: .mp4)))
        guard case .incomplete = probe(Data(whole.prefix(whole.count - 10))) else {
            Issue.record("a cut MP4 must be incomplete")
            return
        }
    }

    @Test func otherFormatsAreRecognisedByContent() {
        #expect(MediaKind.sniff([UInt8](Fixtures.mp3())) == .mp3)
        #expect(MediaKind.sniff([UInt8](Fixtures.flac())) == .flac)
        #expect(MediaKind.sniff([0x1A, 0x45, 0xDF, 0xA3, 0, 0, 0, 0, 0, 0, 0, 0]) == .mkv)
        guard case .complete(let info) = probe(Fixtures.flac()) else {
            Issue.record("FLAC must probe complete")
            return
        }
        #expect(info.kind == .flac)
        #expect(info.channels == 1)
    }

    @Test func textIsNotMedia() {
        guard case .notMedia = probe(Data(String(repeating: "hello world ", count: 10).utf8)) else {
            Issue.record("expected notMedia")
            return
        }
    }

    @Test func emptyFileIsIncomplete() {
        #expect(probe(Data()) == .incomplete("file is empty"))
    }
}
