import Foundation

/// A fresh directory under the system temp dir, removed on `remove()`.
public struct TemporaryDirectory: Sendable {
    /// Absolute path.
    public let path: String

    /// Creates a new, empty directory.
    public init(_ label: String = "gongspool") throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    /// `path/relative`.
    public func file(_ relative: String) -> String { path + "/" + relative }

    /// Writes `data` to `relative`, creating parent directories.
    @discardableResult
    public func write(_ relative: String, _ data: Data) throws -> String {
        let target = file(relative)
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: target))
        return target
    }

    /// Writes UTF-8 text.
    @discardableResult
    public func write(_ relative: String, text: String) throws -> String {
        try write(relative, Data(text.utf8))
    }

    /// Removes the directory and everything below it.
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes a recording: `stem.ext` with `audio` and `stem.json`, a valid sidecar for `id` and `user`.
    public func writeRecording(_ stem: String, id: String, user: String = "234599484848423", audio: Data, ext: String = "wav") throws {
        try write("\(stem).\(ext)", audio)
        try write("\(stem).json", Fixtures.sidecarData(id: id, user: user))
    }
}
