import Foundation
import Logging

/// Keeps the current ``UserDirectory``: rebuilt when the users file changes on disk or Gong's
/// user list is fetched again, otherwise the cached snapshot (one `stat` and one query per poll).
public actor UserDirectoryProvider {
    private let settings: UserSettings
    private let store: any UserCacheStore & MetaStore
    private let logger: Logger
    private var cached: UserDirectory?
    private var fileStamp: [Int64]?
    private var gongStamp: Date?
    /// Bumped every time the directory changes (intake re-examines user holds then).
    public private(set) var generation = 0

    /// A provider for `settings` over the cache in `store`.
    public init(settings: UserSettings, store: any UserCacheStore & MetaStore, logger: Logger) {
        self.settings = settings
        self.store = store
        self.logger = logger
    }

    /// The directory as of now.
    public func current() async throws -> UserDirectory {
        let file = settings.file
        let stamp: [Int64]? = try await BlockingIO.run {
            guard let file else { return nil }
            var info = stat()
            guard stat(file, &info) == 0 else { return [-1] }
            return [Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec), Int64(info.st_ino)]
        }
        let fetched = settings.fromGong ? try await store.gongUsersFetchedAt() : nil
        if let cached, stamp == fileStamp, fetched == gongStamp { return cached }
        var entries: [String: String] = [:]
        var problem: String?
        if let file {
            do {
                entries = try await BlockingIO.run { try UserFile.read(path: file) }
            } catch {
                problem = (error as? UserFile.Failure)?.description ?? "\(error)"
                logger.error("users file unusable; recordings needing it wait", metadata: ["file": "\(file)", "error": "\(problem ?? "")"])
            }
        }
        let gongUsers = settings.fromGong ? try await store.gongUsers() : []
        let directory = UserDirectory(settings: settings, fileEntries: entries, fileProblem: problem, gongUsers: gongUsers, gongFetchedAt: fetched)
        if cached != nil { generation += 1 }
        cached = directory
        fileStamp = stamp
        gongStamp = fetched
        return directory
    }
}

extension UserDirectory {
    /// The directory as `gongspool validate` sees it: the table, the users file and, when there
    /// is a state (`store`, SQLite or PostgreSQL), Gong's user list as the daemon last fetched it.
    public static func load(settings: UserSettings, store: (any UserCacheStore & MetaStore)?) async -> UserDirectory {
        var entries: [String: String] = [:]
        var problem: String?
        if let file = settings.file {
            do { entries = try UserFile.read(path: file) } catch { problem = error.description }
        }
        var users: [DirectoryUser] = []
        var fetched: Date?
        if settings.fromGong, let store {
            users = (try? await store.gongUsers()) ?? []
            fetched = try? await store.gongUsersFetchedAt()
        }
        return UserDirectory(settings: settings, fileEntries: entries, fileProblem: problem, gongUsers: users, gongFetchedAt: fetched)
    }
}
