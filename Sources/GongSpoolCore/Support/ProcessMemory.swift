import CMalloc

/// The daemon's heap, kept to what it uses (issue 14, measured in `Benchmarks/idle.py`).
///
/// glibc gives every thread that allocates concurrently an arena of its own (up to eight per
/// core) and keeps what is freed in them; after a listing of a year of recordings that is several
/// MiB held for nothing. Two arenas serve a daemon whose threads mostly wait, and a trim once
/// several MiB lie free hands the pages back. Both do nothing on other C libraries.
public enum ProcessMemory {
    /// Whether the C library lets the daemon tune its heap (glibc).
    public static var isTunable: Bool { gongspool_malloc_tuning_available() == 1 }

    /// Caps glibc's malloc arenas; call once, before the threads start.
    public static func limitArenas(to count: Int32 = 2) {
        _ = gongspool_limit_malloc_arenas(count)
    }

    /// Returns freed heap pages to the system (`malloc_trim`) once more than `threshold` bytes
    /// lie free; the check (`mallinfo2`) costs microseconds, so it can follow every poll.
    /// Whether pages were handed back.
    @discardableResult
    public static func returnFreedPages(beyond threshold: Int = 4 << 20) -> Bool {
        gongspool_trim_heap(threshold) == 1
    }
}
