import Glibc

/// The configuration file: `key = value` lines, where a key is an `OptionTable` file key
/// (`log_level`), `#` starts a comment, blank lines are ignored and a value may be quoted
/// with `"` or `'`.
///
/// An unquoted value ends at a `#` that follows whitespace, so `interval = 2  # seconds`
/// sets 2. A quoted value is taken literally, without escapes.
public enum ConfigurationFile {
    /// Largest file accepted; a configuration of a dozen keys is a few kilobytes.
    static let maximumSizeBytes = 1 << 20

    /// Reads the file at `path`. Returns `nil` when it does not exist and `required` is false
    /// (the default path may be absent); throws for every other failure.
    public static func read(path: String, required: Bool) throws(ConfigurationError) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            let code = errno
            if code == ENOENT, !required {
                return nil
            }
            throw ConfigurationError("\(path): cannot open configuration file: \(errorText(code))\(fixHint(code))")
        }
        defer { close(descriptor) }

        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw ConfigurationError("\(path): cannot read configuration file: \(errorText(code))\(fixHint(code))")
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > maximumSizeBytes {
                throw ConfigurationError(
                    "\(path): configuration file is larger than \(maximumSizeBytes) bytes; check that the path names the right file"
                )
            }
        }

        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigurationError("\(path): configuration file is not valid UTF-8; save it as UTF-8 text")
        }
        return text
    }

    /// Applies every `key = value` line of `text` to `options`, in order. `path` is used
    /// only in error messages. On error `options` is left unchanged.
    public static func apply(_ text: String, path: String, to options: inout CollectorOptions) throws(ConfigurationError) {
        var updated = options
        var firstLineOfKey: [String: Int] = [:]

        for (offset, rawLine) in lines(of: text).enumerated() {
            let lineNumber = offset + 1
            let location = "\(path):\(lineNumber)"
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") {
                continue
            }

            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError("\(location): missing '=' in '\(line)'; write key = value")
            }
            let key = trimmed(line[..<equals])
            guard !key.isEmpty else {
                throw ConfigurationError("\(location): missing key before '='; write key = value")
            }
            guard let definition = OptionTable.definition(fileKey: key) else {
                throw ConfigurationError("\(location): \(unknownKeyText(key))")
            }
            if let firstLine = firstLineOfKey[key] {
                throw ConfigurationError(
                    "\(location): duplicate key '\(key)', already set on line \(firstLine); keep one of the two lines"
                )
            }
            firstLineOfKey[key] = lineNumber

            let value = try parseValue(line[line.index(after: equals)...], key: key, location: location)
            guard !value.isEmpty else {
                let example = definition.valueName ?? "true"
                throw ConfigurationError("\(location): missing value for '\(key)'; write \(key) = \(example)")
            }
            do {
                try definition.apply(value, to: &updated)
            } catch {
                throw ConfigurationError("\(location): \(error.message(option: key))")
            }
        }

        options = updated
    }

    /// Splits on `\n` bytes and drops a trailing `\r`, so files written on Windows read the
    /// same. Splitting on `Character` would not split `\r\n`, because it is one Character.
    static func lines(of text: String) -> [Substring] {
        var result: [Substring] = []
        var lineStart = text.startIndex
        var index = text.startIndex
        let utf8 = text.utf8

        while index < text.endIndex {
            let next = utf8.index(after: index)
            if utf8[index] == UInt8(ascii: "\n") {
                result.append(stripCarriageReturn(text[lineStart..<index]))
                lineStart = next
            }
            index = next
        }
        if lineStart < text.endIndex {
            result.append(stripCarriageReturn(text[lineStart...]))
        }
        return result
    }

    private static func stripCarriageReturn(_ line: Substring) -> Substring {
        line.utf8.last == UInt8(ascii: "\r") ? line.dropLast() : line
    }

    /// Takes the text after `=`: a quoted value up to its closing quote, or an unquoted
    /// value up to a `#` comment that follows whitespace.
    private static func parseValue(_ text: Substring, key: String, location: String) throws(ConfigurationError) -> String {
        let value = trimmed(text)
        guard let quote = value.first, quote == "\"" || quote == "'" else {
            return stripInlineComment(value)
        }

        let body = value.dropFirst()
        guard let close = body.firstIndex(of: quote) else {
            throw ConfigurationError("\(location): missing closing \(quote) in the value of '\(key)'")
        }
        let rest = trimmed(body[body.index(after: close)...])
        guard rest.isEmpty || rest.hasPrefix("#") else {
            throw ConfigurationError(
                "\(location): unexpected text '\(rest)' after the closing \(quote) of '\(key)'; put it inside the quotes or after a #"
            )
        }
        return String(body[..<close])
    }

    private static func stripInlineComment(_ value: String) -> String {
        var previous: Character = " "
        for index in value.indices {
            let character = value[index]
            if character == "#", previous == " " || previous == "\t" {
                return trimmed(value[..<index])
            }
            previous = character
        }
        return value
    }

    private static func unknownKeyText(_ key: String) -> String {
        let keys = OptionTable.definitions.map(\.fileKey)
        if let suggestion = SpellingSuggestion.closest(to: key, among: keys) {
            return "unknown key '\(key)'; did you mean '\(suggestion)'?"
        }
        return "unknown key '\(key)'; the keys are \(keys.joined(separator: ", "))"
    }

    private static func fixHint(_ code: Int32) -> String {
        switch code {
        case ENOENT: "; create it or pass --config with an existing file"
        case EACCES: "; make it readable by the user the daemon runs as"
        case EISDIR: "; give the path of a file"
        default: ""
        }
    }

    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// Removes leading and trailing spaces and tabs.
    private static func trimmed<S: StringProtocol>(_ text: S) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
