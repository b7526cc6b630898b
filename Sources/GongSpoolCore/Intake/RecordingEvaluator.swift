import Foundation

/// The outcome of looking closely at a settled audio + sidecar pair.
public enum Evaluation: Sendable, Equatable {
    /// Not finished yet (e.g. WAV header not finalised); look again later.
    case incomplete(String)
    /// The files changed while being read; start settling again.
    case changed
    /// Invalid input: never sent.
    case rejected(code: ErrorCode, reason: String)
    /// A person must act first (e.g. unknown user, a truncated recording): `held`, never sent.
    /// `clientUniqueId`: the id the files give, when the request was built.
    case held(code: ErrorCode, reason: String, clientUniqueId: String? = nil)
    /// Not worth Gong's budget (too short, silent): `skipped`, no request spent.
    case skipped(code: ErrorCode, reason: String, levels: AudioLevels?, clientUniqueId: String? = nil)
    /// The user mapping cannot be consulted yet: wait for it, however long.
    case awaitingUsers(String)
    /// A party is one whose calls are never sent: `skipped` (``ErrorCode/excludedByPolicy``).
    case excluded(reason: String)
    /// Valid: hashed and built.
    case accepted(Accepted)

    /// A pair that may be delivered.
    public struct Accepted: Sendable, Equatable {
        /// The validated request.
        public var request: BuiltRequest
        /// SHA-256 of the audio.
        public var sha256: String
        /// What the header said.
        public var media: MediaInfo
        /// Audio fingerprint at hashing time.
        public var size: Int64, mtimeNs: Int64, inode: Int64
        /// Peak level per channel, when measured (WAV).
        public var levels: AudioLevels?
        /// Channels without voice (no party is given them).
        public var silentChannels: [Int] = []
    }
}

/// Probes, validates and hashes one recording. Blocking: run it through ``BlockingIO``.
public struct RecordingEvaluator: Sendable {
    /// Gong's documented media limit (1.5 GB, decimal).
    public static let maxMediaBytes: Int64 = 1_500_000_000

    /// `GONGSPOOL_TEST_TRAP_ON_FILE`: a test's stand-in for a trap on a poison file (the probe
    /// traps on a path ending so). Never set outside tests.
    static let testTrapFile: String? = ProcessInfo.processInfo.environment["GONGSPOOL_TEST_TRAP_ON_FILE"].flatMap { $0.isEmpty ? nil : $0 }

    /// The spool root.
    public let root: String
    /// Builds the request from the configured sources.
    public internal(set) var assembler: RequestAssembler
    /// Duration floor, silence and truncation.
    public let checks: ContentChecks

    /// Creates an evaluator for files under `root`.
    public init(root: String, assembler: RequestAssembler, checks: ContentChecks) {
        self.root = root
        self.assembler = assembler
        self.checks = checks
    }

