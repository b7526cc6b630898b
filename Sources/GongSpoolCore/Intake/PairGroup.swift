/// The files of one stem in one scan: its audio (normally one) and its sidecar.
struct PairGroup: Sendable {
    /// The sidecar looked for (`nil`: recordings come without one).
    let sidecarExtension: String?
    var audio: [SpoolEntry] = []
    var sidecar: SpoolEntry?

    /// Audio present, and the sidecar too when one is expected.
    var isComplete: Bool { !audio.isEmpty && (sidecar != nil || sidecarExtension == nil) }

    /// Nothing left of the stem.
    var isEmpty: Bool { audio.isEmpty && sidecar == nil }

    var fingerprint: Fingerprint {
        let a = audio.sorted { $0.relativePath < $1.relativePath }.first
        return Fingerprint(
            audioPath: a?.relativePath, size: a?.size, mtimeNs: a?.mtimeNs, inode: a?.inode,
            sidecarPath: sidecar?.relativePath, sidecarSize: sidecar?.size, sidecarMtimeNs: sidecar?.mtimeNs)
    }

    /// The group a row was taken from (its files as recorded), to be looked at again.
    init(row: Recording, sidecarExtension: String?) {
        self.sidecarExtension = sidecarExtension
        if let audio = row.audioPath { self.audio = [SpoolEntry(relativePath: audio, size: 0, mtimeNs: 0, inode: 0)] }
        if let sidecar = row.sidecarPath { self.sidecar = SpoolEntry(relativePath: sidecar, size: 0, mtimeNs: 0, inode: 0) }
    }

    init(sidecarExtension: String?) {
        self.sidecarExtension = sidecarExtension
    }

    /// The entries of one listing grouped by stem.
    static func group(_ entries: [SpoolEntry], sidecarExtension: String?) -> [String: PairGroup] {
        var groups: [String: PairGroup] = [:]
        for entry in entries {
            let ext = entry.fileExtension
            if MediaKind(fileExtension: ext) != nil {
                groups[entry.stem, default: PairGroup(sidecarExtension: sidecarExtension)].audio.append(entry)
            } else if let sidecarExtension, ext == sidecarExtension || ext.lowercased() == sidecarExtension {
                groups[entry.stem, default: PairGroup(sidecarExtension: sidecarExtension)].sidecar = entry
            }
        }
        return groups
    }

    func waitingReason(stem: String) -> String {
        if audio.isEmpty { return "waiting for the audio file" }
        if sidecar == nil, let sidecarExtension { return "waiting for sidecar \(stem).\(sidecarExtension)" }
        return "waiting for the files to settle"
    }

    func orphanReason(stem: String) -> String {
        audio.isEmpty
            ? "sidecar \(sidecar?.relativePath ?? stem) has no audio file"
            : "audio \(audio[0].relativePath) has no sidecar \(stem).\(sidecarExtension ?? "")"
    }
}
