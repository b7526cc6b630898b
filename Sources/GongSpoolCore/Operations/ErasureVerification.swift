import Foundation

/// `gongspool audit --verify`: Gong deletes "within hours" and says so only by listing less.
/// For every number or address whose erasure Gong accepted and has not yet been seen to finish,
/// Gong is asked once what it still lists; the answer is kept on the subject's audit entries, and
/// the first answer that lists no call is the erasure's confirmation (never asked again).
public struct ErasureVerification: Sendable {
    let store: any PrivacyStore
    let clock: any WallClock

    /// What one run found.
    public struct Outcome: Sendable, Equatable {
        /// Subjects Gong was asked about.
        public var asked = 0
        /// Of those, the ones Gong lists no call with any more (now confirmed).
        public var complete = 0
        /// The ones Gong still lists calls with.
        public var pending = 0
        /// The ones Gong could not be asked about (refused, no answer, no budget).
        public var unanswered = 0
    }

    /// A verification over `store`'s audit.
    public init(store: any PrivacyStore, clock: any WallClock) {
        self.store = store
        self.clock = clock
    }

    /// The subjects to ask about, oldest erasure first, each with its audit entries.
    public func open() async throws(StoreError) -> [(subject: ErasureSubject, entries: [ErasureRecord])] {
        var order: [ErasureSubject] = []
        var entries: [ErasureSubject: [ErasureRecord]] = [:]
        for entry in try await store.erasures() where entry.gongAccepted && entry.gongConfirmedAt == nil {
            guard let subject = entry.erasureSubject else { continue }
            if entries[subject] == nil { order.append(subject) }
            entries[subject, default: []].append(entry)
        }
        return order.map { ($0, entries[$0] ?? []) }
    }

    /// Asks `ask` about each of `subjects` (from ``open()``) and keeps each answer.
    public func run(
        _ subjects: [(subject: ErasureSubject, entries: [ErasureRecord])], _ ask: @Sendable (ErasureSubject) async throws -> GongPrivacyData
    ) async throws -> Outcome {
        var outcome = Outcome()
        for (subject, entries) in subjects {
            let data = try await ask(subject)
            let now = clock.now()
            outcome.asked += 1
            switch data {
            case .listed where data.noCalls: outcome.complete += 1
            case .listed: outcome.pending += 1
            case .refused, .failed: outcome.unanswered += 1
            }
            for var entry in entries {
                entry.gongCheckedAt = now
                entry.gongCheck = data.description
                if data.noCalls { entry.gongConfirmedAt = now }
                try await store.updateErasure(entry)
            }
        }
        return outcome
    }
}