    /// Looks at `audio` and its `sidecar` (relative paths, `nil` when no sidecar is used) as the
    /// scan saw them, mapping users through `directory` and calls through `cdr`. With
    /// `checksWaived` (an operator sent it on) a short, silent or cut recording is taken anyway.
    /// Each stage and every chunk hashed is a `progress` step.
    public func evaluate(
        audio: SpoolEntry, sidecar: SpoolEntry?, directory: UserDirectory, cdr: CDRIndex? = nil, waitForCDR: Bool = false,
        checksWaived: Bool = false, progress: WorkProgress? = nil
    ) -> Evaluation {
        if audio.size > Self.maxMediaBytes {
            return .rejected(code: .mediaTooLarge, reason: "\(audio.relativePath): \(audio.size) bytes is over Gong's 1.5 GB media limit")
        }
        let file: SpoolFile
        do {
            file = try SpoolFile(root: root, relativePath: audio.relativePath)
        } catch {
            return .rejected(code: error.code, reason: error.description)
        }
        guard file.size == audio.size, file.mtimeNs == audio.mtimeNs, file.inode == audio.inode else { return .changed }
        let info: MediaInfo
        switch probe(file, path: audio.relativePath) {
        case .ended(let evaluation): return evaluation
        case .media(let found): info = found
        }
        var request: BuiltRequest
        let provenance: [String: String]
        switch assemble(
            audio: audio.relativePath, sidecar: sidecar?.relativePath, media: info, directory: directory, cdr: cdr, waitForCDR: waitForCDR)
        {
        case .built(let built, let sources): (request, provenance) = (built, sources)
        case .invalid(let problem): return .rejected(code: .invalidRequest, reason: problem.description)
        case .held(let code, let reason):
            return shortOnItsOwn(info, checksWaived: checksWaived, path: audio.relativePath) ?? .held(code: code, reason: reason)
        case .notYet(let reason): return .incomplete(reason)
        case .excluded(let rule): return .excluded(reason: Self.exclusionReason(audio.relativePath, rule: rule))
        case .awaitingUsers(let reason):
            return shortOnItsOwn(info, checksWaived: checksWaived, path: audio.relativePath) ?? .awaitingUsers(reason)
        }
        if !checksWaived, let finding = durationFinding(media: info, request: request, provenance: provenance) {
            return finding.evaluation(levels: nil, path: audio.relativePath, clientUniqueId: request.clientUniqueId)
        }
        // The level is read from the bytes the hash reads (one pass).
        var meter = checks.silenceThresholdDb != nil ? info.pcm.map(LevelMeter.init(layout:)) : nil
        let sha: String
        do {
            progress?.tick()
            sha = try FileHasher.sha256(of: file, metering: &meter, progress: progress)
        } catch {
            return .rejected(code: error.code, reason: "\(audio.relativePath): \(error.description)")
        }
        guard let after = file.currentFingerprint(), after.size == audio.size, after.mtimeNs == audio.mtimeNs else { return .changed }
        let levels = meter?.levels
        if !checksWaived, let finding = checks.examine(levels: levels) {
            return finding.evaluation(levels: levels, path: audio.relativePath, clientUniqueId: request.clientUniqueId)
        }
        let silent = checks.silentChannels(levels)
        request = request.droppingMediaChannels(silent)
        return .accepted(
            .init(
                request: request, sha256: sha, media: info, size: audio.size, mtimeNs: audio.mtimeNs, inode: audio.inode,
                levels: levels, silentChannels: silent))
    }

    /// Why an excluded recording was not sent.
    static func exclusionReason(_ path: String, rule: String) -> String {
        "\(path): a party matches \(rule): never sent to Gong (privacy policy)"
    }

    /// A recording whose request cannot be built yet for want of a user (an abandoned queue call,
    /// a leg recorded before an agent answered) is skipped when its media alone is under the
    /// floor, rather than held for a person to map a user Gong would never see a call of.
    func shortOnItsOwn(_ media: MediaInfo, checksWaived: Bool, path: String) -> Evaluation? {
        guard !checksWaived, let finding = checks.examine(mediaSeconds: media.durationSeconds, statedSeconds: nil, statedSource: nil) else {
            return nil
        }
        return finding.evaluation(levels: nil, path: path)
    }

    /// The duration checks for a built request: the media's own duration against the one the
    /// PBX stated (sidecar, CDR — any `duration` not read from the media header).
    func durationFinding(media: MediaInfo, request: BuiltRequest, provenance: [String: String]) -> ContentChecks.Finding? {
        let statedSource = provenance["duration"].flatMap { $0 == CallMapping.mediaHeaderSource ? nil : $0 }
        let stated = statedSource != nil ? request.body["duration"]?.doubleValue : nil
        return checks.examine(mediaSeconds: media.durationSeconds, statedSeconds: stated, statedSource: statedSource)
    }

