import Foundation
import GongSimulator
import GongSpoolCore
import TestSupport
import Testing

/// Real PBX layouts without Gong-shaped sidecars: FreePBX, Asterisk MixMonitor (+ CDR), 3CX,
/// other sidecar shapes; identity, time zones, users, stereo channel. Every request built is
/// also checked against Gong's request schema by python-jsonschema.
@Suite struct PBXLayoutTests {
    static let users = ["204": "7000000000000000204", "205": "7000000000000000205", "206": "7000000000000000206", "201": "7000000000000000201"]

    /// A configuration for `preset` on `spool`, users from the table.
    static func config(
        _ spool: TemporaryDirectory, preset: PBXPreset?, zone: String = "UTC", systemId: String = "pbx-a",
        adjust: (inout Configuration) -> Void = { _ in }
    ) throws -> Configuration {
        var config = Configuration()
        config.spool.directory = spool.path
        config.spool.recursive = true
        config.spool.timeZone = zone
        config.spool.systemId = systemId
        config.spool.minDurationSeconds = 0
        config.metadata.preset = preset
        config.users.table = users
        adjust(&config)
        return config
    }

    static func build(_ config: Configuration, _ path: String, directory: UserDirectory? = nil) throws -> (JSONValue, [String: String]) {
        let report = FileValidation.validate(
            path: path, config: config,
            directory: directory ?? UserDirectory(settings: config.users, fileEntries: [:], fileProblem: nil, gongUsers: [], gongFetchedAt: nil))
        let request = try #require(report.request, "\(report.problems)")
        return (request.body, report.provenance)
    }

    static func party(_ body: JSONValue, _ index: Int) -> JSONValue? { body["parties"]?.arrayValue?[safe: index] }

