import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

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
        let pcm = PCMLayout(encoding: .integer(bits: 16), channels: 2, dataOffset: 44, dataSize: 64_000)
        #expect(result == .complete(MediaInfo(kind: .wav, channels: 2, durationSeconds: 2, pcm: pcm)))
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

    func info(_ data: Data) -> MediaInfo? {
        guard case .complete(let info) = probe(data) else { return nil }
        return info
    }

    @Test func mp3FramesGiveChannelsAndDuration() throws {
        let stereo = try #require(info(SampleMedia.mp3(seconds: 30, channels: 2)))
        #expect(stereo.kind == .mp3 && stereo.channels == 2)
        #expect(abs((stereo.durationSeconds ?? 0) - 30) < 0.3, "constant bit rate: \(stereo.durationSeconds ?? -1)")
        let mono = try #require(info(SampleMedia.mp3(seconds: 12, channels: 1, xing: true)))
        #expect(mono.channels == 1)
        #expect(abs((mono.durationSeconds ?? 0) - 12) < 0.03, "frame count of the Info header: \(mono.durationSeconds ?? -1)")
    }

    @Test func mp4MoovGivesChannelsAndDuration() throws {
        let media = try #require(info(SampleMedia.mp4(seconds: 42.5, channels: 2)))
        #expect(media == MediaInfo(kind: .mp4, channels: 2, durationSeconds: 42.5))
        #expect(info(SampleMedia.mp4(seconds: 3, channels: 1))?.channels == 1)
        #expect(info(Fixtures.mp4())?.channels == nil, "a moov without a sound track says nothing")
    }

    @Test func matroskaInfoAndTracksGiveChannelsAndDuration() throws {
        let media = try #require(info(SampleMedia.mkv(seconds: 61.25, channels: 2)))
        #expect(media == MediaInfo(kind: .mkv, channels: 2, durationSeconds: 61.25))
        // Cut inside the Segment (still being written): what is there is read, nothing breaks.
        let cut = SampleMedia.mkv(seconds: 5, channels: 1).prefix(60)
        #expect(info(Data(cut))?.kind == .mkv)
    }
}
