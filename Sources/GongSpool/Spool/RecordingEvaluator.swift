import Foundation

/// The outcome of looking closely at a settled audio + sidecar pair.
public enum Evaluation: Sendable, Equatable {
    /// Not finished yet (e.g. WAV header not finalised); look again later.
    case incomplete(String)
    /// The files changed while being read; start settling again.
    case changed
    /// Invalid input: never sent.
    case rejected(code: String, reason: String)
    /// Valid: hashed and built.
    case accepted(Accepted)

    /// A pair that may be delivered.
    public struct Accepted: Sendable, Equatable {
        /// The validated request.
        public var request: BuiltRequest
        /// SHA-256 of the audio.
        public var sha256: String
        /// What the header said.
        public var media: MediaInfo
        /// Audio fingerprint at hashing time.
        public var size: Int64, mtimeNs: Int64, inode: Int64
    }
}

/// Probes, validates and hashes one pair. Blocking: run it through ``BlockingIO``.
public struct RecordingEvaluator: Sendable {
    /// Gong's documented media limit (1.5 GB, decimal).
    public static let maxMediaBytes: Int64 = 1_500_000_000

    /// The spool root.
    public let root: String
    /// The request builder.
    public let builder: RequestBuilder

    /// Creates an evaluator for files under `root`.
    public init(root: String, builder: RequestBuilder) {
        self.root = root
        self.builder = builder
    }

    /// Looks at `audio` and `sidecar` (relative paths) as the scan saw them.
    public func evaluate(audio: SpoolEntry, sidecar: SpoolEntry) -> Evaluation {
        if audio.size > Self.maxMediaBytes {
            return .rejected(code: "media_too_large", reason: "\(audio.relativePath): \(audio.size) bytes is over Gong's 1.5 GB media limit")
        }
        let file: SpoolFile
        do {
            file = try SpoolFile(root: root, relativePath: audio.relativePath)
        } catch {
            return .rejected(code: error.code, reason: error.description)
        }
        guard file.size == audio.size, file.mtimeNs == audio.mtimeNs, file.inode == audio.inode else { return .changed }
        let info: MediaInfo
        do {
            let header = try file.read(at: 0, count: MediaProbe.headerLength)
            let result = MediaProbe.probe(header: header, fileSize: file.size) { offset, count in
                (try? file.read(at: offset, count: count)) ?? []
            }
            switch result {
            case .incomplete(let why): return .incomplete("\(audio.relativePath): \(why)")
            case .notMedia(let why): return .rejected(code: "not_media", reason: "\(audio.relativePath): \(why)")
            case .complete(let found): info = found
            }
        } catch {
            return .rejected(code: error.code, reason: "\(audio.relativePath): \(error.description)")
        }
        let request: BuiltRequest
        switch readSidecar(sidecar) {
        case .failure(let problem): return .rejected(code: "invalid_request", reason: problem.description)
        case .success(let built): request = built
        }
        let sha: String
        do {
            sha = try FileHasher.sha256(of: file)
        } catch {
            return .rejected(code: error.code, reason: "\(audio.relativePath): \(error.description)")
        }
        guard let after = file.currentFingerprint(), after.size == audio.size, after.mtimeNs == audio.mtimeNs else { return .changed }
        return .accepted(.init(request: request, sha256: sha, media: info, size: audio.size, mtimeNs: audio.mtimeNs, inode: audio.inode))
    }

    /// Reads and builds the sidecar (also used by `gongspool validate`).
    public func readSidecar(_ sidecar: SpoolEntry) -> Result<BuiltRequest, RequestProblem> {
        let data: Data
        do {
            let file = try SpoolFile(root: root, relativePath: sidecar.relativePath)
            guard file.size <= Int64(RequestBuilder.maxSidecarBytes) else {
                return .failure(RequestProblem(file: sidecar.relativePath, issues: [ValidationIssue(path: "$", message: "sidecar is larger than \(RequestBuilder.maxSidecarBytes >> 20) MiB")]))
            }
            data = Data(try file.read(at: 0, count: Int(file.size)))
        } catch {
            return .failure(RequestProblem(file: sidecar.relativePath, issues: [ValidationIssue(path: "$", message: error.description)]))
        }
        return builder.build(sidecar: data, file: sidecar.relativePath)
    }
}
