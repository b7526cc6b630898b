import Foundation

/// One page of `GET /v2/users`, reduced to what user mapping needs.
public struct UserListPage: Sendable, Equatable {
    /// The users on the page.
    public var users: [DirectoryUser]
    /// The cursor of the next page, `nil` on the last.
    public var cursor: String?

    /// Reads Gong's answer (`{records: {cursor}, users: [UserMetadata]}`); `nil` when it is not that shape.
    public init?(json body: String) {
        guard let root = try? JSONValue.parse(Data(body.utf8)), let list = root["users"]?.arrayValue else { return nil }
        var users: [DirectoryUser] = []
        for item in list {
            guard let id = item["id"]?.stringValue ?? item["id"].flatMap({ if case .integer(let i) = $0 { String(i) } else { nil } }) else {
                return nil
            }
            let name = [item["firstName"]?.stringValue, item["lastName"]?.stringValue].compactMap { $0 }.joined(separator: " ")
            var active: Bool?
            if case .bool(let value)? = item["active"] { active = value }
            var imported: Bool?
            if case .bool(let value)? = item["settings"]?["telephonyCallsImported"] { imported = value }
            users.append(
                DirectoryUser(
                    id: id, emailAddress: item["emailAddress"]?.stringValue, phoneNumber: item["phoneNumber"]?.stringValue,
                    phoneExtension: item["extension"]?.stringValue, name: name.isEmpty ? nil : name,
                    active: active, telephonyCallsImported: imported))
        }
        self.users = users
        self.cursor = root["records"]?["cursor"]?.stringValue
    }
}
