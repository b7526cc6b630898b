import Foundation

@testable import GongSpoolCore

/// One entry point per parser of untrusted bytes: what libFuzzer drives (`gongspool-fuzz`, built
/// with `-sanitize=fuzzer,address` by `scripts/fuzz.sh`) and what the test suite replays, seed
/// corpus and every crash ever found (`Fuzz/Corpus/<name>`, `Fuzz/Crashes/<name>`).
///
/// An entry must never trap, whatever the bytes: a trap on a PBX is a crash loop that stops
/// every delivery. Each one also checks what it can about its result (a verdict that cannot be
/// true is reported like a crash, with `preconditionFailure`).
public enum FuzzTargets {
    /// A named entry point.
    public struct Target: Sendable {
        /// The name: `scripts/fuzz.sh` and the corpus folders use it.
        public let name: String
        /// What it reads.
        public let summary: String
        /// Runs one input.
        public let run: @Sendable ([UInt8]) -> Void
    }

    /// Every target, in the order `scripts/fuzz.sh` runs them.
    public static let all: [Target] = [
        Target(name: "sidecar-gong", summary: "a Gong-shaped JSON sidecar built into a request and validated", run: MetadataTargets.gongSidecar),
        Target(name: "sidecar-json", summary: "a generic JSON sidecar flattened to fields", run: { MetadataTargets.sidecar($0, .json) }),
        Target(name: "sidecar-xml", summary: "an XML sidecar flattened to fields", run: { MetadataTargets.sidecar($0, .xml) }),
        Target(name: "sidecar-keyvalue", summary: "a key=value sidecar", run: { MetadataTargets.sidecar($0, .keyvalue) }),
        Target(
            name: "request-mapping", summary: "a path line and a sidecar through a PBX preset's mapping, assembly and validation",
            run: MetadataTargets.mapping),
        Target(
            name: "file-name-patterns", summary: "a spool path against every preset's file-name pattern and the PBX time forms",
            run: MetadataTargets.fileNames),
        Target(name: "cdr-csv", summary: "an Asterisk CDR CSV indexed and its rows read back", run: MetadataTargets.cdr),
        Target(
            name: "erasure-match", summary: "an erasure's number or address against file names, a raw sidecar and a request body",
            run: MetadataTargets.erasureMatch),
        Target(name: "media-probe", summary: "any file through the container probe (sniffed: WAV, MP3, MP4, MKV, FLAC)", run: MediaTargets.probe),
        Target(name: "wav", summary: "a WAV file: RIFF header, chunks, format", run: { MediaTargets.probe(kind: .wav, $0) }),
        Target(name: "mp3", summary: "an MP3: ID3 tag, frame header, Xing/Info/VBRI", run: { MediaTargets.probe(kind: .mp3, $0) }),
        Target(name: "mp4", summary: "an MP4: top-level boxes, moov, mvhd, sample entries", run: { MediaTargets.probe(kind: .mp4, $0) }),
        Target(name: "mkv", summary: "a Matroska file: EBML elements, Info, Tracks", run: { MediaTargets.probe(kind: .mkv, $0) }),
        Target(name: "flac", summary: "a FLAC file: STREAMINFO", run: { MediaTargets.probe(kind: .flac, $0) }),
        Target(name: "level-meter", summary: "PCM samples of every coding through the level meter, in chunks", run: MediaTargets.level),
        Target(name: "gong-answers", summary: "an HTTP status, body and Retry-After through ResponseClassifier", run: GongTargets.answer),
        Target(name: "list-pages", summary: "Gong's users and calls list pages, its privacy data list", run: GongTargets.listPages),
        Target(name: "retry-after", summary: "a Retry-After header", run: GongTargets.retryAfter),
        Target(name: "config-yaml", summary: "a YAML configuration file", run: ConfigTargets.yaml),
        Target(name: "inotify-events", summary: "inotify event records", run: { _ = InotifyDecoder.decode($0) }),
        Target(
            name: "spool-tree", summary: "real folders named by the input (or '#wide N' files) through the directory reader", run: SpoolTargets.tree),
    ]

    /// The target called `name`.
    public static func named(_ name: String) -> Target? { all.first { $0.name == name } }

    /// A fixed "now" (2026-11-24 16:00 UTC): the same input always takes the same path.
    static let now = Date(timeIntervalSince1970: 1_764_000_000)
}

/// Splits an input into a first line and the rest (for targets that take a path and a body).
extension Array where Element == UInt8 {
    var firstLineAndRest: (String, [UInt8]) {
        guard let newline = firstIndex(of: 10) else { return (String(decoding: self, as: UTF8.self), []) }
        return (String(decoding: self[..<newline], as: UTF8.self), Array(self[(newline + 1)...]))
    }
}