    /// What the content checks say of `audio` (for `gongspool validate`): durations, then the
    /// level (the file is read once); and the request as it would be sent (a silent channel
    /// given to no party).
    public func contentNotes(audio: String, media: MediaInfo, request: BuiltRequest, provenance: [String: String]) -> (
        notes: [String], request: BuiltRequest
    ) {
        func note(_ finding: ContentChecks.Finding) -> String {
            switch finding {
            case .skip(let code, let reason): "would be skipped (\(code)): \(reason)"
            case .hold(let code, let reason): "would be held (\(code)): \(reason)"
            }
        }
        if let finding = durationFinding(media: media, request: request, provenance: provenance) { return ([note(finding)], request) }
        guard checks.silenceThresholdDb != nil, let layout = media.pcm, let file = try? SpoolFile(root: root, relativePath: audio) else {
            return ([], request)
        }
        var meter: LevelMeter? = LevelMeter(layout: layout)
        guard (try? FileHasher.sha256(of: file, metering: &meter)) != nil, let levels = meter?.levels else { return ([], request) }
        var notes = ["peak level per channel: " + levels.peakDb.map { "\(ContentChecks.number($0)) dBFS" }.joined(separator: ", ")]
        if let finding = checks.examine(levels: levels) { notes.append(note(finding)) }
        let silent = checks.silentChannels(levels)
        if !silent.isEmpty {
            notes.append("channel \(silent.map(String.init).joined(separator: ", ")) silent: no party is given it (mediaChannelId)")
        }
        return (notes, request.droppingMediaChannels(silent))
    }

    /// Reads the media header: complete, or the evaluation that ends here.
    func probe(_ file: SpoolFile, path: String) -> ProbeOutcome {
        if let poison = Self.testTrapFile, path.hasSuffix(poison) {
            // Tests only: stands for a parser trap this version missed (the poison-recording test).
            fatalError("GONGSPOOL_TEST_TRAP_ON_FILE: trapping on \(path)")
        }
        do {
            let header = try file.read(at: 0, count: MediaProbe.headerLength)
            let result = MediaProbe.probe(header: header, fileSize: file.size) { offset, count in
                (try? file.read(at: offset, count: count)) ?? []
            }
            switch result {
            case .incomplete(let why): return .ended(.incomplete("\(path): \(why)"))
            case .notMedia(let why): return .ended(.rejected(code: .notMedia, reason: "\(path): \(why)"))
            case .complete(let found): return .media(found)
            }
        } catch {
            return .ended(.rejected(code: error.code, reason: "\(path): \(error.description)"))
        }
    }

    /// Reads the sidecar (when one is used) and assembles the request (also used by `gongspool validate`).
    public func assemble(audio: String, sidecar: String?, media: MediaInfo?, directory: UserDirectory, cdr: CDRIndex? = nil, waitForCDR: Bool = false)
        -> Assembly
    {
        var sidecarInput: (path: String, data: Data)?
        if let sidecar {
            do {
                let file = try SpoolFile(root: root, relativePath: sidecar)
                guard file.size <= Int64(RequestBuilder.maxSidecarBytes) else {
                    return .invalid(
                        RequestProblem(
                            file: sidecar,
                            issues: [ValidationIssue(path: "$", message: "sidecar is larger than \(RequestBuilder.maxSidecarBytes >> 20) MiB")]))
                }
                sidecarInput = (sidecar, Data(try file.read(at: 0, count: Int(file.size))))
            } catch {
                return .invalid(RequestProblem(file: sidecar, issues: [ValidationIssue(path: "$", message: error.description)]))
            }
        }
        return assembler.assemble(
            AssemblyInputs(audioPath: audio, sidecar: sidecarInput, media: media), directory: directory, cdr: cdr, waitForCDR: waitForCDR)
    }
}

/// A media header read: its facts, or the evaluation that ends there.
enum ProbeOutcome {
    case media(MediaInfo)
    case ended(Evaluation)
}

extension ContentChecks.Finding {
    /// The evaluation a finding ends in.
    func evaluation(levels: AudioLevels?, path: String, clientUniqueId: String? = nil) -> Evaluation {
        switch self {
        case .skip(let code, let reason): .skipped(code: code, reason: "\(path): \(reason)", levels: levels, clientUniqueId: clientUniqueId)
        case .hold(let code, let reason): .held(code: code, reason: "\(path): \(reason)", clientUniqueId: clientUniqueId)
        }
    }
}
