import Foundation

/// Checks that span several keys, run after decoding.
enum ConfigurationChecks {
    static func validate(_ config: Configuration) throws(ConfigurationError) {
        if config.spool.afterUpload == .archive {
            guard let archive = config.spool.archiveDirectory, !archive.isEmpty else {
                throw .missing(key: "spool.archiveDirectory", hint: "needed when spool.afterUpload is archive")
            }
            let spool = URL(fileURLWithPath: config.spool.directory).standardizedFileURL.path
            let target = URL(fileURLWithPath: archive).standardizedFileURL.path
            if !config.spool.directory.isEmpty, target == spool || target.hasPrefix(spool + "/") {
                throw .invalid(key: "spool.archiveDirectory", message: "must lie outside spool.directory")
            }
        }
        if config.retry.maxBackoffSeconds < config.retry.initialBackoffSeconds {
            throw .invalid(key: "retry.maxBackoffSeconds", message: "must not be below retry.initialBackoffSeconds")
        }
        _ = try CallMapping(config)
        if config.metadata.isMapped && !config.users.isConfigured && config.metadata.effectiveSidecar != .gong {
            throw .missing(key: "users", hint: "PBX metadata names extensions, not Gong users: set users.table, users.file or users.fromGong")
        }
        if !config.gong.baseURL.isEmpty {
            _ = try GongEndpoint(baseURL: config.gong.baseURL)
        }
    }

    /// What `run` and `check` need on top of a parsable file.
    static func validateForRun(_ config: Configuration) throws(ConfigurationError) {
        if config.spool.directory.isEmpty {
            throw .missing(key: "spool.directory", hint: "the directory the PBX writes recordings to")
        }
        if config.gong.baseURL.isEmpty {
            throw .missing(key: "gong.baseURL", hint: "your company's API URL from Gong's API settings page, e.g. https://us-12345.api.gong.io")
        }
    }
}

extension Configuration {
    /// Checks everything `run` needs: the keys, and that the spool directory exists.
    public func checkForRun() throws(ConfigurationError) {
        try ConfigurationChecks.validateForRun(self)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: spool.directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalid(key: "spool.directory", message: "\(spool.directory) is not a directory")
        }
    }
}
