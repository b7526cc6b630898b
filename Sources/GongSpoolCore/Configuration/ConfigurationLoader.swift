import Foundation
import Yams

/// Reads a ``Configuration`` from YAML, strictly: unknown keys and values of the wrong
/// type are errors that name the key, so a typo never silently becomes a default.
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
        let document: Any?
        do {
            // Yams' constructor traps on a mapping key that is not plain text (a `? [a]` complex
            // key; found by fuzzing): the node tree is checked first.
            if let node = try Yams.compose(yaml: text), let problem = nonTextKey(in: node, path: "") {
                throw ConfigurationError.syntax(path: path, detail: problem)
            }
            document = try Yams.load(yaml: text)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw .syntax(path: path, detail: String(describing: error))
        }
        guard let document else { return Configuration() }
        guard let root = document as? [String: Any] else {
            throw .syntax(path: path, detail: "the top level must be a mapping of sections (spool:, gong:, …)")
        }
        var config = Configuration()
        let top = ConfigSection(root, prefix: "")
        try top.allowOnly(["spool", "gong", "retry", "state", "metrics", "defaults", "metadata", "users"])
        if let spool = try top.section("spool") {
            try spool.allowOnly(["directory", "recursive", "settleSeconds", "pollIntervalSeconds", "orphanAfterMinutes", "afterUpload", "archiveDirectory", "backfill", "timeZone", "systemId", "fullRescanMinutes", "order", "watch",
                                 "minDurationSeconds", "silenceThresholdDb"])
            try spool.choice("order", QueueOrder.self).map { config.spool.order = $0 }
            try spool.choice("watch", WatchMode.self).map { config.spool.watch = $0 }
            try spool.number("fullRescanMinutes", min: 0).map { config.spool.fullRescanMinutes = $0 }
            try spool.number("minDurationSeconds", min: 0).map { config.spool.minDurationSeconds = $0 }
            try spool.numberOrOff("silenceThresholdDb", in: -120...0).map { config.spool.silenceThresholdDb = $0 }
            try spool.string("timeZone").map { config.spool.timeZone = $0 }
            try spool.string("systemId").map { config.spool.systemId = $0 }
            try spool.string("directory").map { config.spool.directory = $0 }
            try spool.bool("recursive").map { config.spool.recursive = $0 }
            try spool.number("settleSeconds", min: 0).map { config.spool.settleSeconds = $0 }
            try spool.number("pollIntervalSeconds", min: 0.05).map { config.spool.pollIntervalSeconds = $0 }
            try spool.number("orphanAfterMinutes", min: 0).map { config.spool.orphanAfterMinutes = $0 }
            try spool.choice("afterUpload", AfterUpload.self).map { config.spool.afterUpload = $0 }
            try spool.string("archiveDirectory").map { config.spool.archiveDirectory = $0 }
            if let text = try spool.string("backfill") {
                guard let backfill = Backfill(text) else {
                    throw .invalid(key: "spool.backfill", message: "expected all, none or a date like 2026-11-01, found \"\(text)\"")
                }
                config.spool.backfill = backfill
                config.spool.backfillExplicit = true
            }
        }
        if let gong = try top.section("gong") {
            try gong.allowOnly(["baseURL", "accessKeyFile", "accessKeySecretFile", "requestsPerSecond", "dailyRequestLimit",
                                "maxConcurrentUploads", "connectTimeoutSeconds", "readTimeoutSeconds", "minUploadBytesPerSecond", "reconcile"])
            try gong.string("baseURL").map { config.gong.baseURL = $0 }
            try gong.string("accessKeyFile").map { config.gong.accessKeyFile = $0 }
            try gong.string("accessKeySecretFile").map { config.gong.accessKeySecretFile = $0 }
            try gong.number("requestsPerSecond", min: 0.01).map { config.gong.requestsPerSecond = $0 }
            try gong.integer("dailyRequestLimit", min: 1).map { config.gong.dailyRequestLimit = $0 }
            try gong.integer("maxConcurrentUploads", min: 1, max: 64).map { config.gong.maxConcurrentUploads = $0 }
            try gong.number("connectTimeoutSeconds", min: 0.1).map { config.gong.connectTimeoutSeconds = $0 }
            try gong.number("readTimeoutSeconds", min: 0.1).map { config.gong.readTimeoutSeconds = $0 }
            try gong.number("minUploadBytesPerSecond", min: 1).map { config.gong.minUploadBytesPerSecond = $0 }
            try gong.bool("reconcile").map { config.gong.reconcile = $0 }
        }
        if let retry = try top.section("retry") {
            try retry.allowOnly(["initialBackoffSeconds", "maxBackoffSeconds", "giveUpAfterHours"])
            try retry.number("initialBackoffSeconds", min: 0).map { config.retry.initialBackoffSeconds = $0 }
            try retry.number("maxBackoffSeconds", min: 0).map { config.retry.maxBackoffSeconds = $0 }
            try retry.number("giveUpAfterHours", min: 0).map { config.retry.giveUpAfterHours = $0 }
        }
        if let state = try top.section("state") {
            try state.allowOnly(["database", "passwordFile", "node", "leaseSeconds", "spoolName"])
            try state.string("database").map { config.state.database = $0 }
            try state.string("passwordFile").map { config.state.passwordFile = $0 }
            try state.string("node").map { config.state.node = $0 }
            try state.number("leaseSeconds", min: 1).map { config.state.leaseSeconds = $0 }
            try state.string("spoolName").map { config.state.spoolName = $0 }
            if config.state.isPostgres {
                _ = try PostgresLocation(url: config.state.database)
            }
        }
        if let metrics = try top.section("metrics") {
            try metrics.allowOnly(["listen"])
            if let listen = try metrics.string("listen") {
                config.metrics.listen = listen
                if !listen.isEmpty, config.metrics.address.map({ (0...65_535).contains($0.port) }) != true {
                    throw .invalid(key: "metrics.listen", message: "expected host:port (e.g. 127.0.0.1:9464) or empty to turn it off, found \"\(listen)\"")
                }
            }
        }
        if let defaults = root["defaults"] {
            guard case .object = ConfigSection.json(defaults) else {
                throw .invalid(key: "defaults", message: "expected a mapping of Gong request fields")
            }
            config.defaults = ConfigSection.json(defaults)
        }
        if let metadata = try top.section("metadata") {
            config.metadata = try MetadataSection.parse(metadata)
        }
        if let users = try top.section("users") {
            config.users = try MetadataSection.parseUsers(users)
        }
        try ConfigurationChecks.validate(config)
        return config
    }
}
