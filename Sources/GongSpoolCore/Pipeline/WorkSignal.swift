/// Wakes idle delivery workers when there may be work: every waiter returns on ``signal()``
/// (a signal with nobody waiting is kept for the next wait), or after its timeout. Idle workers
/// wait here instead of asking the database on a timer.
actor WorkSignal {
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var expired: Set<Int> = []
    private var pending = false
    private var next = 0

    /// Wakes every waiter (or the next one to wait).
    func signal() {
        if waiters.isEmpty { pending = true }
        for continuation in waiters.values { continuation.resume() }
        waiters.removeAll()
    }

    /// Returns on a signal, after `seconds`, or when cancelled.
    func wait(seconds: Double) async {
        if pending {
            pending = false
            return
        }
        next += 1
        let id = next
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.park(id) }
            group.addTask {
                try? await Task.sleep(for: Bounded.duration(seconds: seconds))
                await self.release(id)
            }
            await group.next()
            group.cancelAll()
            self.release(id)
        }
        expired.remove(id)
    }

    private func park(_ id: Int) async {
        if expired.contains(id) { return }
        await withCheckedContinuation { waiters[id] = $0 }
    }

    private func release(_ id: Int) {
        if let continuation = waiters.removeValue(forKey: id) { continuation.resume() } else { expired.insert(id) }
    }
}
