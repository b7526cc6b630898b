import Foundation

/// How closely the requests of a fleet may follow each other, judged on the sends the fleet
/// recorded (``GateStore/confirmSend(_:)``): each at least `spacing` after the one before, and
/// at most `count` in any `seconds`. The spacing alone would let a late request catch up with
/// the next; the count alone would let two pairs sent back to back (after a pause that every
/// node waited out) put four requests inside one second.
public struct SendWindow: Sendable, Equatable {
    /// At most this many requests…
    public var count: Int
    /// …in any this many seconds.
    public var seconds: Double
    /// Seconds between two requests, at least.
    public var spacing: Double

    /// A window.
    public init(count: Int, seconds: Double, spacing: Double) {
        self.count = count
        self.seconds = seconds
        self.spacing = spacing
    }

    /// How long to wait before the next request may leave, given how many seconds ago the
    /// newest send left and the `count`-th newest (`nil` when there are not that many); 0 when
    /// it may leave now.
    public func wait(newestAged newest: Double?, countthAged countth: Double?) -> Double {
        var wait = 0.0
        if let newest, newest < spacing { wait = spacing - newest }
        if let countth, countth < seconds { wait = max(wait, seconds - countth) }
        return wait
    }
}
