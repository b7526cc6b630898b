import Foundation

/// `gongspool validate`: builds the request for any audio or sidecar file, outside the daemon.
public enum FileValidation {
    /// The result for one file.
    public struct Report: Sendable {
        /// The request, when valid.
        public var request: BuiltRequest?
        /// Every problem, `"<file>: <path>: <message>"`.
        public var problems: [String]
    }

    /// Validates `path` (an audio file or a sidecar) with `defaults` merged under the sidecar.
    public static func validate(path: String, defaults: JSONValue) -> Report {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let directory = url.deletingLastPathComponent().path
        let name = url.lastPathComponent
        let entry = SpoolEntry(relativePath: name, size: 0, mtimeNs: 0, inode: 0)
        let isAudio = MediaKind(fileExtension: entry.fileExtension) != nil
        let sidecarName = isAudio ? entry.stem + ".json" : name
        var problems: [String] = []
        if isAudio, let problem = probeProblem(directory: directory, name: name) {
            problems.append(problem)
        }
        let evaluator = RecordingEvaluator(root: directory, builder: RequestBuilder(defaults: defaults))
        switch evaluator.readSidecar(SpoolEntry(relativePath: sidecarName, size: 0, mtimeNs: 0, inode: 0)) {
        case .success(let request):
            return Report(request: problems.isEmpty ? request : nil, problems: problems)
        case .failure(let problem):
            problems += problem.issues.map { "\(problem.file): \($0)" }
            return Report(request: nil, problems: problems)
        }
    }

    private static func probeProblem(directory: String, name: String) -> String? {
        do {
            let file = try SpoolFile(root: directory, relativePath: name)
            if file.size > RecordingEvaluator.maxMediaBytes {
                return "\(name): \(file.size) bytes is over Gong's 1.5 GB media limit"
            }
            let header = try file.read(at: 0, count: MediaProbe.headerLength)
            switch MediaProbe.probe(header: header, fileSize: file.size, readAt: { (try? file.read(at: $0, count: $1)) ?? [] }) {
            case .complete: return nil
            case .incomplete(let why): return "\(name): \(why)"
            case .notMedia(let why): return "\(name): \(why)"
            }
        } catch {
            return error.description
        }
    }
}
