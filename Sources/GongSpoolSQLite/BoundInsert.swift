import Foundation
import GRDB
import GRDBSQLite
import GongSpoolCore

/// A prepared statement bound and stepped through SQLite's C API. Used only where a year of rows
/// goes through one statement (a first start): GRDB's `StatementArguments` built from values
/// goes through generic key-path code that cost more than SQLite's own work there (callgrind).
struct BoundInsert {
    private let statement: Statement

    /// Wraps `statement` (prepared by GRDB, and cached by it).
    init(_ statement: Statement) {
        self.statement = statement
    }

    /// A value to bind.
    enum Value {
        case text(String?)
        case integer(Int64?)
    }

    /// Dates as GRDB stores them (text), formatted once for a run of equal dates: the rows of a
    /// batch share their times.
    struct DateText {
        private var last: (date: Date, text: String)?

        /// `value` as bound: dates as GRDB's text, flags as 0 or 1.
        mutating func bindable(_ value: StoredValue) -> Value {
            switch value {
            case .null: return .text(nil)
            case .text(let text): return .text(text)
            case .integer(let number): return .integer(number)
            case .flag(let flag): return .integer(flag ? 1 : 0)
            case .date(let date):
                if let last, last.date == date { return .text(last.text) }
                let text = String.fromDatabaseValue(date.databaseValue)
                last = text.map { (date, $0) }
                return .text(text)
            }
        }
    }

    /// Binds `values` by position and runs the statement once.
    func run(_ values: [Value], in db: Database) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_clear_bindings(handle) }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let bound: Int32
            switch value {
            case .text(let text?): bound = sqlite3_bind_text(handle, index, text, -1, Self.transient)
            case .integer(let number?): bound = sqlite3_bind_int64(handle, index, number)
            case .text(nil), .integer(nil): bound = sqlite3_bind_null(handle, index)
            }
            guard bound == SQLITE_OK else { throw failure(bound, in: db) }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw failure(code, in: db) }
    }

    private func failure(_ code: Int32, in db: Database) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
    }

    /// SQLite copies the text (`SQLITE_TRANSIENT`, a macro Swift does not import).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
