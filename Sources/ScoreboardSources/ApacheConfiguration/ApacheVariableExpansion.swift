/// Replaces `${NAME}` in a configuration line the way httpd's `ap_resolve_env` does: with the
/// value from `Define NAME value` or from httpd's environment. httpd leaves an undefined
/// reference as written (and logs AH00111), so this does too and reports the name.
struct ApacheVariableExpansion: Sendable {
    var text: String

    /// Names referenced but not defined, in order of appearance.
    var undefinedNames: [String]

    init(_ line: String, variables: [String: String]) {
        guard line.contains("${") else {
            text = line
            undefinedNames = []
            return
        }

        var result = ""
        var undefined: [String] = []
        var rest = Substring(line)
        while let dollar = rest.firstRange(of: "${") {
            result += rest[rest.startIndex..<dollar.lowerBound]
            guard let close = rest[dollar.upperBound...].firstIndex(of: "}") else {
                rest = rest[dollar.lowerBound...]
                break
            }
            let name = String(rest[dollar.upperBound..<close])
            if let value = variables[name] {
                result += value
            } else {
                result += rest[dollar.lowerBound...close]
                if !undefined.contains(name) { undefined.append(name) }
            }
            rest = rest[rest.index(after: close)...]
        }
        result += rest
        text = result
        undefinedNames = undefined
    }
}
