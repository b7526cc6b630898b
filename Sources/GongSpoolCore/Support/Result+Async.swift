extension Result where Failure == any Error {
    /// The result of an async `body`, thrown or returned (to finish clean-up before the error
    /// is rethrown).
    package init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
