import Foundation

/// Renders recordings for `gongspool list` and `demo`: a row at a time, so that a listing of
/// any size can be written as it is read (``RecordingListingWriter``).
public enum RecordingListing {
    /// Why a queued row does not move, when sending is halted (`halted`: the stored halt).
    static func waitsFor(_ row: Recording, halted: String?) -> String? {
        guard let halted, [.ready, .created, .waiting, .creating, .uploading].contains(row.state) else { return nil }
        return "sending to resume (halted since \(halted))"
    }

    /// One recording as JSON: `clientUniqueId`, `state`, `callId`, `reason` and more;
    /// `waitsFor` when sending is halted (`halted`).
    static func object(_ row: Recording, halted: String?) -> JSONValue {
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        let peaks: JSONValue = row.channelPeaksDb.flatMap(AudioLevels.init(text:)).map { .array($0.peakDb.map(JSONValue.number)) } ?? .null
        let silent: JSONValue = row.silentChannels == nil ? .null : .array(row.silentChannelNumbers.map { JSONValue.integer(Int64($0)) })
        let confirmed: JSONValue = row.confirmedAt.map { .string(ISOTimestamp.format($0)) } ?? .null
        return .object([
            "channelPeaksDb": peaks,
            "silentChannels": silent,
            "confirmedInGongAt": confirmed,
            "waitsFor": text(waitsFor(row, halted: halted)),
            "id": .integer(row.id ?? 0),
            "clientUniqueId": text(row.clientUniqueId),
            "filesClientUniqueId": text(row.filesClientUniqueId),
            "state": .string(row.state.rawValue),
            "callId": text(row.callId),
            "reason": text(row.reason),
            "audioPath": text(row.audioPath),
            "attempts": .integer(Int64(row.attempts)),
            "lastErrorCode": text(row.lastErrorCode?.rawValue),
            "gongRequestIds": .object(["create": text(row.createRequestId), "media": text(row.mediaRequestId)]),
            "url": text(row.mediaURL),
            "phase": text(row.phase?.rawValue),
            "updatedAt": .string(ISOTimestamp.format(row.updatedAt)),
        ])
    }

    /// A JSON array of ``object(_:halted:)``, one per row.
    public static func json(_ rows: [Recording], halted: String? = nil) -> String {
        JSONValue.array(rows.map { object($0, halted: halted) }).prettyString()
    }

    /// An aligned text table; queued rows say what they wait for while sending is halted. Ids
    /// are printed whole (they are pasted back into `show`, `retry`…): the column is as wide as
    /// the longest. A row that does not own an id shows the one its files give.
    public static func table(_ rows: [Recording], halted: String? = nil) -> String {
        var widths = Widths()
        for row in rows { widths.measure(row) }
        return ([header(widths)] + rows.map { line($0, widths, halted: halted) }).joined(separator: "\n")
    }

    /// The table's column widths: each as wide as the longest value measured, and never
    /// narrower than its heading.
    struct Widths: Sendable, Equatable {
        var row = 6
        var id = 18
        var call = 21

        mutating func measure(_ recording: Recording) {
            row = max(row, String(recording.id ?? 0).count + 2)
            id = max(id, RecordingListing.id(recording).count + 2)
            call = max(call, (recording.callId?.count ?? 0) + 2)
        }
    }

    /// The table's heading.
    static func header(_ widths: Widths) -> String {
        pad("ID", widths.row) + pad("STATE", 11) + pad("CLIENT UNIQUE ID", widths.id) + pad("CALL ID", widths.call) + "FILE / REASON"
    }

    /// One row of the table. The ids are never cut: one longer than its column (a row that
    /// changed after the widths were measured) pushes the rest of its line to the right.
    static func line(_ row: Recording, _ widths: Widths, halted: String?) -> String {
        let waits = waitsFor(row, halted: halted).map { "waits for " + $0 }
        let detail = [row.audioPath ?? row.stem, row.reason, waits].compactMap { $0 }.joined(separator: " — ")
        let text =
            whole(String(row.id ?? 0), widths.row) + pad(row.state.rawValue, 11) + whole(id(row), widths.id)
            + whole(row.callId ?? "-", widths.call) + detail
        return text.escapingControlCharacters
    }

    /// The id a row shows: its own, or the one its files give.
    private static func id(_ row: Recording) -> String { row.clientUniqueId ?? row.filesClientUniqueId ?? "-" }

    private static func pad(_ s: String, _ width: Int) -> String {
        let cut = s.count >= width ? String(s.prefix(width - 2)) + "…" : s
        return cut.padding(toLength: width, withPad: " ", startingAt: 0)
    }

    private static func whole(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
