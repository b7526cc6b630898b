import Foundation

/// Every problem a configuration has, collected rather than thrown one at a time, each naming
/// its key (`spool.settleSeconds: must be at least 0, found -1`). The keys come from the
/// settings types' own coding keys: no key name is written a second time.
struct ConfigProblems {
    /// The problems found, in the order found.
    private(set) var all: [ConfigurationError] = []
    /// The dotted path of the section being checked (`""` at the top).
    private var prefix = ""

    /// The full key of `key` in the current section.
    func path(_ key: some CodingKey) -> String {
        prefix.isEmpty ? key.stringValue : "\(prefix).\(key.stringValue)"
    }

    /// Checks the section `key` with `body`.
    mutating func within(_ key: some CodingKey, _ body: (inout ConfigProblems) -> Void) {
        var nested = ConfigProblems(all: [], prefix: path(key))
        body(&nested)
        all += nested.all
    }

    /// A number in `min…max` (by default at most ``Bounded/maxSeconds``: every number key is a
    /// time, a rate or a count, and none means anything beyond that).
    mutating func number(_ value: Double, _ key: some CodingKey, min: Double, max: Double = Bounded.maxSeconds) {
        if !value.isFinite || value < min {
            add(.invalid(key: path(key), message: "must be at least \(Bounded.text(min)), found \(Bounded.text(value))"))
        } else if value > max {
            add(.invalid(key: path(key), message: "must be at most \(Bounded.text(max)), found \(Bounded.text(value))"))
        }
    }

    /// A whole number in `min…max`.
    mutating func integer(_ value: Int, _ key: some CodingKey, min: Int, max: Int = 1_000_000_000) {
        if value < min {
            add(.invalid(key: path(key), message: "must be at least \(min), found \(value)"))
        } else if value > max {
            add(.invalid(key: path(key), message: "must be at most \(max), found \(value)"))
        }
    }

    /// Something wrong with `key`.
    mutating func invalid(_ key: some CodingKey, _ message: String) {
        add(.invalid(key: path(key), message: message))
    }

    /// `key` (or `key.sub`) must be given.
    mutating func missing(_ key: some CodingKey, sub: String? = nil, hint: String) {
        add(.missing(key: path(key) + (sub.map { ".\($0)" } ?? ""), hint: hint))
    }

    /// A problem found by a check that throws one (a URL, a pattern).
    mutating func add(_ problem: ConfigurationError) {
        all.append(problem)
    }

    /// Runs a check that throws its problem (a ``ConfigurationError``).
    mutating func check(_ body: () throws -> Void) {
        do {
            try body()
        } catch let error as ConfigurationError {
            add(error)
        } catch {
            add(.syntax(path: "<config>", detail: "\(error)"))
        }
    }
}
