import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// Every `gongspool` command shown in README.md and docs/ — in `sh` blocks, and inline commands
/// that are not synopses — is run through the real binary against the simulator (the paths of a
/// real install replaced by a test's), and must be understood: a wrong option, a flag in the
/// wrong place or a removed subcommand (exit 64, a usage error) fails here.
@Suite struct DocumentedCommandsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The documented commands, as written, with the file that shows them.
    static func documented() throws -> [(file: String, command: String)] {
        let files =
            ["README.md"]
            + (try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs").path)
                .filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 })
        var out: [(String, String)] = []
        var gs = "gs"
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            // The documented `gs` alias is what `gs …` commands run.
            if let range = text.range(of: #"alias gs='([^']+)'"#, options: .regularExpression) {
                gs = String(text[range].dropFirst("alias gs='".count).dropLast())
            }
        }
        func expand(_ command: String) -> String { command.hasPrefix("gs ") ? gs + command.dropFirst(2) : command }
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            var inShell = false
            var pending = ""
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.hasPrefix("```") {
                    inShell = !inShell && (line == "```sh" || line == "```bash")
                    continue
                }
                if inShell {
                    let code = line.components(separatedBy: " #").first?.trimmingCharacters(in: .whitespaces) ?? ""
                    if code.hasSuffix("\\") {
                        pending += code.dropLast() + " "
                        continue
                    }
                    let full = pending + code
                    pending = ""
                    if let command = gongspoolPart(of: expand(full)) { out.append((file, command)) }
                } else {
                    // Inline spans: commands, not synopses (`[--json]`, `a|b`, `<id>`) nor bare names (`gongspool retry`).
                    for span in inlineSpans(line)
                    where !["[", "|", "…", "<", "{"].contains(where: span.contains)
                        && span.split(separator: " ").count >= 3
                    {
                        if let command = gongspoolPart(of: expand(span)) { out.append((file, command)) }
                    }
                }
            }
        }
        return out
    }

    static func inlineSpans(_ line: String) -> [String] {
        line.split(separator: "`", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    /// `sudo -u gongspool gongspool status …`, `CREDENTIALS_DIRECTORY=… gongspool check …`,
    /// `gs list …`: the part from `gongspool`/`gs` on, up to a pipe or `&&`.
    static func gongspoolPart(of line: String) -> String? {
        let head = line.components(separatedBy: " | ").first?.components(separatedBy: " && ").first ?? line
        var words = head.split(separator: " ").map(String.init)
        while let first = words.first, first != "gongspool", first != "gs" {
            guard ["sudo", "-u", "env"].contains(first) || first.contains("=") else { return nil }
            words.removeFirst(first == "-u" ? 2 : 1)  // `-u gongspool` names the user, not the program
        }
        return words.isEmpty || words.first == "gs" ? nil : words.joined(separator: " ")
    }

    @Test func everyDocumentedCommandIsUnderstood() async throws {
        let commands = try Self.documented()
        #expect(commands.count >= 40, "found \(commands.count)")
        let h = try DeliveryHarness()
        defer { h.remove() }
        try h.spool.writeRecording("2026/11/30/in-204-5551234567-20261130-101500-1764497700.12", id: "pbx:doc", audio: Fixtures.wav(seed: 990))
        let credentials = h.work.file("credentials")
        _ = try h.work.write("credentials/gong-access-key", text: SimulatorOptions().accessKey)
        _ = try h.work.write("credentials/gong-access-key-secret", text: SimulatorOptions().accessKeySecret)
        try await GongSimulator.withRunning { sim in
            let config = try h.writeConfig(sim, spool: ["backfill: all"])
            let cli = OperatorCLI(h, config: config)
            #expect(try await cli.once().status == 0)
            var tried = Set<String>()
            for (file, command) in commands where tried.insert(command).inserted {
                let arguments = Self.arguments(command, config: config, h: h)
                let timeout =
                    ["run", "simulate"].contains(arguments.first ?? "") && !arguments.contains("--once") && !arguments.contains("--dry-run")
                    ? 3.0 : 30
                let environment = DeliveryHarness.environment().merging(["GONGSPOOL_CONFIG": config, "CREDENTIALS_DIRECTORY": credentials]) { $1 }
                let result = try await cli.run(arguments, timeout: timeout, environment: environment)
                #expect(result.status != 64, "\(file): `\(command)` is not understood: \(result.output.prefix(600))")
            }
        }
    }

    /// The command's words for the test's installation.
    static func arguments(_ command: String, config: String, h: DeliveryHarness) -> [String] {
        var words = command.split(separator: " ").map(String.init).dropFirst().map { word -> String in
            switch word {
            case "/etc/gongspool/gongspool.yaml": config
            case "ID": "pbx:doc"
            case "FILE": h.work.file("backup-\(UUID().uuidString).sqlite")
            case "DAYS": "90"
            case "S": "held"
            case "N": "0"
            case "PATH", "/path/to/recording.wav": h.spool.file("2026/11/30/in-204-5551234567-20261130-101500-1764497700.12.wav")
            default:
                if word.hasPrefix("/var/spool/asterisk/monitor/") {
                    h.spool.file("2026/11/30/in-204-5551234567-20261130-101500-1764497700.12.wav")
                } else if word.hasPrefix("/var/backups/") {
                    h.work.file("backup-\(UUID().uuidString).sqlite")
                } else if word.hasPrefix("dist/") {
                    word
                } else {
                    word
                }
            }
        }
        if words.first == "demo" { words += ["--directory", h.work.file("demo-\(UUID().uuidString)")] }
        return words
    }
}
