import Foundation

/// What the user mapping says about one PBX identifier.
public enum UserResolution: Sendable, Equatable {
    /// A Gong user, and which mapping named it.
    case found(DirectoryUser, origin: String)
    /// No mapping knows it: the recording is held with this reason.
    case unknown(String)
    /// Cannot tell yet (Gong's list not fetched, users file unreadable): look again later.
    case notYet(String)
}

/// A snapshot of every user mapping: `users.table`, the users CSV file and Gong's user list
/// (cached in the state database). Lookups by extension, e-mail address or phone number.
public struct UserDirectory: Sendable, Equatable {
    /// Identifier → (user id, origin), from the table and the file.
    var explicit: [String: Mapped] = [:]
    var byId: [String: DirectoryUser] = [:]
    var byExtension: [String: DirectoryUser] = [:]
    var byEmail: [String: DirectoryUser] = [:]
    var byPhone: [String: DirectoryUser] = [:]
    /// Whether Gong's list is part of the mapping.
    public var gongExpected = false
    /// When Gong's list was last fetched (`nil`: never).
    public var gongFetchedAt: Date?
    /// Why the users file could not be read, if it could not.
    public var fileProblem: String?
    /// Where lookups went, for reasons ("users.table, /etc/gongspool/users.csv").
    var places: [String] = []

    struct Mapped: Sendable, Equatable {
        var userId: String
        var origin: String
    }

    /// An empty directory.
    public init() {}

    /// A directory from the configured table, the users file's entries and Gong's cached list.
    public init(settings: UserSettings, fileEntries: [String: String], fileProblem: String?, gongUsers: [DirectoryUser], gongFetchedAt: Date?) {
        for (key, id) in settings.table { explicit[Self.normalize(key)] = Mapped(userId: id, origin: "users.table") }
        if !settings.table.isEmpty { places.append("users.table") }
        if let file = settings.file {
            places.append(file)
            for (key, id) in fileEntries where explicit[Self.normalize(key)] == nil {
                explicit[Self.normalize(key)] = Mapped(userId: id, origin: file)
            }
        }
        self.fileProblem = fileProblem
        gongExpected = settings.fromGong
        self.gongFetchedAt = gongFetchedAt
        if settings.fromGong { places.append("Gong's user list") }
        for user in gongUsers {
            byId[user.id] = user
            if let ext = user.phoneExtension, !ext.isEmpty, byExtension[ext] == nil { byExtension[ext] = user }
            if let email = user.emailAddress?.lowercased(), !email.isEmpty, byEmail[email] == nil { byEmail[email] = user }
            if let phone = user.phoneNumber.map(Self.digits), phone.count >= 5, byPhone[phone] == nil { byPhone[phone] = user }
        }
    }

    /// Gong's record of user `id`, when Gong's list has it.
    public func gongUser(id: String) -> DirectoryUser? { byId[id] }

    /// Resolves an extension, e-mail address or phone number.
    public func resolve(_ identifier: String) -> UserResolution {
        let key = Self.normalize(identifier)
        if let mapped = explicit[key] {
            return .found(byId[mapped.userId] ?? DirectoryUser(id: mapped.userId), origin: mapped.origin)
        }
        let phone = Self.digits(key)
        if let user = byExtension[key] ?? byEmail[key] ?? (phone.count >= 5 ? byPhone[phone] : nil) {
            return .found(user, origin: "Gong's user list")
        }
        if let fileProblem { return .notYet("users file unreadable: \(fileProblem)") }
        if gongExpected && gongFetchedAt == nil { return .notYet("waiting for Gong's user list (not fetched yet)") }
        let looked =
            places.isEmpty
            ? "no users mapping is configured (users.table, users.file, users.fromGong)" : "looked in " + places.joined(separator: ", ")
        return .unknown("no Gong user for \(Self.kind(of: identifier)) \(identifier) (\(looked))")
    }

    static func normalize(_ key: String) -> String {
        key.trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func digits(_ text: String) -> String {
        String(text.filter { $0.isASCII && $0.isNumber })
    }

    /// "extension", "e-mail address" or "phone number", for reasons.
    static func kind(of identifier: String) -> String {
        if identifier.contains("@") { return "e-mail address" }
        let digits = Self.digits(identifier)
        if digits.count == identifier.count && digits.count <= 6 { return "extension" }
        return "phone number"
    }
}
