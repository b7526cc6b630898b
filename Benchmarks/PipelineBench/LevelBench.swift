import Foundation
import GongSimulator
import GongSpoolCore
import GongSpoolDaemon

/// `level MINUTES`: what measuring the level while hashing costs. For each coding, a WAV of
/// MINUTES minutes is hashed as intake hashes every recording, alone and with the level meter fed
/// the same chunks (alternating, median of 7, file in the page cache), and the CPU per minute of
/// audio and the ratio printed. Target: ≤ 1.2× the hash alone.
extension PipelineBench {
    struct LevelCase {
        var name: String
        var file: Data
        var seconds: Double
    }

    static func level(minutes: Int) throws {
        let root = try temporaryDirectory("level")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let seconds = Double(minutes * 60)
        let cases = [
            LevelCase(name: "8 kHz mono 16-bit", file: SampleMedia.wav(seconds: seconds, channels: 1, sampleRate: 8000), seconds: seconds),
            LevelCase(name: "8 kHz mono µ-law", file: g711(seconds: seconds, sampleRate: 8000, formatTag: 7), seconds: seconds),
            LevelCase(name: "8 kHz mono A-law", file: g711(seconds: seconds, sampleRate: 8000, formatTag: 6), seconds: seconds),
            LevelCase(name: "8 kHz stereo 16-bit", file: SampleMedia.wav(seconds: seconds, channels: 2, sampleRate: 8000), seconds: seconds),
            LevelCase(name: "48 kHz stereo 16-bit", file: SampleMedia.wav(seconds: seconds, channels: 2, sampleRate: 48_000), seconds: seconds),
            LevelCase(name: "48 kHz stereo 24-bit", file: pcm24(seconds: seconds, channels: 2, sampleRate: 48_000), seconds: seconds),
            LevelCase(name: "48 kHz stereo float", file: float32(seconds: seconds, channels: 2, sampleRate: 48_000), seconds: seconds),
        ]
        print("level: \(minutes) min per file, CPU per minute of audio (median of 7, alternating), page cache warm")
        print("coding                  MB     hash ms/min   hash+level ms/min   ratio")
        for item in cases {
            let path = "\(root)/\(item.name.replacingOccurrences(of: " ", with: "-")).wav"
            try item.file.write(to: URL(fileURLWithPath: path))
            let file = try SpoolFile(root: root, relativePath: (path as NSString).lastPathComponent)
            let header = try file.read(at: 0, count: MediaProbe.headerLength)
            guard
                case .complete(let info) = MediaProbe.probe(
                    header: header, fileSize: file.size, readAt: { (try? file.read(at: $0, count: $1)) ?? [] }),
                let layout = info.pcm
            else {
                print("\(item.name): not read as PCM")
                continue
            }
            var plain: [Double] = []
            var metered: [Double] = []
            var levels: AudioLevels?
            _ = try FileHasher.sha256(of: file)  // warm the page cache
            for _ in 0..<7 {
                var cpu = cpuSeconds()
                let a = try FileHasher.sha256(of: file)
                plain.append(cpuSeconds() - cpu)
                var meter: LevelMeter? = LevelMeter(layout: layout)
                cpu = cpuSeconds()
                let b = try FileHasher.sha256(of: file, metering: &meter)
                metered.append(cpuSeconds() - cpu)
                precondition(a == b, "the metered hash differs")
                levels = meter?.levels
            }
            let minutesOfAudio = item.seconds / 60
            let hash = median(plain) * 1000 / minutesOfAudio
            let both = median(metered) * 1000 / minutesOfAudio
            let name = item.name + String(repeating: " ", count: max(0, 22 - item.name.count))
            print(
                name + String(format: " %6.1f %13.2f %19.2f %7.2fx   peaks ", Double(item.file.count) / 1e6, hash, both, both / max(hash, 1e-9))
                    + (levels?.text ?? "-"))
        }
    }

