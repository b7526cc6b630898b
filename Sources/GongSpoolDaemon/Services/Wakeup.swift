import GongSpoolCore

/// A one-slot wake-up signal: ``wait(seconds:)`` returns early (true) when ``signal()`` is
/// called during or before the wait, false on timeout or cancellation.
actor Wakeup {
    private var pending = false
    private var waiter: (token: Int, continuation: CheckedContinuation<Bool, Never>)?
    private var tokens = 0

    /// Wakes the current or next waiter.
    func signal() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume(returning: true)
        } else {
            pending = true
        }
    }

    /// Waits up to `seconds` for a signal.
    func wait(seconds: Double) async -> Bool {
        if pending {
            pending = false
            return true
        }
        tokens += 1
        let token = tokens
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter = (token, continuation)
                Task { [weak self] in
                    try? await Task.sleep(for: Bounded.duration(seconds: seconds))
                    await self?.expire(token)
                }
            }
        } onCancel: {
            Task { await self.expire(token) }
        }
    }

    private func expire(_ token: Int) {
        guard let waiter, waiter.token == token else { return }
        self.waiter = nil
        waiter.continuation.resume(returning: false)
    }
}
