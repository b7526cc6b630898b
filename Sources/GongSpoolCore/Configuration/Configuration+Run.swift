import Foundation

extension Configuration {
    /// What `run` needs on top of a file that reads: the spool directory and Gong's address,
    /// every missing one named at once.
    public func checkForRun() throws(ConfigurationError) {
        var problems: [ConfigurationError] = []
        if spool.directory.isEmpty {
            problems.append(.missing(key: "spool.directory", hint: "the directory the PBX writes recordings to"))
        } else {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: spool.directory, isDirectory: &isDirectory) || !isDirectory.boolValue {
                problems.append(.invalid(key: "spool.directory", message: "\(spool.directory) is not a directory"))
            }
        }
        if gong.baseURL.isEmpty {
            problems.append(
                .missing(key: "gong.baseURL", hint: "your company's API URL from Gong's API settings page, e.g. https://us-12345.api.gong.io"))
        }
        if let error = ConfigurationError.all(problems) { throw error }
    }
}
