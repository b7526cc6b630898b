import Foundation

/// `gongspool list` over a state of any size: the rows are read a page at a time and written as
/// they come, so memory does not grow with the history (a year of a busy PBX is hundreds of
/// thousands of rows; holding them all took gigabytes on the server that runs the calls).
public struct RecordingListingWriter: Sendable {
    /// How the listing is written.
    public enum Format: Sendable {
        /// ``RecordingListing/table(_:halted:)``'s aligned table.
        case table
        /// A JSON array of one object per recording.
        case json
    }

    /// Only recordings in these states (`nil`: all).
    public var states: Set<RecordingState>?
    /// Only recordings changed at or after this time.
    public var changedSince: Date?
    /// Only the newest this many recordings, newest first (`nil`: all, oldest first).
    public var newest: Int?
    /// The stored halt, when sending is halted (queued rows say they wait for it).
    public var halted: String?
    /// Table or JSON.
    public var format: Format

    /// A listing.
    public init(states: Set<RecordingState>? = nil, changedSince: Date? = nil, newest: Int? = nil, halted: String? = nil, format: Format) {
        self.states = states
        self.changedSince = changedSince
        self.newest = newest
        self.halted = halted
        self.format = format
    }

    /// Writes the listing through `write` (text as it is ready), reading `pageSize` rows at a
    /// time; returns how many recordings it lists. A table is measured in one walk over the
    /// rows and written in a second one that ends at the last row the first saw.
    @discardableResult
    public func write(from store: any StatusStore, pageSize: Int = 500, _ write: (String) -> Void) async throws(StoreError) -> Int {
        if let newest {
            let rows = try await newestRows(newest, from: store, pageSize: pageSize)
            switch format {
            case .table: write(RecordingListing.table(rows, halted: halted) + "\n")
            case .json: write(RecordingListing.json(rows, halted: halted) + "\n")
            }
            return rows.count
        }
        var count = 0
        switch format {
        case .json:
            // A page is encoded as one array (one encoder per page, not per row) whose brackets
            // are left off: its elements are indented as the whole array's.
            write("[")
            try await walk(store, pageSize: pageSize) { page in
                let array = RecordingListing.json(page, halted: halted).trimmingCharacters(in: .whitespacesAndNewlines)
                let elements = array.dropFirst().dropLast().trimmingCharacters(in: .newlines)
                write((count == 0 ? "\n" : ",\n") + elements)
                count += page.count
            }
            write(count == 0 ? "]\n" : "\n]\n")
        case .table:
            var widths = RecordingListing.Widths()
            var last: Int64 = 0
            try await walk(store, pageSize: pageSize) { page in
                for row in page { widths.measure(row) }
                last = page.last?.id ?? last
            }
            write(RecordingListing.header(widths) + "\n")
            try await walk(store, pageSize: pageSize, through: last) { page in
                write(page.map { RecordingListing.line($0, widths, halted: halted) + "\n" }.joined())
                count += page.count
            }
        }
        return count
    }

    /// The newest `limit` rows that pass the filter, newest first. Without a time filter that is
    /// one query; with one, a walk that keeps only the newest `limit` seen so far.
    private func newestRows(_ limit: Int, from store: any StatusStore, pageSize: Int) async throws(StoreError) -> [Recording] {
        guard changedSince != nil else { return try await store.recordings(in: states, limit: limit, newestFirst: true) }
        var kept: [Recording] = []
        try await walk(store, pageSize: pageSize) { page in
            kept += page
            if kept.count > 2 * max(limit, pageSize) { kept.removeFirst(kept.count - limit) }
        }
        return Array(kept.suffix(limit).reversed())
    }

    /// Every row that passes the filter, by id, up to id `through`, a page at a time (a page
    /// the time filter empties is not passed on).
    private func walk(
        _ store: any StatusStore, pageSize: Int, through: Int64 = .max, _ body: ([Recording]) -> Void
    ) async throws(StoreError) {
        let size = max(1, pageSize)
        var after: Int64 = 0
        while after < through {
            let page = try await store.recordings(in: states, afterId: after, limit: size)
            guard let last = page.last?.id else { return }
            after = last
            let passing = page.filter { row in (row.id ?? 0) <= through && changedSince.map { row.updatedAt >= $0 } ?? true }
            if !passing.isEmpty { body(passing) }
            if page.count < size { return }
        }
    }
}
