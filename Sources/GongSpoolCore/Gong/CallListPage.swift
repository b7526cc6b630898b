import Foundation

/// One page of `GET /v2/calls`, reduced to what reconciliation needs: the calls' ids.
public struct CallListPage: Sendable, Equatable {
    /// Gong's ids of the calls on the page.
    public var callIds: [String]
    /// The cursor of the next page, `nil` on the last.
    public var cursor: String?

    /// Reads Gong's answer (`{records: {cursor}, calls: [CallBasicData]}`); `nil` when it is not that shape.
    public init?(json body: String) {
        guard let root = try? JSONValue.parse(Data(body.utf8)), let list = root["calls"]?.arrayValue else { return nil }
        var ids: [String] = []
        for item in list {
            switch item["id"] {
            case .string(let id)?: ids.append(id)
            case .integer(let id)?: ids.append(String(id))
            default: return nil
            }
        }
        callIds = ids
        cursor = root["records"]?["cursor"]?.stringValue
    }
}
