extension Array {
    /// The elements in consecutive slices of at most `size` (the stores ask about 500 stems or
    /// rows per statement: bounded statements and memory, whatever the spool holds).
    package func batches(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
