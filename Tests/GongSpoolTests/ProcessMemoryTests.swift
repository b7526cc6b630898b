import Testing

@testable import GongSpoolCore

/// The heap trim the daemon runs after every poll really hands pages back (issue 14).
@Suite struct ProcessMemoryTests {
    #if os(Linux)
        @Test func glibcTuningIsCompiledIn() {
            #expect(ProcessMemory.isTunable)
        }
    #endif

    @Test func freedMemoryBeyondTheThresholdIsReturned() throws {
        try #require(ProcessMemory.isTunable)
        // 32 MiB in small blocks below a block kept alive: freed, they stay in the heap
        // (glibc trims only the top of a heap on its own).
        let blocks = (0..<32 * 1024).map { _ in UnsafeMutableRawPointer.allocate(byteCount: 1000, alignment: 16) }
        let fence = UnsafeMutableRawPointer.allocate(byteCount: 1000, alignment: 16)
        defer { fence.deallocate() }
        for block in blocks {
            block.storeBytes(of: 1, as: UInt8.self)
            block.deallocate()
        }
        #expect(!ProcessMemory.returnFreedPages(beyond: Int(Int32.max)))
        #expect(ProcessMemory.returnFreedPages(beyond: 16 << 20))
    }
}
