import GRDB
import GongSpoolCore

/// A ``Recording`` is a row of SQLite's `recordings` table, columns named as its properties.
extension Recording: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "recordings"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A ``Transition`` is a row of SQLite's append-only `transitions` table.
extension Transition: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "transitions"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// An ``ErasureRecord`` is a row of SQLite's `erasures` table (the audit of `gongspool erase`).
extension ErasureRecord: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "erasures"

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
