import Foundation

@testable import GongSpoolCore

/// Sidecars, PBX mappings, file names and the CDR: what the PBX writes.
enum MetadataTargets {
    static let builder = RequestBuilder(defaults: .object(["direction": .string("Inbound")]))

    /// A Gong-shaped sidecar: parsed, merged over defaults, validated, encoded as sent.
    static func gongSidecar(_ bytes: [UInt8]) {
        if case .success(let built) = builder.build(sidecar: Data(bytes), file: "fuzz.json") {
            _ = try? built.body.canonicalData()
            _ = built.body.prettyString()
        }
    }

    static func sidecar(_ bytes: [UInt8], _ format: SidecarFormat) {
        _ = try? SidecarReader.fields(Data(bytes), format: format)
    }

    /// The configurations a mapped input is tried with: each preset with its usual sidecar.
    static let assemblers: [RequestAssembler] = {
        var out: [RequestAssembler] = []
        let shapes: [(PBXPreset?, SidecarFormat?)] = [
            (.freepbx, .json), (.asteriskMixMonitor, .keyvalue), (.threeCX, .xml), (nil, .gong), (nil, .json),
        ]
        for (preset, sidecar) in shapes {
            var config = Configuration()
            config.spool.systemId = "pbx-fuzz"
            config.spool.timeZone = "America/New_York"
            config.metadata.preset = preset
            config.metadata.sidecar = sidecar
            if preset == nil, sidecar == .json {
                config.metadata.fileNamePattern = #"^(?<rep>\d+)-(?<uniqueid>[^.]+)\."#
                config.metadata.fields = ["start": ["{sidecar.start}"], "duration": ["{sidecar.duration}"], "from": ["{sidecar.from}"]]
            }
            config.users.table = ["204": "7000000000000000204", "205": "7000000000000000205", "201": "7000000000000000201"]
            config.minimumForFuzzing()
            if let assembler = try? RequestAssembler(config: config) { out.append(assembler) }
        }
        return out
    }()

    static let directory = UserDirectory(
        settings: UserSettings(), fileEntries: ["204": "7000000000000000204", "205": "7000000000000000205"],
        fileProblem: nil, gongUsers: [], gongFetchedAt: nil)

    /// The first line is the audio's spool path; the first byte picks the configuration and the
    /// media facts; the rest is the sidecar.
    static func mapping(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let (path, sidecar) = Array(bytes.dropFirst()).firstLineAndRest
        let assembler = assemblers[Int(selector) % assemblers.count]
        let media = MediaInfo(kind: .wav, channels: Int(selector >> 4) % 3, durationSeconds: selector & 8 == 0 ? nil : Double(selector) * 7.5)
        let inputs = AssemblyInputs(
            audioPath: path, sidecar: assembler.sidecarFormat == .none ? nil : (path + ".sidecar", Data(sidecar)), media: media)
        if case .built(let built, _) = assembler.assemble(inputs, directory: directory) {
            _ = try? built.body.canonicalData()
        }
    }

    static let patterns: [FileNamePattern] = PBXPreset.allCases.compactMap { try? FileNamePattern(pattern: $0.pattern, label: $0.rawValue) }

    /// A path against every preset's pattern; its captures through the PBX time and duration forms.
    static func fileNames(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let zone = TimeZone(identifier: "Europe/Berlin") ?? .gmt
        for pattern in patterns {
            for value in (pattern.captures(text) ?? [:]).values {
                _ = PBXTime.parse(value, zone: zone)
                _ = PBXTime.duration(value)
            }
        }
        _ = PBXTime.parse(text, zone: zone)
        _ = PBXTime.duration(text)
        _ = ISOTimestamp.parse(text)
    }

    /// A CDR file indexed (as appended: twice, the second time with a line more) and every
    /// indexed row read back.
    static func cdr(_ bytes: [UInt8]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gongspool-fuzz-cdr-\(getpid()).csv").path
        defer { unlink(path) }
        let half = bytes.count / 2
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes[..<half])) else { return }
        var index = CDRIndex(settings: CDRSettings(file: path))
        index.refresh()
        if let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data(bytes[half...]))
            try? handle.close()
        }
        index.refresh()
        let text = String(decoding: bytes, as: UTF8.self)
        for line in text.split(separator: "\n") {
            let fields = CSVLine.fields(line)
            for field in fields.prefix(3) { _ = index.row(field) }
        }
    }

    /// An erasure's subject (first line) matched against a recording whose file names are the
    /// subject line too and whose sidecar and request body are the rest: the matcher scans
    /// untrusted text (a sidecar never built into a request), the subject's forms come from a
    /// person.
    static func erasureMatch(_ bytes: [UInt8]) {
        let (line, rest) = bytes.firstLineAndRest
        let text = String(decoding: rest, as: UTF8.self)
        var row = Recording(stem: line, now: FuzzTargets.now)
        row.sidecarPath = line + ".json"
        for countryCode in [nil, "1", "44"] {
            let number = NeverSendPolicy.international(line, countryCode: countryCode)
            if let number, !number.hasPrefix("+") || number.dropFirst().contains(where: { !$0.isASCIIDigit }) {
                preconditionFailure("not an international number: \(number)")
            }
            for subject in [ErasureSubject.phone(number ?? line), .email(line)] {
                let matcher = ErasureMatcher(subject, countryCode: countryCode)
                row.requestJSON = nil
                _ = matcher.matches(row, sidecarText: { text })
                row.requestJSON = text
                _ = matcher.matches(row, sidecarText: { text })
            }
        }
    }
}

extension Configuration {
    /// Content checks off: the mapping, not the floor, is what is fuzzed.
    mutating func minimumForFuzzing() {
        spool.minDurationSeconds = 0
    }
}
