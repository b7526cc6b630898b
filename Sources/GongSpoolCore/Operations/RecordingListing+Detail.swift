import Foundation

extension RecordingListing {
    /// `gongspool show`: the row and its history, for people.
    public static func detail(_ row: Recording, history: [Transition], halted: String? = nil) -> String {
        var lines = [
            "recording #\(row.id ?? 0)  \(row.state.rawValue)\(row.reason.map { " — \($0)" } ?? "")",
            "  clientUniqueId: \(row.clientUniqueId ?? row.filesClientUniqueId.map { "- (its files give \($0); not owned)" } ?? "-")",
            "  callId:         \(row.callId ?? "-")",
            "  audio:          \(row.audioPath ?? "-") (\(row.size.map { "\($0) bytes" } ?? "?"), \(row.mediaKind ?? "?"))",
            "  sidecar:        \(row.sidecarPath ?? "-")",
            "  sha256:         \(row.sha256 ?? "-")",
            "  gong requestId: create \(row.createRequestId ?? "-"), media \(row.mediaRequestId ?? "-")\(row.mediaURL.map { "  \($0)" } ?? "")",
            "  attempts:       \(row.attempts)\(row.nextAttemptAt.map { ", next at \(ISOTimestamp.format($0))" } ?? "")",
            "  cause:          \(row.lastErrorCode?.rawValue ?? "-")\(row.phase.map { " (resumes at \($0.rawValue))" } ?? "")",
        ]
        if let peaks = row.channelPeaksDb.flatMap(AudioLevels.init(text:)) {
            let silent = row.silentChannelNumbers
            let channels = peaks.peakDb.enumerated().map { index, db in
                "\(peaks.peakDb.count == 2 ? (index == 0 ? "left" : "right") : "channel \(index)") \(ContentChecks.number(db)) dBFS\(silent.contains(index) ? " (silent)" : "")"
            }
            lines.append("  level (peak):   " + channels.joined(separator: ", "))
        }
        if let confirmed = row.confirmedAt { lines.append("  listed by Gong: \(ISOTimestamp.format(confirmed)) (reconciled)") }
        if row.checksWaived { lines.append("  content checks: waived by an operator (sent however short, silent or cut)") }
        if let code = row.lastErrorCode {
            lines.append("  what to do:     \(code.remedy)")
        }
        if let waits = waitsFor(row, halted: halted) {
            lines.append("  waits for:      \(waits)")
        }
        lines.append("history:")
        for t in history {
            let code = t.errorCode.map { " [\($0)]" } ?? ""
            lines.append(
                "  \(ISOTimestamp.format(t.at))  \(t.fromState?.rawValue ?? "new") → \(t.toState.rawValue)  attempt \(t.attempt)\(code)\(t.reason.map { "  \($0)" } ?? "")"
            )
        }
        return lines.map(\.escapingControlCharacters).joined(separator: "\n")
    }

    /// `gongspool show --json`.
    public static func detailJSON(_ row: Recording, history: [Transition], halted: String? = nil) -> String {
        guard case .object(var object) = self.object(row, halted: halted) else { return "{}" }
        func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        object["sha256"] = text(row.sha256)
        object["sidecarPath"] = text(row.sidecarPath)
        object["history"] = .array(
            history.map {
                .object([
                    "at": .string(ISOTimestamp.format($0.at)), "from": text($0.fromState?.rawValue), "to": .string($0.toState.rawValue),
                    "reason": text($0.reason), "errorCode": text($0.errorCode?.rawValue), "attempt": .integer(Int64($0.attempt)),
                ])
            })
        return JSONValue.object(object).prettyString()
    }
}
