import Foundation

/// `gongspool validate`: builds the request for any audio or sidecar file, outside the daemon,
/// from the same sources the daemon uses, and says where each field came from.
public enum FileValidation {
    /// The result for one file.
    public struct Report: Sendable {
        /// The request, when valid.
        public var request: BuiltRequest?
        /// JSON path → source of the value, for a valid request.
        public var provenance: [String: String] = [:]
        /// Every problem, `"<file>: <path>: <message>"`.
        public var problems: [String]
        /// What the duration, silence and truncation checks say (the request may be valid and
        /// still not be sent as it is).
        public var notes: [String] = []
    }

    /// Validates `path` (an audio file or a sidecar) with `config`, the user mapping `directory`
    /// and the never-send list extended by `erasures` (the state's). Files under
    /// `spool.directory` are named relative to it, as the daemon names them.
    public static func validate(path: String, config: Configuration, directory: UserDirectory, erasures: [ErasureRecord] = []) -> Report {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let spool = config.spool.directory.isEmpty ? "" : URL(fileURLWithPath: config.spool.directory).standardizedFileURL.path
        let (root, relative): (String, String) =
            !spool.isEmpty && url.path.hasPrefix(spool + "/")
            ? (spool, String(url.path.dropFirst(spool.count + 1)))
            : (url.deletingLastPathComponent().path, url.lastPathComponent)
        var assembler: RequestAssembler
        do {
            assembler = try RequestAssembler(config: config)
            assembler.policy = assembler.policy.adding(erasures)
        } catch {
            return Report(problems: [error.description])
        }
        let entry = SpoolEntry(relativePath: relative, size: 0, mtimeNs: 0, inode: 0)
        let sidecarExtension = config.metadata.effectiveSidecarExtension
        var audio: String? = MediaKind(fileExtension: entry.fileExtension) != nil ? relative : nil
        let sidecar: String? = audio == nil ? relative : sidecarExtension.map { entry.stem + "." + $0 }
        if audio == nil {
            let siblings =
                (try? FileManager.default.contentsOfDirectory(
                    atPath: (root as NSString).appendingPathComponent((relative as NSString).deletingLastPathComponent))) ?? []
            let stemName = (entry.stem as NSString).lastPathComponent
            if let match = siblings.sorted().first(where: {
                ($0 as NSString).deletingPathExtension == stemName && MediaKind(fileExtension: ($0 as NSString).pathExtension) != nil
            }) {
                audio = ((relative as NSString).deletingLastPathComponent as NSString).appendingPathComponent(match)
            }
        }
        var problems: [String] = []
        var media: MediaInfo?
        let evaluator = RecordingEvaluator(root: root, assembler: assembler, checks: ContentChecks(config.spool))
        if let audio {
            do {
                let file = try SpoolFile(root: root, relativePath: audio)
                if file.size > RecordingEvaluator.maxMediaBytes {
                    problems.append("\(audio): \(file.size) bytes is over Gong's 1.5 GB media limit")
                }
                switch evaluator.probe(file, path: audio) {
                case .media(let info): media = info
                case .ended(.incomplete(let why)), .ended(.rejected(_, let why)): problems.append(why)
                case .ended: break
                }
            } catch {
                problems.append(error.description)
            }
        } else if config.metadata.isMapped {
            return Report(problems: ["\(relative): no audio file with the same name next to it"])
        }
        var cdr = config.metadata.cdr.map(CDRIndex.init(settings:))
        cdr?.refresh()
        switch evaluator.assemble(audio: audio ?? relative, sidecar: sidecar, media: media, directory: directory, cdr: cdr, waitForCDR: cdr != nil) {
        case .built(var request, let provenance):
            guard problems.isEmpty else { return Report(problems: problems) }
            var notes: [String] = []
            if let audio, let media {
                (notes, request) = evaluator.contentNotes(audio: audio, media: media, request: request, provenance: provenance)
            }
            return Report(request: request, provenance: provenance, problems: [], notes: notes)
        case .invalid(let problem):
            return Report(problems: problems + problem.issues.map { "\(problem.file): \($0)" })
        case .held(let code, let reason):
            return Report(problems: problems + ["would be held (\(code)): \(reason)"])
        case .notYet(let reason), .awaitingUsers(let reason):
            return Report(problems: problems + ["would wait: \(reason)"])
        case .excluded(let rule):
            let files = config.privacy.excludedFiles == .delete ? "; its files would be deleted (privacy.excludedFiles: delete)" : ""
            return Report(
                problems: problems + [
                    "would be skipped (excluded_by_policy): " + RecordingEvaluator.exclusionReason(audio ?? relative, rule: rule) + files
                ])
        }
    }
}
