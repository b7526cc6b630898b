import Foundation

/// One request as the simulator saw it.
public struct SimulatedRequest: Sendable, Equatable {
    /// Arrival time.
    public var at: Date
    /// HTTP method.
    public var method: String
    /// Path.
    public var path: String
    /// Status answered (0 when the response was dropped).
    public var status: Int
}

/// A call the simulator created.
public struct SimulatedCall: Sendable, Equatable {
    /// Gong's id.
    public var callId: String
    /// The caller's id.
    public var clientUniqueId: String
    /// The request body as received.
    public var body: String
    /// Whether it asked Gong to download the media.
    public var usesDownloadURL: Bool
    /// Media size, once uploaded.
    public var mediaSize: Int64?
    /// Media SHA-256 (hex), once uploaded.
    public var mediaSHA256: String?
    /// Media part filename and content type.
    public var mediaFilename: String?, mediaContentType: String?
}

/// Everything a test may ask the simulator afterwards.
public struct SimulatorSnapshot: Sendable {
    /// Calls by callId.
    public var calls: [String: SimulatedCall]
    /// Accepted (200) creates per clientUniqueId — must never exceed 1.
    public var acceptedCreates: [String: Int]
    /// Every request in arrival order.
    public var requests: [SimulatedRequest]
    /// Requests rejected as invalid (400 other than duplicates); must stay 0 for a correct client.
    public var invalidRequests: Int
    /// Requests that arrived while a `Retry-After` given earlier had not yet elapsed.
    public var earlyRequests = 0

    /// Calls that have no media.
    public var callsWithoutMedia: [SimulatedCall] { calls.values.filter { $0.mediaSHA256 == nil && !$0.usesDownloadURL } }
}
