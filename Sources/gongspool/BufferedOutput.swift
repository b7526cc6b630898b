import Foundation

/// Standard output written a block at a time, not a system call per line: for the commands
/// that stream a listing of any size (`list`, `report`).
struct BufferedOutput {
    private var buffer = ""
    private let out = FileHandle.standardOutput

    /// Adds `text`, writing the block out once it is 64 KiB.
    mutating func write(_ text: String) {
        buffer += text
        if buffer.utf8.count >= 1 << 16 { flush() }
    }

    /// Writes what is buffered.
    mutating func flush() {
        out.write(Data(buffer.utf8))
        buffer = ""
    }
}
