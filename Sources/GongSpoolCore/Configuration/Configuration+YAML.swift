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
        return Self.plainNumbers(((try? encoder.encode(shown)) ?? "").trimmingCharacters(in: .newlines))
    }

    /// `yaml` with Yams' floats (`1e+1`, `2.56e+5`, `5e-1`) written as an admin writes them
    /// (`10`, `256000`, `0.5`). Only unquoted scalars that are a whole value after `key: ` or
    /// `- ` change: a string that looks like a number is quoted by Yams and stays as it is.
    static func plainNumbers(_ yaml: String) -> String {
        yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard let match = line.wholeMatch(of: /(?<lead>\s*(?:[^\s'"#][^:]*: |- ))(?<number>-?\d(?:\.\d+)?e[+-]\d+)/),
                let value = Double(match.output.number)
            else { return String(line) }
            let plain =
                value == value.rounded() && abs(value) < 1e15
                ? String(Int64(value)) : value.description.contains("e") ? String(match.output.number) : value.description
            return match.output.lead + plain
        }.joined(separator: "\n")
    }
}
