import Foundation
import GongSpoolCore
import TestSupport
import Testing

@Suite struct ConfigurationTests {
    @Test func theEffectiveConfigurationWritesNumbersAsAnAdminWould() throws {
        var config = Configuration()
        config.spool.settleSeconds = 0.2
        config.spool.silenceThresholdDb = .value(-50.5)
        let yaml = config.effectiveYAML
        #expect(yaml.range(of: #"\de[+-]\d"#, options: .regularExpression) == nil, "\(yaml)")
        #expect(yaml.contains("minUploadBytesPerSecond: 256000") && yaml.contains("settleSeconds: 0.2"), "\(yaml)")
        #expect(yaml.contains("silenceThresholdDb: -50.5") && yaml.contains("requestsPerSecond: 2"), "\(yaml)")
        let back = try ConfigurationLoader.parse(yaml: yaml)
        #expect(back.spool.settleSeconds == 0.2 && back.gong.minUploadBytesPerSecond == 256_000)
        #expect(back.spool.silenceThresholdDb == .value(-50.5))
        // A string that only looks like a number keeps its quotes.
        config.spool.systemId = "1e+5"
        #expect(config.effectiveYAML.contains("systemId: '1e+5'") || config.effectiveYAML.contains("systemId: \"1e+5\""))
    }

    @Test func emptyFileGivesDefaults() throws {
        let config = try ConfigurationLoader.parse(yaml: "")
        #expect(config.gong.requestsPerSecond == 2, "room for the company's other integrations (Gong: 3/s)")
        #expect(config.gong.dailyRequestLimit == 8_000, "room for the company's other integrations (Gong: 10,000/day)")
        #expect(config.spool.afterUpload == .keep)
    }

    @Test func theShippedFileIsAWorkingFreePBXConfiguration() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try ConfigurationLoader.load(path: root.appendingPathComponent("config/gongspool.yaml").path)
        #expect(config.spool.recursive && config.metadata.preset == .freepbx && config.users.fromGong)
        #expect(config.spool.timeZone == "system")
        #expect(config.spool.backfill == nil, "the administrator decides what history costs")
        _ = try CallMapping(config)
    }

    @Test func fullFileIsRead() throws {
        let config = try ConfigurationLoader.parse(
            yaml: """
                spool:
                  directory: /var/spool/asterisk/monitor
                  recursive: true
                  settleSeconds: 2.5
                  afterUpload: archive
                  archiveDirectory: /var/lib/gongspool/archive
                gong:
                  baseURL: https://us-12345.api.gong.io/
                  maxConcurrentUploads: 4
                retry:
                  giveUpAfterHours: 24
                state:
                  database: /tmp/x.sqlite
                defaults:
                  workspaceId: "623457276584334"
                  languageCode: en-US
                """)
        #expect(config.spool.recursive)
        #expect(config.spool.settleSeconds == 2.5)
        #expect(config.spool.afterUpload == .archive)
        #expect(config.gong.maxConcurrentUploads == 4)
        #expect(config.defaults["workspaceId"] == .string("623457276584334"))
    }

    @Test(arguments: [
        ("spool:\n  setleSeconds: 3\n", "spool.setleSeconds"),
        ("spool:\n  settleSeconds: soon\n", "spool.settleSeconds"),
        ("spool:\n  afterUpload: shred\n", "spool.afterUpload"),
        ("spool:\n  afterUpload: archive\n", "spool.archiveDirectory"),
        ("gong:\n  baseURL: http://gong.example.com\n", "gong.baseURL"),
        ("gong:\n  dailyRequestLimit: 0\n", "gong.dailyRequestLimit"),
        ("retry:\n  initialBackoffSeconds: 60\n  maxBackoffSeconds: 10\n", "retry.maxBackoffSeconds"),
        ("defaults: [1]\n", "defaults"),
        ("telemetry: {}\n", "telemetry"),
        ("metrics:\n  listen: nowhere\n", "metrics.listen"),
    ])
    func badValuesNameTheKey(_ yaml: String, _ key: String) {
        do {
            _ = try ConfigurationLoader.parse(yaml: yaml)
            Issue.record("expected an error for \(key)")
        } catch {
            #expect(error.description.hasPrefix(key + ":"), "\(error.description)")
        }
    }

    @Test func plainHTTPIsAllowedForLoopbackOnly() throws {
        #expect(try GongEndpoint(baseURL: "http://127.0.0.1:8080/").baseURL == "http://127.0.0.1:8080")
        #expect(throws: ConfigurationError.self) { try GongEndpoint(baseURL: "http://10.0.0.1") }
        for loopback in ["http://localhost:1", "http://127.3.4.5", "http://[::1]:8080"] {
            #expect(try GongEndpoint(baseURL: loopback).isLoopback, "\(loopback)")
        }
        // Names that only look like loopback addresses would send the credentials in clear text.
        for name in ["http://127.attacker.example", "http://127.0.0.1.nip.io", "http://localhost.example", "http://[::2]"] {
            #expect(throws: ConfigurationError.self, "\(name)") { try GongEndpoint(baseURL: name) }
        }
        #expect(try GongEndpoint(baseURL: "https://127.attacker.example").isLoopback == false)
    }

    @Test func credentialsPreferSystemdThenFilesThenEnvironment() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("creds/gong-access-key", text: "KEY1\n")
        try dir.write("creds/gong-access-key-secret", text: "SECRET1\n")
        try dir.write("k", text: "KEY2")
        try dir.write("s", text: "SECRET2")
        var gong = GongSettings()
        gong.accessKeyFile = dir.file("k")
        gong.accessKeySecretFile = dir.file("s")
        let env = ["CREDENTIALS_DIRECTORY": dir.file("creds"), "GONG_ACCESS_KEY": "KEY3", "GONG_ACCESS_KEY_SECRET": "SECRET3"]
        #expect(try Credentials.load(gong, environment: env).accessKey == "KEY1")
        #expect(try Credentials.load(gong, environment: ["GONG_ACCESS_KEY": "KEY3", "GONG_ACCESS_KEY_SECRET": "SECRET3"]).accessKey == "KEY2")
        let fromEnv = try Credentials.load(GongSettings(), environment: ["GONG_ACCESS_KEY": "KEY3", "GONG_ACCESS_KEY_SECRET": "SECRET3"])
        #expect(fromEnv.accessKeySecret == "SECRET3")
        #expect(!String(describing: fromEnv).contains("SECRET3"))
        #expect(throws: ConfigurationError.self) { try Credentials.load(GongSettings(), environment: [:]) }
    }
}

/// Found by fuzzing: Yams' constructor trapped on a mapping key that is not plain text.
@Suite struct ConfigurationKeyTests {
    @Test(arguments: ["users:\n? table: {\"204\": \"1\"}\n", "? [a, b]\n: 1\n", "metadata:\n  fields:\n    ? {x: 1}\n    : [\"{a}\"]\n"])
    func aKeyThatIsNotTextIsAnErrorNotACrash(yaml: String) {
        #expect(throws: ConfigurationError.self) { _ = try ConfigurationLoader.parse(yaml: yaml) }
        do throws(ConfigurationError) {
            _ = try ConfigurationLoader.parse(yaml: yaml)
        } catch {
            #expect(error.description.contains("a key must be plain text"), "\(error)")
        }
    }
}
