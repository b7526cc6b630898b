extension String {
    /// The text for a human-readable output (text logs, `list`, `show`, `status`, `validate`):
    /// control characters (C0, DEL, C1) written as escapes (`\n`, `\t`, `\r`, `\e`, `\u{9b}`),
    /// so whoever can name a file in the spool cannot forge log lines or send terminal
    /// sequences. JSON output needs none of this (it escapes by itself) and stays exact.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: Self.isControl) else { return self }
        var out = ""
        out.reserveCapacity(utf8.count + 8)
        for scalar in unicodeScalars {
            guard Self.isControl(scalar) else {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x1B: out += "\\e"
            default: out += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
