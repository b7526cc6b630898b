import Foundation
import Yams

extension Configuration {
    /// The effective configuration as YAML, every key with its value in force (the system id,
    /// the node's name and a PBX preset's mapping resolved), printed by `YAMLEncoder` from the
    /// same types the file is read into: a key is written once, and the printout reads back as
    /// the same configuration. Holds file paths only; secrets never live in the configuration.
    public var effectiveYAML: String {
        var shown = self
        shown.spool.systemId = spool.effectiveSystemId
        shown.state.node = state.nodeName
        if metadata.isMapped {
            shown.metadata.sidecar = metadata.effectiveSidecar
            shown.metadata.sidecarExtension = metadata.effectiveSidecarExtension
            shown.metadata.fileNamePattern = metadata.effectivePattern
            shown.metadata.fields = metadata.effectiveFields.mapValues(TemplateList.init)
            shown.metadata.repChannel = metadata.effectiveRepChannel
        }
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = true
        encoder.options.width = -1
        return ((try? encoder.encode(shown)) ?? "").trimmingCharacters(in: .newlines)
    }
}
