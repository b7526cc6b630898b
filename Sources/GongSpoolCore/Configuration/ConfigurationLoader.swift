import Foundation
import Yams

/// Reads a ``Configuration`` from YAML through the settings types' own `Codable` conformance,
/// strictly: unknown keys and values of the wrong type or out of range are errors that name the
/// key, all of a file's problems at once, so a typo never silently becomes a default.
public enum ConfigurationLoader {
    /// The path used when neither `--config` nor `GONGSPOOL_CONFIG` says otherwise.
    public static let defaultPath = "/etc/gongspool/gongspool.yaml"

    /// Picks the configuration path: the explicit one, else `GONGSPOOL_CONFIG`, else ``defaultPath``.
    public static func resolvePath(explicit: String?, environment: [String: String]) -> String {
        explicit ?? environment["GONGSPOOL_CONFIG"] ?? defaultPath
    }

    /// Loads and checks the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: (error as NSError).localizedFailureReason ?? "no such file, no permission, or not UTF-8")
        }
        return try parse(yaml: text, path: path)
    }

    /// Where `node` has a mapping key that is not plain text, if anywhere.
    static func nonTextKey(in node: Node, path: String) -> String? {
        if let mapping = node.mapping {
            for (key, value) in mapping {
                guard let name = key.scalar?.string else { return "\(path.isEmpty ? "the top level" : path): a key must be plain text" }
                if let problem = nonTextKey(in: value, path: path.isEmpty ? name : path + "." + name) { return problem }
            }
        } else if let sequence = node.sequence {
            for (index, item) in sequence.enumerated() {
                if let problem = nonTextKey(in: item, path: "\(path)[\(index)]") { return problem }
            }
        }
        return nil
    }

    /// Parses YAML text; `path` only labels errors.
    public static func parse(yaml text: String, path: String = "<config>") throws(ConfigurationError) -> Configuration {
        let file: Node
        do {
            // Yams' constructor traps on a mapping key that is not plain text (a `? [a]` complex
            // key; found by fuzzing): the node tree is checked before anything is constructed.
            guard let node = try Yams.compose(yaml: text), !node.isNull else { return try checked(Configuration(), file: nil) }
            if let problem = nonTextKey(in: node, path: "") { throw ConfigurationError.syntax(path: path, detail: problem) }
            file = node
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw .syntax(path: path, detail: String(describing: error))
        }
        guard file.mapping != nil else {
            throw .syntax(path: path, detail: "the top level must be a mapping of sections (spool:, gong:, …)")
        }
        // Each value that cannot be decoded is reported and dropped, and the rest decoded again,
        // so that one run names every problem of the file.
        var problems: [ConfigurationError] = []
        var remaining = file
        let (defaults, prototype) = (Self.defaults, Self.prototype)
        for _ in 0..<100 {
            let merged = ConfigTree.merge(remaining, over: defaults, prototype: prototype)
            let decoded = Result { try YAMLDecoder().decode(Configuration.self, from: merged) }
            switch decoded {
            case .success(let config):
                return try checked(config, file: file, problems: problems)
            case .failure(let error as DecodingError):
                let (problem, at) = ConfigTree.problem(error, in: file)
                problems.append(problem)
                guard let pruned = ConfigTree.removing(at[...], from: remaining) else {
                    throw ConfigurationError.all(problems) ?? problem
                }
                remaining = pruned
            case .failure(let error):
                throw ConfigurationError.all(problems + [.syntax(path: path, detail: String(describing: error))]) ?? .syntax(path: path, detail: "")
            }
        }
        throw ConfigurationError.all(problems) ?? .syntax(path: path, detail: "cannot be read")
    }

    /// `config` if neither the file (unknown keys) nor its values (bounds, rules across keys)
    /// have problems; otherwise every problem, with those found while decoding first.
    private static func checked(_ config: Configuration, file: Node?, problems decoding: [ConfigurationError] = []) throws(ConfigurationError)
        -> Configuration
    {
        var problems = ConfigProblems()
        config.check(&problems)
        let unknown = file.map { ConfigTree.unknownKeys(in: $0, of: config) } ?? []
        if let error = ConfigurationError.all(decoding + unknown + problems.all) { throw error }
        return config
    }

    /// The defaults as a node tree: what a key left out of the file keeps. (Encoded once; a
    /// node tree is not `Sendable`, its text is.)
    private static var defaults: Node? { defaultsText.flatMap { try? Yams.compose(yaml: $0) } }

    /// The defaults of the sections that are absent unless the file gives them (`metadata.cdr`).
    private static var prototype: Node? { prototypeText.flatMap { try? Yams.compose(yaml: $0) } }

    private static let defaultsText: String? = try? YAMLEncoder().encode(Configuration())

    private static let prototypeText: String? = {
        var full = Configuration()
        full.metadata.cdr = CDRSettings(file: "")
        return try? YAMLEncoder().encode(full)
    }()
}
