import Foundation
import GongSpoolCore
import PostgresNIO

extension Recording {
    /// `id, stem, …`: every column, in ``RecordingColumn`` order.
    static let postgresColumns = RecordingColumn.selectList

    /// How many columns ``postgresColumns`` names: the index of the first column a query
    /// selects after them.
    static let postgresColumnCount = RecordingColumn.allCases.count

    /// Reads a row selected with ``postgresColumns``.
    init(postgres row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        try self.init(stored: { column in
            let cell = cells[column.position]
            switch column.kind {
            case .text: return try cell.decode(String?.self).map(StoredValue.text) ?? .null
            case .bigInteger: return try cell.decode(Int64?.self).map(StoredValue.integer) ?? .null
            case .count: return try cell.decode(Int32?.self).map { .integer(Int64($0)) } ?? .null
            case .date: return try cell.decode(Date?.self).map(StoredValue.date) ?? .null
            case .flag: return try cell.decode(Bool?.self).map(StoredValue.flag) ?? .null
            }
        })
    }

    /// Every column but `id` (and the fleet's own `spool`, `leaseNode`, `leaseUntil`), bound in
    /// ``RecordingColumn/written`` order: `$1` is `stem`.
    var postgresBindings: PostgresBindings {
        var binds = PostgresBindings(capacity: RecordingColumn.written.count + 1)
        for column in RecordingColumn.written {
            switch (stored(column), column.kind) {
            case (.text(let text), _): binds.append(text)
            case (.integer(let number), .count): binds.append(Int32(clamping: number))
            case (.integer(let number), _): binds.append(number)
            case (.date(let date), _): binds.append(date)
            case (.flag(let flag), _): binds.append(flag)
            case (.null, .text): binds.append(String?.none)
            case (.null, .bigInteger): binds.append(Int64?.none)
            case (.null, .count): binds.append(Int32?.none)
            case (.null, .date): binds.append(Date?.none)
            case (.null, .flag): binds.append(Bool?.none)
            }
        }
        return binds
    }

    /// `stem = $1, …` for every bound column, for an `UPDATE`.
    static let postgresAssignments = RecordingColumn.written.enumerated().map { "\($0.element.rawValue) = $\($0.offset + 1)" }.joined(separator: ", ")

    /// `$1, …` for an `INSERT` of every bound column.
    static let postgresPlaceholders = (1...RecordingColumn.written.count).map { "$\($0)" }.joined(separator: ", ")

    /// The placeholder of the first binding appended after ``postgresBindings``.
    static let postgresNextPlaceholder = "$\(RecordingColumn.written.count + 1)"

    /// The bound column names, for an `INSERT`.
    static let postgresBoundColumns = RecordingColumn.written.map(\.rawValue).joined(separator: ", ")
}

extension Transition {
    /// Reads `id, recordingId, at, fromState, toState, reason, errorCode, attempt`.
    init(postgres row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        guard let to = RecordingState(rawValue: try cells[4].decode(String.self)) else {
            throw StoreError.sqlite("unknown state in a transition")
        }
        self.init(
            id: try cells[0].decode(Int64.self), recordingId: try cells[1].decode(Int64.self), at: try cells[2].decode(Date.self),
            fromState: try cells[3].decode(String?.self).flatMap(RecordingState.init(rawValue:)), toState: to,
            reason: try cells[5].decode(String?.self), errorCode: try cells[6].decode(String?.self).map { ErrorCode(rawValue: $0) ?? .internal },
            attempt: Int(try cells[7].decode(Int32.self)))
    }

    /// The columns ``init(postgres:)`` reads.
    static let postgresColumns = "id, recordingId, at, fromState, toState, reason, errorCode, attempt"
}