    /// The same, as users see it: the real `gongspool run --dry-run` (probe, hash, level, request)
    /// over a spool of `recordings` 10-minute 8 kHz WAVs, whole-process CPU (all threads, from
    /// the kernel's accounting of the child) with `spool.silenceThresholdDb: off` against -50.
    static func levelDaemon(recordings: Int) throws {
        let root = try temporaryDirectory("level-daemon")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let spool = root + "/spool"
        try FileManager.default.createDirectory(atPath: spool, withIntermediateDirectories: true)
        for index in 0..<recordings {
            let audio = SampleMedia.wav(seconds: 600, channels: index % 2 + 1, sampleRate: 8000, seed: index)
            try audio.write(to: URL(fileURLWithPath: "\(spool)/r\(index).wav"))
            let sidecar =
                #"{"clientUniqueId":"bench:\#(index)","actualStart":"2026-11-20T10:00:00Z","direction":"Inbound","primaryUser":"234599484848423","parties":[{"userId":"234599484848423"}]}"#
            try Data(sidecar.utf8).write(to: URL(fileURLWithPath: "\(spool)/r\(index).json"))
        }
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gongspool").path
        var configs: [String] = []
        for threshold in ["off", "-50"] {
            let path = "\(root)/\(threshold).yaml"
            let yaml =
                "spool:\n  directory: \(spool)\n  settleSeconds: 0\n  silenceThresholdDb: \(threshold)\ngong:\n  baseURL: http://127.0.0.1:9\nstate:\n  database: \(root)/s.sqlite\n"
            try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
            configs.append(path)
        }
        _ = try run(binary, ["run", "--dry-run", "--config", configs[0]])  // page cache
        var cpu: [[Double]] = [[], []]
        for _ in 0..<5 {
            for (index, config) in configs.enumerated() {
                let before = childCPUSeconds()
                _ = try run(binary, ["run", "--dry-run", "--config", config])
                cpu[index].append(childCPUSeconds() - before)
            }
        }
        let minutes = Double(recordings * 10)
        let plain = median(cpu[0]) * 1000 / minutes
        let measured = median(cpu[1]) * 1000 / minutes
        print(
            String(
                format:
                    "gongspool run --dry-run, %d × 10 min 8 kHz WAV (mono and stereo): %.2f ms CPU per minute of audio without the level, %.2f with it: %.2fx",
                recordings, plain, measured, measured / max(plain, 1e-9)))
    }

    static func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// G.711 WAV (format tag 6 A-law, 7 µ-law) of a tone, one channel.
    static func g711(seconds: Double, sampleRate: Int, formatTag: Int) -> Data {
        let count = Int(seconds * Double(sampleRate))
        var samples = [UInt8](repeating: 0, count: count)
        for i in 0..<count { samples[i] = UInt8(truncatingIfNeeded: 0x80 | Int((sin(Double(i) * 0.05) + 1) * 40)) }
        return riff(formatTag: formatTag, channels: 1, sampleRate: sampleRate, bits: 8, data: samples)
    }

    /// 24-bit PCM WAV of a tone.
    static func pcm24(seconds: Double, channels: Int, sampleRate: Int) -> Data {
        let frames = Int(seconds * Double(sampleRate))
        var samples = [UInt8]()
        samples.reserveCapacity(frames * channels * 3)
        for i in 0..<frames {
            let value = Int32(sin(Double(i) * 0.05) * 2_000_000)
            for _ in 0..<channels {
                samples.append(UInt8(truncatingIfNeeded: value))
                samples.append(UInt8(truncatingIfNeeded: value >> 8))
                samples.append(UInt8(truncatingIfNeeded: value >> 16))
            }
        }
        return riff(formatTag: 1, channels: channels, sampleRate: sampleRate, bits: 24, data: samples)
    }

    /// 32-bit float WAV of a tone.
    static func float32(seconds: Double, channels: Int, sampleRate: Int) -> Data {
        let frames = Int(seconds * Double(sampleRate))
        var samples = [UInt8]()
        samples.reserveCapacity(frames * channels * 4)
        for i in 0..<frames {
            let bits = Float(sin(Double(i) * 0.05) * 0.25).bitPattern
            for _ in 0..<channels { withUnsafeBytes(of: bits.littleEndian) { samples.append(contentsOf: $0) } }
        }
        return riff(formatTag: 3, channels: channels, sampleRate: sampleRate, bits: 32, data: samples)
    }

    static func riff(formatTag: Int, channels: Int, sampleRate: Int, bits: Int, data: [UInt8]) -> Data {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
        let block = channels * bits / 8
        d.append(contentsOf: Array("RIFF".utf8))
        u32(36 + data.count)
        d.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(formatTag)
        u16(channels)
        u32(sampleRate)
        u32(sampleRate * block)
        u16(block)
        u16(bits)
        d.append(contentsOf: Array("data".utf8))
        u32(data.count)
        d.append(contentsOf: data)
        return d
    }
}
