import Foundation
import TestSupport
import Testing

@testable import GongSpoolCore

/// The after-upload step touches only the bytes uploaded: a file renamed over the name after
/// the check is moved, found out and put back; a move interrupted by a crash is finished; an
/// archive copy across file systems is trusted only with the same bytes.
@Suite struct AfterUploadActionTests {
    func taken(_ spool: TemporaryDirectory, _ relative: String) throws -> TakenFile {
        var info = stat()
        #expect(lstat(spool.file(relative), &info) == 0)
        return TakenFile(relativePath: relative, size: Int64(info.st_size), mtimeNs: info.mtimeNs, inode: Int64(info.st_ino))
    }

    func settings(_ spool: TemporaryDirectory, _ mode: AfterUpload, archive: String? = nil) -> SpoolSettings {
        var settings = SpoolSettings()
        settings.directory = spool.path
        settings.afterUpload = mode
        settings.archiveDirectory = archive
        return settings
    }

    @Test func aFileRenamedOverTheNameAfterTheCheckIsPutBackNotDeleted() throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        try spool.write("d/r.wav", Fixtures.wav(seed: 1))
        try spool.write("d/r.json", Data("{}".utf8))
        let files = [try taken(spool, "d/r.wav"), try taken(spool, "d/r.json")]
        let newer = Fixtures.wav(seconds: 2, seed: 2)
        let path = spool.file("d/r.wav")
        // The PBX re-records the call under the same name in the window between check and move.
        let action = AfterUploadAction(settings: settings(spool, .delete)) { relative in
            guard relative == "d/r.wav" else { return }
            FileManager.default.createFile(atPath: path + ".tmp", contents: newer)
            rename(path + ".tmp", path)
        }
        let report = try action.apply(to: files)
        #expect(report.handled.isEmpty, "\(report)")
        #expect(report.leftInPlace.first?.contains("put back") == true, "\(report)")
        #expect(FileManager.default.contents(atPath: path) == newer, "the new recording is where the PBX put it")
        #expect(FileManager.default.fileExists(atPath: spool.file("d/r.json")), "its sidecar stays with it")
    }

    @Test func aMoveInterruptedByACrashIsFinished() throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        try spool.write("r.wav", Fixtures.wav(seed: 3))
        let file = try taken(spool, "r.wav")
        // The crash came after the move aside: the file waits in the staging directory.
        try FileManager.default.createDirectory(atPath: spool.file(AfterUploadAction.stagingDirectory), withIntermediateDirectories: true)
        #expect(rename(spool.file("r.wav"), spool.file(AfterUploadAction.stagingDirectory + "/" + AfterUploadAction.stagedName("r.wav"))) == 0)
        let report = try AfterUploadAction(settings: settings(spool, .delete)).apply(to: [file])
        #expect(report.handled == ["r.wav"])
        #expect((try? FileManager.default.contentsOfDirectory(atPath: spool.file(AfterUploadAction.stagingDirectory))) == [])
    }

    @Test func anArchiveCopyAcrossFileSystemsIsTrustedOnlyWithTheSameBytes() throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let archive = "/dev/shm/gongspool-archive-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: archive) }
        try FileManager.default.createDirectory(atPath: archive, withIntermediateDirectories: true)
        var a = stat()
        var b = stat()
        guard stat(spool.path, &a) == 0, stat(archive, &b) == 0, a.st_dev != b.st_dev else { return }  // one file system here
        let audio = Fixtures.wav(seed: 4)
        try spool.write("r.wav", audio)
        let file = try taken(spool, "r.wav")
        // Another recording's copy of the same name, size and mtime, other bytes.
        var other = audio
        other[other.count - 1] ^= 0xFF
        FileManager.default.createFile(atPath: archive + "/r.wav", contents: other)
        var times = [
            timespec(tv_sec: 0, tv_nsec: (1 << 30) - 2),
            timespec(tv_sec: Int(file.mtimeNs! / 1_000_000_000), tv_nsec: Int(file.mtimeNs! % 1_000_000_000)),
        ]
        _ = utimensat(AT_FDCWD, archive + "/r.wav", &times, 0)
        #expect(throws: AfterUploadError.self) { try AfterUploadAction(settings: settings(spool, .archive, archive: archive)).apply(to: [file]) }
        #expect(FileManager.default.contents(atPath: spool.file("r.wav")) == audio, "the source is kept")
        #expect(FileManager.default.contents(atPath: archive + "/r.wav") == other, "the other copy is kept")
        // The same bytes (copied before a crash) are trusted: the source goes.
        FileManager.default.createFile(atPath: archive + "/r.wav", contents: audio)
        let report = try AfterUploadAction(settings: settings(spool, .archive, archive: archive)).apply(to: [file])
        #expect(report.handled == ["r.wav"] && !FileManager.default.fileExists(atPath: spool.file("r.wav")))
    }
}
