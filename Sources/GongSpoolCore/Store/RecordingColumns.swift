import Foundation

/// A column of the `recordings` table, in the one order every backend reads and writes them:
/// the list is written here once, and SQLite's bulk insert and PostgreSQL's reads and writes
/// are made from it.
public enum RecordingColumn: String, CaseIterable, Sendable {
    case id, stem, clientUniqueId, state, phase, reason, audioPath, sidecarPath, mediaKind, size, mtimeNs, inode
    case sidecarSize, sidecarMtimeNs, sha256, requestJSON, callId, createRequestId, mediaRequestId, mediaURL
    case createsInDoubt, uploadsInDoubt, attempts, nextAttemptAt, duplicateOf, lastErrorCode, failingSince, checksWaived
    case channelPeaksDb, silentChannels, confirmedAt, goneCallId, firstSeenAt, stableSince, createdAt, updatedAt
    case uploadDigestsInDoubt, filesClientUniqueId

    /// What a column holds, so that a backend knows how to bind and decode it.
    public enum Kind: Sendable {
        /// Text (possibly NULL).
        case text
        /// A 64-bit integer (possibly NULL).
        case bigInteger
        /// A small count (PostgreSQL `INTEGER`).
        case count
        /// A point in time (possibly NULL).
        case date
        /// True or false.
        case flag
    }

    /// What the column holds.
    public var kind: Kind {
        switch self {
        case .id, .size, .mtimeNs, .inode, .sidecarSize, .sidecarMtimeNs, .duplicateOf: .bigInteger
        case .createsInDoubt, .uploadsInDoubt, .attempts: .count
        case .nextAttemptAt, .failingSince, .confirmedAt, .firstSeenAt, .stableSince, .createdAt, .updatedAt: .date
        case .checksWaived: .flag
        default: .text
        }
    }

    /// Every column but `id`: what an insert or an update writes.
    public static let written: [RecordingColumn] = allCases.filter { $0 != .id }

    /// `id, stem, …` for a `SELECT`.
    public static let selectList = allCases.map(\.rawValue).joined(separator: ", ")

    /// The column's place in ``allCases`` (and in ``selectList``).
    public var position: Int { Self.positions[self] ?? 0 }

    private static let positions = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })
}

/// One stored value, as the backends bind it and read it back.
public enum StoredValue: Sendable, Equatable {
    /// NULL.
    case null
    /// Text.
    case text(String)
    /// An integer (counts and 64-bit values alike).
    case integer(Int64)
    /// A point in time.
    case date(Date)
    /// True or false.
    case flag(Bool)
}

extension Recording {
    /// The value of `column`.
    public func stored(_ column: RecordingColumn) -> StoredValue {
        func text(_ value: String?) -> StoredValue { value.map(StoredValue.text) ?? .null }
        func integer(_ value: Int64?) -> StoredValue { value.map(StoredValue.integer) ?? .null }
        func date(_ value: Date?) -> StoredValue { value.map(StoredValue.date) ?? .null }
        return switch column {
        case .id: integer(id)
        case .stem: .text(stem)
        case .clientUniqueId: text(clientUniqueId)
        case .state: .text(state.rawValue)
        case .phase: text(phase?.rawValue)
        case .reason: text(reason)
        case .audioPath: text(audioPath)
        case .sidecarPath: text(sidecarPath)
        case .mediaKind: text(mediaKind)
        case .size: integer(size)
        case .mtimeNs: integer(mtimeNs)
        case .inode: integer(inode)
        case .sidecarSize: integer(sidecarSize)
        case .sidecarMtimeNs: integer(sidecarMtimeNs)
        case .sha256: text(sha256)
        case .requestJSON: text(requestJSON)
        case .callId: text(callId)
        case .createRequestId: text(createRequestId)
        case .mediaRequestId: text(mediaRequestId)
        case .mediaURL: text(mediaURL)
        case .createsInDoubt: .integer(Int64(createsInDoubt))
        case .uploadsInDoubt: .integer(Int64(uploadsInDoubt))
        case .attempts: .integer(Int64(attempts))
        case .nextAttemptAt: date(nextAttemptAt)
        case .duplicateOf: integer(duplicateOf)
        case .lastErrorCode: text(lastErrorCode?.rawValue)
        case .failingSince: date(failingSince)
        case .checksWaived: .flag(checksWaived)
        case .channelPeaksDb: text(channelPeaksDb)
        case .silentChannels: text(silentChannels)
        case .confirmedAt: date(confirmedAt)
        case .goneCallId: text(goneCallId)
        case .firstSeenAt: .date(firstSeenAt)
        case .stableSince: .date(stableSince)
        case .createdAt: .date(createdAt)
        case .updatedAt: .date(updatedAt)
        case .uploadDigestsInDoubt: text(uploadDigestsInDoubt)
        case .filesClientUniqueId: text(filesClientUniqueId)
        }
    }

