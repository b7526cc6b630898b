extension String {
    /// The longest prefix, cut between characters, of at most `units` UTF-16 code units — the
    /// way Gong's Java back end counts a text's length (an emoji is two, an accented letter one
    /// or two), so a title cut here passes the length check the validator makes.
    public func clipped(toUTF16 units: Int) -> String {
        guard utf16.count > units else { return self }
        var used = 0
        var end = startIndex
        for character in self {
            let width = character.utf16.count
            guard used + width <= units else { break }
            used += width
            end = index(after: end)
        }
        return String(self[..<end])
    }
}
