import Foundation
import Testing

/// The walls of `docs/design.md` ("Modules and layers"), checked on the sources: a file imports
/// only what its module may, and a core file names no type of a layer above its own.
@Suite struct LayeringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// What every module may import.
    static let system: Set<String> = ["Foundation", "Dispatch", "Synchronization", "Glibc", "Darwin", "Musl"]

    /// The lines of `docs/design.md` between `<!-- marker:begin -->` and `<!-- marker:end -->`.
    static func section(_ marker: String) throws -> [String] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/design.md"), encoding: .utf8)
        guard let start = text.range(of: "<!-- \(marker):begin -->"), let end = text.range(of: "<!-- \(marker):end -->") else { return [] }
        return text[start.upperBound..<end.lowerBound].split(separator: "\n").map(String.init)
    }

    /// The Swift files under `directory`, relative to it.
    static func swiftFiles(_ directory: URL) -> [String] {
        let walker = FileManager.default.enumerator(atPath: directory.path)
        return (walker?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }.sorted()
    }

    @Test func everyFileImportsOnlyWhatItsModuleMay() throws {
        var allowed: [String: Set<String>] = [:]
        for line in try Self.section("modules") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            let module = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            allowed[module] = Set(cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        #expect(allowed.count == 7, "the modules table of docs/design.md: \(allowed.keys.sorted())")
        var problems: [String] = []
        for (module, may) in allowed {
            let directory = Self.root.appendingPathComponent("Sources/\(module)")
            let files = Self.swiftFiles(directory)
            #expect(!files.isEmpty, "Sources/\(module)")
            for file in files {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@testable import ") {
                    let imported = String(line.split(separator: " ").last ?? "")
                    if !may.contains(imported) && !Self.system.contains(imported) {
                        problems.append("Sources/\(module)/\(file) imports \(imported)")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func noCoreFileNamesATypeOfALayerAboveItsOwn() throws {
        let layers = try Self.section("core-layers").joined().components(separatedBy: "→").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(layers.count == 12, "\(layers)")
        let core = Self.root.appendingPathComponent("Sources/GongSpoolCore")
        let files = Self.swiftFiles(core)
        let folders = Set(files.compactMap { $0.split(separator: "/").first.map(String.init) })
        #expect(folders == Set(layers), "every folder of the core is a layer: \(folders.sorted())")
        // Top-level declarations: nested types are named through their outer type.
        let declaration = try Regex(
            #"(?m)^(?:@\w+\s+)*(?:(?:public|package|internal|fileprivate|private|final|indirect)\s+)*(?:struct|enum|class|actor|protocol|typealias)\s+([A-Z]\w*)"#
        )
        var layerOfType: [String: Int] = [:]
        var sources: [(file: String, layer: Int, text: String)] = []
        for file in files {
            guard let folder = file.split(separator: "/").first, let layer = layers.firstIndex(of: String(folder)) else { continue }
            let text = try String(contentsOf: core.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: declaration) {
                if let name = match.output[1].substring { layerOfType[String(name), default: layer] = min(layerOfType[String(name)] ?? layer, layer) }
            }
            sources.append((file, layer, text))
        }
        // Comments and text literals may name anything.
        let noise = try Regex(#"//[^\n]*|"(?:[^"\\\n]|\\.)*""#)
        let word = try Regex(#"\b[A-Z][A-Za-z0-9_]*\b"#)
        var problems: [String] = []
        for source in sources {
            let code = source.text.replacing(noise, with: "")
            let names = Set(code.matches(of: word).map { String(code[$0.range]) })
            for name in names.sorted() {
                if let layer = layerOfType[name], layer > source.layer {
                    problems.append("\(source.file) (\(layers[source.layer])) names \(name) (\(layers[layer]))")
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }
}