    @Test func stereoMP3MP4AndMKVGiveTheRepsChannelLikeWAV() async throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let config = try Self.config(spool, preset: .freepbx)
        let files: [(String, Data)] = [
            ("mp3", SampleMedia.mp3(seconds: 3, channels: 2)), ("mp4", SampleMedia.mp4(seconds: 3, channels: 2)),
            ("mkv", SampleMedia.mkv(seconds: 3, channels: 2)),
        ]
        for (index, (ext, audio)) in files.enumerated() {
            let path = try spool.write("2026/11/22/out-5559876543-205-20261122-10300\(index)-1763825400.2\(index).\(ext)", audio)
            let (body, sources) = try Self.build(config, path)
            #expect(Self.party(body, 0)?["mediaChannelId"] == .integer(0), "\(ext): stereo header → the rep's channel")
            #expect(sources["parties[0].mediaChannelId"]?.contains("stereo") == true)
            #expect(Self.party(body, 1)?["mediaChannelId"] == .integer(1), "\(ext): the other side on the other channel")
            #expect(body["duration"] == .number(3) || abs((body["duration"]?.doubleValue ?? 0) - 3) < 0.1, "\(ext): duration from the header")
        }
        let mono = try spool.write("2026/11/22/out-5559876543-205-20261122-104000-1763825401.3.mp3", SampleMedia.mp3(seconds: 3, channels: 1))
        let monoBody = try Self.build(config, mono).0
        #expect(Self.party(monoBody, 0)?["mediaChannelId"] == nil && Self.party(monoBody, 1)?["mediaChannelId"] == nil)
    }

    @Test func freePBXFileNamesMakeCompleteRequests() async throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let inbound = try spool.write("2026/11/22/in-204-5551234567-20261122-101500-1763824500.12.wav", Fixtures.wav(seed: 1))
        let outbound = try spool.write(
            "2026/11/22/out-5559876543-205-20261122-103000-1763825400.13.wav", Fixtures.wav(seconds: 2, channels: 2, seed: 2))
        let internalCall = try spool.write("2026/07/01/internal-206-204-20260701-100000-1751378400.7.wav", Fixtures.wav(seed: 3))
        let config = try Self.config(spool, preset: .freepbx, zone: "America/New_York")

        let (a, sources) = try Self.build(config, inbound)
        #expect(a["clientUniqueId"] == .string("pbx-a:1763824500.12"))
        #expect(a["direction"] == .string("Inbound"))
        #expect(a["actualStart"] == .string("2026-11-22T15:15:00Z"))
        #expect(a["primaryUser"] == .string("7000000000000000204"))
        #expect(Self.party(a, 0)?["userId"] == .string("7000000000000000204"))
        #expect(Self.party(a, 0)?["mediaChannelId"] == nil, "mono: no channel")
        #expect(Self.party(a, 1)?["phoneNumber"] == .string("5551234567"))
        #expect(a["title"] == .string("Call with 5551234567"))
        #expect(a["duration"] == .number(1))
        let custom = try JSONValue.parse(Data((a["customData"]?.stringValue ?? "").utf8))
        #expect(custom["pbxCallId"] == .string("1763824500.12"))
        #expect(custom["systemId"] == .string("pbx-a"))
        #expect(custom["path"] == .string("2026/11/22/in-204-5551234567-20261122-101500-1763824500.12.wav"))
        #expect(sources["actualStart"]?.contains("file name (freepbx)") == true)
        #expect(sources["actualStart"]?.contains("America/New_York") == true)
        #expect(sources["parties[0].userId"]?.contains("users.table") == true)
        #expect(sources["duration"] == "media header")

        let (b, bSources) = try Self.build(config, outbound)
        #expect(b["direction"] == .string("Outbound"))
        #expect(b["primaryUser"] == .string("7000000000000000205"))
        #expect(Self.party(b, 0)?["mediaChannelId"] == .integer(0), "stereo: the rep's channel (left by default)")
        #expect(Self.party(b, 1)?["phoneNumber"] == .string("5559876543"))
        #expect(b["duration"] == .number(2))
        #expect(bSources["parties[0].mediaChannelId"]?.contains("stereo") == true)

        let (c, _) = try Self.build(config, internalCall)
        #expect(c["direction"] == .string("Conference"))
        #expect(c["actualStart"] == .string("2026-07-01T14:00:00Z"), "summer time: UTC-4")
        #expect(c["primaryUser"] == .string("7000000000000000204"), "the caller's extension is the rep")
        #expect(Self.party(c, 1)?["userId"] == .string("7000000000000000206"), "the other extension is a Gong user too")

        var right = config
        right.metadata.repChannel = .right
        let (d, _) = try Self.build(right, outbound)
        #expect(Self.party(d, 0)?["mediaChannelId"] == .integer(1))

        try await SchemaCheck.conforms([a, b, c, d], in: spool)
    }

    @Test func twoPBXsWithTheSameUniqueIdNeverCollide() throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let file = try spool.write("out-5559876543-205-20261122-103000-1763825400.13.wav", Fixtures.wav())
        let (a, _) = try Self.build(try Self.config(spool, preset: .freepbx, systemId: "pbx-berlin"), file)
        let (b, _) = try Self.build(try Self.config(spool, preset: .freepbx, systemId: "pbx-paris"), file)
        #expect(a["clientUniqueId"] == .string("pbx-berlin:1763825400.13"))
        #expect(b["clientUniqueId"] == .string("pbx-paris:1763825400.13"))
        var custom = try Self.config(spool, preset: .freepbx)
        custom.metadata.clientUniqueId = "{systemId}/{date}/{pbxCallId}"
        let (c, _) = try Self.build(custom, file)
        #expect(c["clientUniqueId"] == .string("pbx-a/20261122/1763825400.13"))
    }

    @Test func asteriskMixMonitorTakesTheRestFromTheCDR() async throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let cdr = try spool.write(
            "../cdr-\(UUID().uuidString).csv",
            text: #"""
                "","5551234567","204","from-trunk","""Jane Doe"" <5551234567>","SIP/trunk-0001","SIP/204-0002","Dial","SIP/204","2026-11-22 11:15:00","2026-11-22 11:15:05","2026-11-22 11:17:05",125,120,"ANSWERED","DOCUMENTATION","1763806500.12",""
                "","205","5559876543","from-internal","","SIP/205-0003","SIP/trunk-0004","Dial","SIP/trunk","2026-11-22 11:30:00","2026-11-22 11:30:02","2026-11-22 11:31:00",60,58,"ANSWERED","DOCUMENTATION","1763807400.13",""

                """#)
        defer { try? FileManager.default.removeItem(atPath: cdr) }
        let first = try spool.write("1763806500.12.wav", Fixtures.wav(seed: 4))
        let second = try spool.write("1763807400.13.wav", Fixtures.wav(seed: 5))
        let missing = try spool.write("1763809999.99.wav", Fixtures.wav(seed: 6))
        let config = try Self.config(spool, preset: .asteriskMixMonitor, zone: "Europe/Berlin") { $0.metadata.cdr = CDRSettings(file: cdr) }

        let (a, sources) = try Self.build(config, first)
        #expect(a["actualStart"] == .string("2026-11-22T10:15:00Z"), "CDR start in Europe/Berlin (UTC+1)")
        #expect(a["direction"] == .string("Inbound"), "inferred: the rep (204) received the call")
        #expect(a["primaryUser"] == .string("7000000000000000204"))
        #expect(a["duration"] == .number(120), "billsec")
        #expect(Self.party(a, 1)?["phoneNumber"] == .string("5551234567"))
        #expect(a["clientUniqueId"] == .string("pbx-a:1763806500.12"))
        #expect(sources["duration"]?.contains("CDR") == true)

        let (b, _) = try Self.build(config, second)
        #expect(b["direction"] == .string("Outbound"))
        #expect(b["primaryUser"] == .string("7000000000000000205"))

        let report = FileValidation.validate(
            path: missing, config: config,
            directory: UserDirectory(settings: config.users, fileEntries: [:], fileProblem: nil, gongUsers: [], gongFetchedAt: nil))
        #expect(report.problems.joined().contains("waiting for CDR row uniqueid=1763809999.99"))
        try await SchemaCheck.conforms([a, b], in: spool)
    }

    @Test func aQueueCallTakesTheAgentOutOfTheCDRsChannel() async throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let cdr = try spool.write(
            "../cdr-\(UUID().uuidString).csv",
            text: #"""
                "","5551234567","600","ext-queues","","PJSIP/trunk-0001","PJSIP/204-0000002a","Queue","600","2026-11-22 11:15:00","2026-11-22 11:15:05","2026-11-22 11:17:05",125,120,"ANSWERED","DOCUMENTATION","1763806500.12",""

                """#)
        defer { try? FileManager.default.removeItem(atPath: cdr) }
        // FreePBX names the queue (600) as the callee of a queue recording, not the agent.
        let queueCall = try spool.write("2026/11/22/q-600-5551234567-20261122-111500-1763806500.12.wav", Fixtures.wav(seed: 14))
        let config = try Self.config(spool, preset: .freepbx) {
            $0.metadata.cdr = CDRSettings(file: cdr)
            $0.metadata.derive = [DeriveRule(from: "cdr.dstchannel", pattern: #"^[A-Za-z]+/(?<agent>\d+)-"#)]
            $0.metadata.fields["rep"] = ["{agent}", "{to}"]
            $0.metadata.customDataPath = false
        }
        let (body, sources) = try Self.build(config, queueCall)
        #expect(body["primaryUser"] == .string("7000000000000000204"), "the answering agent")
        #expect(sources["parties[0].userId"]?.contains("cdr.dstchannel via metadata.derive") == true, "\(sources)")
        let custom = try JSONValue.parse(Data((body["customData"]?.stringValue ?? "").utf8))
        #expect(custom["path"] == nil && custom["pbxCallId"] == .string("1763806500.12"), "customDataPath: false leaves the path out")
    }

    @Test func theServersOwnZoneIsSystem() throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let config = try Self.config(spool, preset: .freepbx, zone: "system")
        #expect(try CallMapping(config).timeZone == TimeZone.current)
    }

    @Test func threeCXFoldersNameTheRep() async throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        let incoming = try spool.write("201/[Jane Doe]_5551234567-201_20261122101500(7).wav", Fixtures.wav(seed: 7))
        let outgoing = try spool.write("201/[Ben Roe]_201-5559876543_20261122113000(8).wav", Fixtures.wav(seed: 8))
        let config = try Self.config(spool, preset: .threeCX)
        let (a, _) = try Self.build(config, incoming)
        #expect(a["direction"] == .string("Inbound"))
        #expect(a["primaryUser"] == .string("7000000000000000201"))
        #expect(a["actualStart"] == .string("2026-11-22T10:15:00Z"))
        #expect(a["clientUniqueId"] == .string("pbx-a:20261122101500-7-201"))
        #expect(Self.party(a, 1)?["name"] == .string("Jane Doe"))
        #expect(a["title"] == .string("Call with Jane Doe"))
        let (b, _) = try Self.build(config, outgoing)
        #expect(b["direction"] == .string("Outbound"))
        #expect(Self.party(b, 1)?["phoneNumber"] == .string("5559876543"))
        try await SchemaCheck.conforms([a, b], in: spool)
    }

    @Test func otherSidecarShapesMapByDottedPath() async throws {
        let spool = try TemporaryDirectory("spool")
        defer { spool.remove() }
        try spool.write("x1.wav", Fixtures.wav(seed: 9))
        try spool.write(
            "x1.xml",
            text: """
                <?xml version="1.0"?>
                <recording id="A-77"><call direction="outgoing"><start>2026-11-22 10:15:00</start>
                <agent>alice@example.com</agent><customer name="Bo">+14155550123</customer></call></recording>
                """)
        try spool.write("k1.wav", Fixtures.wav(seed: 10))
        try spool.write("k1.txt", text: "# exported\ncallid = K-1\nstart=2026-11-22T10:15:00+01:00\nagent: 204\nremote=5551234567\ndir=in\n")
        try spool.write("j1.wav", Fixtures.wav(seed: 11))
        try spool.write(
            "j1.json", text: #"{"clientUniqueId":"crm-991","call":{"id":"J-1","at":1795342500,"parties":{"agent":"205","other":"5550001111"}}}"#)

        var xml = try Self.config(spool, preset: nil) { config in
            config.metadata.sidecar = .xml
            config.metadata.fields = [
                "pbxCallId": ["{sidecar.recording.@id}"], "start": ["{sidecar.recording.call.start}"],
                "direction": ["{sidecar.recording.call.@direction}"], "from": ["{sidecar.recording.call.agent}"],
                "to": ["{sidecar.recording.call.customer}"], "toName": ["{sidecar.recording.call.customer.@name}"],
            ]
            config.metadata.request = ["purpose": ["PBX export {pbxCallId}"]]
            config.users.table = ["alice@example.com": "7000000000000000301"]
        }
        xml.spool.timeZone = "Europe/Berlin"
        let (a, aSources) = try Self.build(xml, spool.file("x1.wav"))
        #expect(a["clientUniqueId"] == .string("pbx-a:A-77"))
        #expect(a["direction"] == .string("Outbound"))
        #expect(a["actualStart"] == .string("2026-11-22T09:15:00Z"))
        #expect(a["primaryUser"] == .string("7000000000000000301"))
        #expect(Self.party(a, 1)?["name"] == .string("Bo"))
        #expect(a["purpose"] == .string("PBX export A-77"))
        #expect(aSources["actualStart"]?.contains("sidecar x1.xml") == true)

        let keyValue = try Self.config(spool, preset: nil) { config in
            config.metadata.sidecar = .keyvalue
            config.metadata.fields = [
                "pbxCallId": ["{sidecar.callid}"], "start": ["{sidecar.start}"], "direction": ["{sidecar.dir}"],
                "to": ["{sidecar.agent}"], "from": ["{sidecar.remote}"],
            ]
        }
        let (b, _) = try Self.build(keyValue, spool.file("k1.wav"))
        #expect(b["actualStart"] == .string("2026-11-22T09:15:00Z"), "an explicit offset wins over spool.timeZone")
        #expect(b["primaryUser"] == .string("7000000000000000204"))
        #expect(b["direction"] == .string("Inbound"))

        let json = try Self.config(spool, preset: nil) { config in
            config.metadata.sidecar = .json
            config.metadata.fields = [
                "pbxCallId": ["{sidecar.call.id}"], "start": ["{sidecar.call.at}"],
                "rep": ["{sidecar.call.parties.agent}"], "from": ["{sidecar.call.parties.agent}"], "to": ["{sidecar.call.parties.other}"],
            ]
        }
        let (c, cSources) = try Self.build(json, spool.file("j1.wav"))
        #expect(c["clientUniqueId"] == .string("crm-991"), "the sidecar's own id wins")
        #expect(cSources["clientUniqueId"]?.contains("sidecar j1.json") == true)
        #expect(c["actualStart"] == .string("2026-11-22T10:15:00Z"), "epoch seconds")
        #expect(c["direction"] == .string("Outbound"))
        try await SchemaCheck.conforms([a, b, c], in: spool)
    }

    @Test func anUnknownExtensionIsHeldWithAReasonAndReleasedWhenMapped() async throws {
        let usersFile = try TemporaryDirectory("users")
        defer { usersFile.remove() }
        let file = try usersFile.write("users.csv", text: "identifier,userId\n204,7000000000000000204\n")
        let h = try IntakeHarness { _ in
        } adjust: { config in
            config.metadata.preset = .freepbx
            config.spool.systemId = "pbx-a"
            config.users.file = file
        }
        defer { h.remove() }
        try h.spool.write("in-299-5551234567-20261122-101500-1763824500.12.wav", Fixtures.wav(seed: 12))
        try h.spool.write("in-204-5551234567-20261122-101600-1763824560.13.wav", Fixtures.wav(seed: 13))
        try await h.settle()
        let held = try #require(try await h.row("in-299-5551234567-20261122-101500-1763824500.12"))
        #expect(held.state == .held)
        #expect(held.reason?.contains("no Gong user for extension 299") == true, "\(held.reason ?? "")")
        #expect(held.lastErrorCode == .unknownUser)
        #expect(held.clientUniqueId == nil, "nothing claimed, nothing sent")
        let ready = try #require(try await h.row("in-204-5551234567-20261122-101600-1763824560.13"))
        #expect(ready.state == .ready)

        // The admin adds the extension: the held recording is examined again and taken.
        try usersFile.write("users.csv", text: "identifier,userId\n204,7000000000000000204\n299,7000000000000000299\n")
        try await h.settle()
        let taken = try #require(try await h.row("in-299-5551234567-20261122-101500-1763824500.12"))
        #expect(taken.state == .ready, "\(taken.reason ?? "")")
        #expect(taken.clientUniqueId == "pbx-a:1763824500.12")
    }

    @Test func namedConfigurationMistakesAreReported() throws {
        func error(_ yaml: String) -> String {
            do {
                _ = try ConfigurationLoader.parse(yaml: yaml)
                return ""
            } catch {
                return error.description
            }
        }
        #expect(
            error("spool:\n  timeZone: Mars/Olympus\nmetadata:\n  preset: freepbx\nusers:\n  table: {\"204\": \"1\"}\n").contains("spool.timeZone"))
        #expect(error("metadata:\n  preset: avaya\n").contains("metadata.preset"))
        #expect(error("metadata:\n  fileNamePattern: '(?<a>'\nusers:\n  fromGong: true\n").contains("metadata.fileNamePattern"))
        #expect(error("metadata:\n  preset: freepbx\n").contains("users"))
        #expect(error("metadata:\n  preset: freepbx\n  fields:\n    start: '{date'\nusers:\n  fromGong: true\n").contains("metadata.fields.start"))
        #expect(error("users:\n  table:\n    204: 7.0e18\n").contains("users.table.204"))
        // A user id is read as the text it is written as: unquoted, no digit is lost.
        #expect(try ConfigurationLoader.parse(yaml: "users:\n  table:\n    204: 7000000000000000204\n").users.table["204"] == "7000000000000000204")
        let ok = try ConfigurationLoader.parse(
            yaml:
                "spool:\n  timeZone: Europe/Berlin\nmetadata:\n  preset: 3cx\n  direction: {inbound: Inbound}\nusers:\n  table:\n    201: \"7000000000000000201\"\n"
        )
        #expect(ok.metadata.preset == .threeCX)
        #expect(ok.users.table["201"] == "7000000000000000201")
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
