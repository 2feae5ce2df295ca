/// Variables set by Debian's `/etc/apache2/envvars`, the shell script that `apache2ctl` and the
/// systemd unit source before starting httpd, read without running a shell.
///
/// Only plain assignments at the top level are understood: `export NAME=value` and
/// `NAME=value`, with single quotes, double quotes, `$NAME` and `${NAME}`. Lines inside
/// `if … fi` or `case … esac` blocks are skipped, because their effect depends on the shell.
/// A value that uses command substitution, parameter operators such as `${NAME##prefix}`, or a
/// variable this parser does not know is left undefined, and `unknownVariables` records why.
struct ApacheEnvironmentFile: Sendable, Equatable {
    var variables: [String: String] = [:]

    /// Variable name → why its value could not be determined.
    var unknownVariables: [String: String] = [:]

    /// Parses `text`, starting from `seed`: variables the caller already has values for.
    init(text: String, path: String, seed: [String: String]) {
        variables = seed
        var blockDepth = 0

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine).trimmingApacheWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }

            let firstWord = line.prefix(while: { !$0.isWhitespace && $0 != ";" })
            if firstWord == "if" || firstWord == "case" {
                // A one-line block ("if …; then …; fi") opens and closes on the same line.
                let lastWord = line.split(whereSeparator: { $0.isWhitespace || $0 == ";" }).last
                if lastWord != "fi" && lastWord != "esac" { blockDepth += 1 }
                continue
            }
            if firstWord == "fi" || firstWord == "esac" { blockDepth = max(0, blockDepth - 1); continue }
            if blockDepth > 0 { continue }

            var assignment = Substring(line)
            if firstWord == "export" {
                assignment = assignment.dropFirst("export".count).drop(while: { $0.isWhitespace })
            }
            guard let equals = assignment.firstIndex(of: "="),
                  Self.isVariableName(assignment[assignment.startIndex..<equals])
            else { continue }

            let name = String(assignment[assignment.startIndex..<equals])
            let location = "\(path):\(index + 1)"
            switch Self.shellValue(assignment[assignment.index(after: equals)...], variables: variables) {
            case .success(let value):
                variables[name] = value
                unknownVariables[name] = nil
            case .failure(let problem):
                variables[name] = nil
                unknownVariables[name] = "\(location) sets \(name) with \(problem.description)"
            }
        }
    }

    static func isVariableName(_ text: Substring) -> Bool {
        guard let first = text.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return text.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    struct UnsupportedShell: Error, CustomStringConvertible {
        var description: String
    }

    /// Evaluates the right-hand side of a shell assignment, up to the first unquoted blank
    /// or `;`.
    static func shellValue(_ text: Substring, variables: [String: String]) -> Result<String, UnsupportedShell> {
        var value = ""
        var rest = text
        var quote: Character?

        while let character = rest.first {
            rest.removeFirst()
            if quote == "'" {
                if character == "'" { quote = nil } else { value.append(character) }
                continue
            }
            switch character {
            case "'" where quote == nil, "\"" where quote == nil:
                quote = character
            case "\"" where quote == "\"":
                quote = nil
            case "\\":
                if let next = rest.first { value.append(next); rest.removeFirst() }
            case "`":
                return .failure(UnsupportedShell(description: "command substitution, which needs a shell"))
            case "$":
                switch expandReference(&rest, variables: variables) {
                case .success(let expansion): value += expansion
                case .failure(let problem): return .failure(problem)
                }
            case " ", "\t", ";":
                if quote == nil { return .success(value) }
                value.append(character)
            default:
                value.append(character)
            }
        }
        return .success(value)
    }

    /// Expands the reference after a `$`: `NAME` or `{NAME}`.
    private static func expandReference(
        _ rest: inout Substring, variables: [String: String]
    ) -> Result<String, UnsupportedShell> {
        let name: Substring
        if rest.first == "{" {
            guard let close = rest.firstIndex(of: "}") else {
                return .failure(UnsupportedShell(description: "an unterminated ${"))
            }
            name = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            guard isVariableName(name) else {
                let problem = "the parameter expansion ${\(name)}, which needs a shell"
                return .failure(UnsupportedShell(description: problem))
            }
        } else if rest.first == "(" {
            return .failure(UnsupportedShell(description: "command substitution, which needs a shell"))
        } else {
            name = rest.prefix(while: { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) })
            guard !name.isEmpty else { return .success("$") }
            rest = rest.dropFirst(name.count)
        }
        guard let value = variables[String(name)] else {
            return .failure(UnsupportedShell(description: "$\(name), which is set outside this file or not at all"))
        }
        return .success(value)
    }
}
