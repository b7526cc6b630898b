import Foundation
import FuzzTargets
import Testing

/// Every fuzz target replays its seed corpus and every crash libFuzzer ever found
/// (`Fuzz/Corpus/<target>`, `Fuzz/Crashes/<target>`) in the ordinary test run: a parser that
/// traps again on a kept input fails here, without a fuzz build.
@Suite struct FuzzCorpusTests {
    static let fuzzFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz")

    static func inputs(_ target: String) -> [URL] {
        ["Corpus", "Crashes"].flatMap { kind -> [URL] in
            let folder = fuzzFolder.appendingPathComponent(kind).appendingPathComponent(target)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return names.sorted().map { folder.appendingPathComponent($0) }
        }
    }

    @Test(arguments: FuzzTargets.all.map(\.name))
    func keptInputsRunClean(target name: String) throws {
        let target = try #require(FuzzTargets.named(name))
        let inputs = Self.inputs(name)
        #expect(!inputs.isEmpty, "every target has a seed corpus in Fuzz/Corpus/\(name)")
        for input in inputs {
            target.run(Array(try Data(contentsOf: input)))
        }
    }
}
