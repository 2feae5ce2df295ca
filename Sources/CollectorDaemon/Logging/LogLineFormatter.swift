/// Text form of a log entry for stderr: `level: message key=value …` on one line.
enum LogLineFormatter {
    /// Renders one line ending in `\n`. Field names are the normalized journal names in
    /// lowercase, sorted; values with spaces, quotes, `=` or control characters are quoted.
    /// With `levelPrefix` the line starts with `<N>` (the syslog priority) in place of the
    /// level name, as journald's stream protocol expects.
    static func line(level: LogLevel, message: String, fields: [String: String], levelPrefix: Bool) -> String {
        var text = levelPrefix ? "<\(level.rawValue)>" : "\(level.name): "
        text += escapeControlCharacters(message)

        let named = fields.map { (JournalEntry.fieldName($0.key).lowercased(), $0.value) }
        for (name, value) in named.sorted(by: { $0.0 < $1.0 }) {
            text += " \(name)=\(quotedIfNeeded(value))"
        }
        return text + "\n"
    }

    /// Keeps an entry on one line: newline, carriage return and tab become `\n`, `\r`, `\t`,
    /// other control characters `\u{XX}`.
    static func escapeControlCharacters(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func quotedIfNeeded(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7F
        }
        guard needsQuotes else { return value }

        var escaped = ""
        for character in value {
            switch character {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default: escaped.append(character)
            }
        }
        return "\"" + escapeControlCharacters(escaped) + "\""
    }
}
