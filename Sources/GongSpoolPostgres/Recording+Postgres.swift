import Foundation
import GongSpoolCore
import PostgresNIO

extension Recording {
    /// The columns a ``Recording`` is read from and written to, in this order.
    static let postgresColumns = """
        id, stem, clientUniqueId, state, phase, reason, audioPath, sidecarPath, mediaKind, size, mtimeNs, inode, \
        sidecarSize, sidecarMtimeNs, sha256, requestJSON, callId, createRequestId, mediaRequestId, mediaURL, \
        createsInDoubt, uploadsInDoubt, attempts, nextAttemptAt, duplicateOf, lastErrorCode, failingSince, checksWaived, \
        channelPeaksDb, silentChannels, confirmedAt, goneCallId, firstSeenAt, stableSince, createdAt, updatedAt, \
        uploadDigestsInDoubt, filesClientUniqueId
        """

    /// Reads a row selected with ``postgresColumns``.
    init(postgres row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        func value<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
            try cells[index].decode(T.self)
        }
        guard let state = RecordingState(rawValue: try value(3, String.self)) else {
            throw StoreError.sqlite("unknown state \(try value(3, String.self)) in row #\(try value(0, Int64.self))")
        }
        self.init(stem: try value(1), now: try value(32))
        id = try value(0)
        clientUniqueId = try value(2)
        self.state = state
        phase = try value(4, String?.self).flatMap(Phase.init(rawValue:))
        reason = try value(5)
        audioPath = try value(6)
        sidecarPath = try value(7)
        mediaKind = try value(8)
        size = try value(9)
        mtimeNs = try value(10)
        inode = try value(11)
        sidecarSize = try value(12)
        sidecarMtimeNs = try value(13)
        sha256 = try value(14)
        requestJSON = try value(15)
        callId = try value(16)
        createRequestId = try value(17)
        mediaRequestId = try value(18)
        mediaURL = try value(19)
        createsInDoubt = Int(try value(20, Int32.self))
        uploadsInDoubt = Int(try value(21, Int32.self))
        attempts = Int(try value(22, Int32.self))
        nextAttemptAt = try value(23)
        duplicateOf = try value(24)
        lastErrorCode = try value(25, String?.self).map { ErrorCode(rawValue: $0) ?? .internal }
        failingSince = try value(26)
        checksWaived = try value(27)
        channelPeaksDb = try value(28)
        silentChannels = try value(29)
        confirmedAt = try value(30)
        goneCallId = try value(31)
        firstSeenAt = try value(32)
        stableSince = try value(33)
        createdAt = try value(34)
        updatedAt = try value(35)
        uploadDigestsInDoubt = try value(36)
        filesClientUniqueId = try value(37)
    }

    /// Every column but `id` (and the fleet's own `spool`, `leaseNode`, `leaseUntil`), bound in
    /// ``postgresColumns`` order: `$1` is `stem`.
    var postgresBindings: PostgresBindings {
        var binds = PostgresBindings(capacity: Self.postgresBoundCount + 1)
        binds.append(stem)
        binds.append(clientUniqueId)
        binds.append(state.rawValue)
        binds.append(phase?.rawValue)
        binds.append(reason)
        binds.append(audioPath)
        binds.append(sidecarPath)
        binds.append(mediaKind)
        binds.append(size)
        binds.append(mtimeNs)
        binds.append(inode)
        binds.append(sidecarSize)
        binds.append(sidecarMtimeNs)
        binds.append(sha256)
        binds.append(requestJSON)
        binds.append(callId)
        binds.append(createRequestId)
        binds.append(mediaRequestId)
        binds.append(mediaURL)
        binds.append(Int32(clamping: createsInDoubt))
        binds.append(Int32(clamping: uploadsInDoubt))
        binds.append(Int32(clamping: attempts))
        binds.append(nextAttemptAt)
        binds.append(duplicateOf)
        binds.append(lastErrorCode?.rawValue)
        binds.append(failingSince)
        binds.append(checksWaived)
        binds.append(channelPeaksDb)
        binds.append(silentChannels)
        binds.append(confirmedAt)
        binds.append(goneCallId)
        binds.append(firstSeenAt)
        binds.append(stableSince)
        binds.append(createdAt)
        binds.append(updatedAt)
        binds.append(uploadDigestsInDoubt)
        binds.append(filesClientUniqueId)
        return binds
    }

    /// `col = $1, …` for every bound column, for an `UPDATE`.
    static let postgresAssignments: String = postgresColumns
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .dropFirst().enumerated().map { "\($0.element) = $\($0.offset + 1)" }.joined(separator: ", ")

    /// How many columns ``postgresBindings`` binds.
    static let postgresBoundCount = 37

    /// How many columns ``postgresColumns`` names (`id` and the bound ones): the index of the
    /// first column a query selects after them.
    static let postgresColumnCount = postgresBoundCount + 1

    /// `$1, …, $37` for an `INSERT` of every bound column.
    static let postgresPlaceholders: String = (1...postgresBoundCount).map { "$\($0)" }.joined(separator: ", ")

    /// The placeholder of the first binding appended after ``postgresBindings`` (`$38`).
    static let postgresNextPlaceholder = "$\(postgresBoundCount + 1)"

    /// The bound column names, for an `INSERT`.
    static let postgresBoundColumns: String = postgresColumns
        .split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .dropFirst().joined(separator: ", ")
}

extension Transition {
    /// Reads `id, recordingId, at, fromState, toState, reason, errorCode, attempt`.
    init(postgres row: PostgresRow) throws {
        let cells = row.makeRandomAccess()
        guard let to = RecordingState(rawValue: try cells[4].decode(String.self)) else {
            throw StoreError.sqlite("unknown state in a transition")
        }
        self.init(id: try cells[0].decode(Int64.self), recordingId: try cells[1].decode(Int64.self), at: try cells[2].decode(Date.self),
                  fromState: try cells[3].decode(String?.self).flatMap(RecordingState.init(rawValue:)), toState: to,
                  reason: try cells[5].decode(String?.self), errorCode: try cells[6].decode(String?.self).map { ErrorCode(rawValue: $0) ?? .internal },
                  attempt: Int(try cells[7].decode(Int32.self)))
    }
}
