import Foundation

/// The outcome of looking closely at a settled audio + sidecar pair.
public enum Evaluation: Sendable, Equatable {
    /// Not finished yet (e.g. WAV header not finalised); look again later.
    case incomplete(String)
    /// The files changed while being read; start settling again.
    case changed
    /// Invalid input: never sent.
    case rejected(code: ErrorCode, reason: String)
    /// A person must act first (e.g. unknown user): `held`, never sent.
    case held(code: ErrorCode, reason: String)
    /// The user mapping cannot be consulted yet: wait for it, however long.
    case awaitingUsers(String)
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

/// Probes, validates and hashes one recording. Blocking: run it through ``BlockingIO``.
public struct RecordingEvaluator: Sendable {
    /// Gong's documented media limit (1.5 GB, decimal).
    public static let maxMediaBytes: Int64 = 1_500_000_000

    /// The spool root.
    public let root: String
    /// Builds the request from the configured sources.
    public let assembler: RequestAssembler

    /// Creates an evaluator for files under `root`.
    public init(root: String, assembler: RequestAssembler) {
        self.root = root
        self.assembler = assembler
    }

    /// Looks at `audio` and its `sidecar` (relative paths, `nil` when no sidecar is used) as the
    /// scan saw them, mapping users through `directory` and calls through `cdr`.
    public func evaluate(audio: SpoolEntry, sidecar: SpoolEntry?, directory: UserDirectory, cdr: CDRIndex? = nil, waitForCDR: Bool = false) -> Evaluation {
        if audio.size > Self.maxMediaBytes {
            return .rejected(code: .mediaTooLarge, reason: "\(audio.relativePath): \(audio.size) bytes is over Gong's 1.5 GB media limit")
        }
        let file: SpoolFile
        do {
            file = try SpoolFile(root: root, relativePath: audio.relativePath)
        } catch {
            return .rejected(code: error.code, reason: error.description)
        }
        guard file.size == audio.size, file.mtimeNs == audio.mtimeNs, file.inode == audio.inode else { return .changed }
        let info: MediaInfo
        switch probe(file, path: audio.relativePath) {
        case .ended(let evaluation): return evaluation
        case .media(let found): info = found
        }
        let request: BuiltRequest
        switch assemble(audio: audio.relativePath, sidecar: sidecar?.relativePath, media: info, directory: directory, cdr: cdr, waitForCDR: waitForCDR) {
        case .built(let built, _): request = built
        case .invalid(let problem): return .rejected(code: .invalidRequest, reason: problem.description)
        case .held(let code, let reason): return .held(code: code, reason: reason)
        case .notYet(let reason): return .incomplete(reason)
        case .awaitingUsers(let reason): return .awaitingUsers(reason)
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

    /// Reads the media header: complete, or the evaluation that ends here.
    func probe(_ file: SpoolFile, path: String) -> ProbeOutcome {
        do {
            let header = try file.read(at: 0, count: MediaProbe.headerLength)
            let result = MediaProbe.probe(header: header, fileSize: file.size) { offset, count in
                (try? file.read(at: offset, count: count)) ?? []
            }
            switch result {
            case .incomplete(let why): return .ended(.incomplete("\(path): \(why)"))
            case .notMedia(let why): return .ended(.rejected(code: .notMedia, reason: "\(path): \(why)"))
            case .complete(let found): return .media(found)
            }
        } catch {
            return .ended(.rejected(code: error.code, reason: "\(path): \(error.description)"))
        }
    }

    /// Reads the sidecar (when one is used) and assembles the request (also used by `gongspool validate`).
    public func assemble(audio: String, sidecar: String?, media: MediaInfo?, directory: UserDirectory, cdr: CDRIndex? = nil, waitForCDR: Bool = false) -> Assembly {
        var sidecarInput: (path: String, data: Data)?
        if let sidecar {
            do {
                let file = try SpoolFile(root: root, relativePath: sidecar)
                guard file.size <= Int64(RequestBuilder.maxSidecarBytes) else {
                    return .invalid(RequestProblem(file: sidecar, issues: [ValidationIssue(path: "$", message: "sidecar is larger than \(RequestBuilder.maxSidecarBytes >> 20) MiB")]))
                }
                sidecarInput = (sidecar, Data(try file.read(at: 0, count: Int(file.size))))
            } catch {
                return .invalid(RequestProblem(file: sidecar, issues: [ValidationIssue(path: "$", message: error.description)]))
            }
        }
        return assembler.assemble(AssemblyInputs(audioPath: audio, sidecar: sidecarInput, media: media), directory: directory, cdr: cdr, waitForCDR: waitForCDR)
    }
}

/// A media header read: its facts, or the evaluation that ends there.
enum ProbeOutcome {
    case media(MediaInfo)
    case ended(Evaluation)
}
