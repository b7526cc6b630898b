import Foundation

/// One value found for a call, with where it came from (shown by `gongspool validate`).
public struct SourcedValue: Sendable, Equatable {
    /// The text found.
    public var value: String
    /// Where it was found, e.g. `file name (freepbx)`, `sidecar x.xml`, `CDR Master.csv`.
    public var source: String
}

/// Everything known about one recording before mapping: named values from the file name,
/// the sidecar (`sidecar.*`), the CDR (`cdr.*`), the media (`media.*`) and built-ins.
public struct SourceFields: Sendable, Equatable {
    /// Values by field name.
    public private(set) var values: [String: SourcedValue] = [:]

    /// No values.
    public init() {}

    /// The value of `name`, if present and not empty.
    public subscript(name: String) -> String? {
        values[name]?.value
    }

    /// Records `value` (trimmed) under `name` unless empty; an existing value is kept unless `replace`.
    public mutating func set(_ name: String, _ value: String, source: String, replace: Bool = false) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, replace || values[name] == nil else { return }
        values[name] = SourcedValue(value: trimmed, source: source)
    }

    /// Renders the first template of `templates` that resolves, with the sources it used.
    func first(_ templates: [FieldTemplate]) -> (value: String, sources: [String])? {
        for template in templates {
            if case .success(let text) = template.render({ self[$0] }) {
                let sources = template.fieldNames.compactMap { values[$0]?.source }
                return (text, Array(Set(sources)).sorted())
            }
        }
        return nil
    }
}
