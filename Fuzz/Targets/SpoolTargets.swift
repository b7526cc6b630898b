import Foundation

@testable import GongSpoolCore

/// The spool's directory reader (`readdir` records read in place, `fstatat` without following
/// links) over real directories whose names come from the input — and, for `#wide N`, a folder
/// of N files, big enough that libc's directory buffer fills to its end, where copying a whole
/// `dirent` used to read past it (AddressSanitizer catches that at once).
enum SpoolTargets {
    /// A fresh folder per input, under one per process (removed when the fuzzer exits).
    static let base: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gongspool-fuzz-spool-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: SpoolTargets.base) }
        return path
    }()

    static func tree(_ bytes: [UInt8]) {
        let root = base + "/t"
        try? FileManager.default.removeItem(atPath: root)
        guard mkdir(root, 0o700) == 0 else { return }
        defer { try? FileManager.default.removeItem(atPath: root) }
        let text = String(decoding: bytes, as: UTF8.self)
        let numbers = text.split(separator: " ").dropFirst().map { Int($0.prefix { $0.isNumber }) ?? 0 }
        if text.hasPrefix("#wide "), let count = numbers.first {
            makeFolder(root + "/wide", files: min(count, 20_000))
        } else if text.hasPrefix("#tree "), numbers.count >= 2 {
            // `#tree 365 1000`: a year of daily folders (run by hand: scripts/fuzz.sh documents it).
            let folders = min(numbers[0], 400)
            let files = min(numbers[1], 1_000)
            for day in 0..<folders { makeFolder(root + "/\(day)", files: files) }
        } else {
            // Up to 64 entries: a NUL or newline separates names; '/' makes a folder first.
            for raw in bytes.split(whereSeparator: { $0 == 0 || $0 == 10 }).prefix(64) {
                let name = Array(raw.prefix(255))
                guard !name.isEmpty, name != [46], name != [46, 46] else { continue }
                let parts = name.split(separator: 47, omittingEmptySubsequences: true).prefix(4)
                var path = Array(root.utf8)
                for (index, part) in parts.enumerated() {
                    path += [47] + part
                    let cPath = path.map { CChar(bitPattern: $0) } + [0]
                    if index < parts.count - 1 { mkdir(cPath, 0o700) } else { close(open(cPath, O_CREAT | O_WRONLY, 0o600)) }
                }
            }
        }
        walk(root)
    }

    static func makeFolder(_ path: String, files: Int) {
        mkdir(path, 0o700)
        for i in 0..<max(0, files) {
            close(open(path + "/2026-11-22-\(String(repeating: "x", count: i % 200))-\(i).wav", O_CREAT | O_WRONLY, 0o600))
        }
    }

    static func walk(_ root: String) {
        let walk = SpoolWalk(root: root, recursive: true)
        _ = walk.countRecordings()
        var queue = [""]
        var listed = 0
        while let next = queue.popLast(), listed < 1_000 {
            let listing = walk.list(next, mtimeNs: 0)
            queue += listing.subdirectories
            listed += 1
            for entry in listing.entries { _ = walk.restat(entry.relativePath) }
        }
    }
}
