import Foundation

/// Gong API credentials. Their `description` never shows the secret.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    /// The access key.
    public let accessKey: String
    /// The access key secret.
    public let accessKeySecret: String
    /// Where they came from (for `check` and logs), e.g. `systemd credentials`.
    public let source: String

    /// Creates credentials.
    public init(accessKey: String, accessKeySecret: String, source: String) {
        self.accessKey = accessKey
        self.accessKeySecret = accessKeySecret
        self.source = source
    }

    /// The `Authorization` header value for HTTP Basic auth.
    public var basicAuthorization: String {
        "Basic " + Data("\(accessKey):\(accessKeySecret)".utf8).base64EncodedString()
    }

    public var description: String { "Credentials(from: \(source), secret: <redacted>)" }

    /// Finds the credentials, first match wins: systemd credentials
    /// (`$CREDENTIALS_DIRECTORY/gong-access-key`, `gong-access-key-secret`), then the
    /// configured files, then env `GONG_ACCESS_KEY` / `GONG_ACCESS_KEY_SECRET`.
    public static func load(_ gong: GongSettings, environment: [String: String]) throws(ConfigurationError) -> Credentials {
        if let directory = environment["CREDENTIALS_DIRECTORY"] {
            let keyPath = directory + "/gong-access-key"
            let secretPath = directory + "/gong-access-key-secret"
            if FileManager.default.fileExists(atPath: keyPath) || FileManager.default.fileExists(atPath: secretPath) {
                return Credentials(
                    accessKey: try readSecret(keyPath, key: "credential gong-access-key"),
                    accessKeySecret: try readSecret(secretPath, key: "credential gong-access-key-secret"),
                    source: "systemd credentials")
            }
        }
        if gong.accessKeyFile != nil || gong.accessKeySecretFile != nil {
            guard let keyFile = gong.accessKeyFile else {
                throw .missing(key: "gong.accessKeyFile", hint: "set together with gong.accessKeySecretFile")
            }
            guard let secretFile = gong.accessKeySecretFile else {
                throw .missing(key: "gong.accessKeySecretFile", hint: "set together with gong.accessKeyFile")
            }
            return Credentials(
                accessKey: try readSecret(keyFile, key: "gong.accessKeyFile"),
                accessKeySecret: try readSecret(secretFile, key: "gong.accessKeySecretFile"),
                source: "files")
        }
        let key = environment["GONG_ACCESS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = environment["GONG_ACCESS_KEY_SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        switch (key, secret) {
        case (let key?, let secret?):
            return Credentials(accessKey: key, accessKeySecret: secret, source: "environment")
        case (nil, _?):
            throw .missing(key: "GONG_ACCESS_KEY", hint: "the environment has GONG_ACCESS_KEY_SECRET but not the access key that goes with it")
        case (_?, nil):
            throw .missing(key: "GONG_ACCESS_KEY_SECRET", hint: "the environment has GONG_ACCESS_KEY but not its secret")
        case (nil, nil):
            break
        }
        throw .missing(
            key: "gong.accessKeyFile",
            hint: "or systemd credentials gong-access-key/gong-access-key-secret, or env GONG_ACCESS_KEY and GONG_ACCESS_KEY_SECRET")
    }

    static func readSecret(_ path: String, key: String) throws(ConfigurationError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw .invalid(key: key, message: "cannot read \(path)")
        }
        let value = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !value.isEmpty else {
            throw .invalid(key: key, message: "\(path) is empty")
        }
        return value
    }
}