    /// A row read back by a backend: `value` gives each column's stored value. An unknown state
    /// is an error; an unknown error code reads as `internal`, an unknown phase as none.
    public init(stored value: (RecordingColumn) throws -> StoredValue) throws(StoreError) {
        func read(_ column: RecordingColumn) throws(StoreError) -> StoredValue {
            do { return try value(column) } catch let error as StoreError { throw error } catch { throw .sqlite("\(column.rawValue): \(error)") }
        }
        func text(_ column: RecordingColumn) throws(StoreError) -> String? {
            if case .text(let text) = try read(column) { return text }
            return nil
        }
        func integer(_ column: RecordingColumn) throws(StoreError) -> Int64? {
            if case .integer(let number) = try read(column) { return number }
            return nil
        }
        func count(_ column: RecordingColumn) throws(StoreError) -> Int {
            Int(clamping: try integer(column) ?? 0)
        }
        func date(_ column: RecordingColumn) throws(StoreError) -> Date? {
            if case .date(let date) = try read(column) { return date }
            return nil
        }
        guard let stem = try text(.stem), let firstSeen = try date(.firstSeenAt) else { throw .sqlite("a recording row without stem or firstSeenAt") }
        guard let stateName = try text(.state), let state = RecordingState(rawValue: stateName) else {
            throw .sqlite("unknown state \(try text(.state) ?? "NULL") in row #\(try integer(.id) ?? 0)")
        }
        self.init(stem: stem, now: firstSeen)
        id = try integer(.id)
        clientUniqueId = try text(.clientUniqueId)
        self.state = state
        phase = try text(.phase).flatMap(Phase.init(rawValue:))
        reason = try text(.reason)
        audioPath = try text(.audioPath)
        sidecarPath = try text(.sidecarPath)
        mediaKind = try text(.mediaKind)
        size = try integer(.size)
        mtimeNs = try integer(.mtimeNs)
        inode = try integer(.inode)
        sidecarSize = try integer(.sidecarSize)
        sidecarMtimeNs = try integer(.sidecarMtimeNs)
        sha256 = try text(.sha256)
        requestJSON = try text(.requestJSON)
        callId = try text(.callId)
        createRequestId = try text(.createRequestId)
        mediaRequestId = try text(.mediaRequestId)
        mediaURL = try text(.mediaURL)
        createsInDoubt = try count(.createsInDoubt)
        uploadsInDoubt = try count(.uploadsInDoubt)
        attempts = try count(.attempts)
        nextAttemptAt = try date(.nextAttemptAt)
        duplicateOf = try integer(.duplicateOf)
        lastErrorCode = try text(.lastErrorCode).map { ErrorCode(rawValue: $0) ?? .internal }
        failingSince = try date(.failingSince)
        if case .flag(let waived) = try read(.checksWaived) { checksWaived = waived }
        channelPeaksDb = try text(.channelPeaksDb)
        silentChannels = try text(.silentChannels)
        confirmedAt = try date(.confirmedAt)
        goneCallId = try text(.goneCallId)
        stableSince = try date(.stableSince) ?? firstSeen
        createdAt = try date(.createdAt) ?? firstSeen
        updatedAt = try date(.updatedAt) ?? firstSeen
        uploadDigestsInDoubt = try text(.uploadDigestsInDoubt)
        filesClientUniqueId = try text(.filesClientUniqueId)
    }
}
