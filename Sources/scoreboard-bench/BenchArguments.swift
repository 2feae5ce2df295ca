import Glibc

/// `--name value` pairs after the subcommand, with typed look-ups that exit on bad input.
struct BenchArguments {
    private var values: [String: String] = [:]

    init(_ arguments: ArraySlice<String>) {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard flag.hasPrefix("--"), let value = remaining.popFirst() else {
                BenchOutput.fail("invalid argument '\(flag)': expected --NAME VALUE pairs")
            }
            values[String(flag.dropFirst(2))] = value
        }
    }

    func string(_ name: String) -> String? { values[name] }

    func requiredString(_ name: String) -> String {
        guard let value = values[name] else { BenchOutput.fail("missing --\(name)") }
        return value
    }

    func integer(_ name: String, default fallback: Int) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), value > 0 else {
            BenchOutput.fail("invalid --\(name) '\(text)': expected a positive integer")
        }
        return value
    }
}

/// Result lines on standard output and errors on standard error, written with write(2).
enum BenchOutput {
    /// Prints one result line: the record name, then `key=value` fields, for scripts/bench/report.py.
    static func record(_ name: String, _ fields: [(String, String)]) {
        let text = ([name] + fields.map { "\($0.0)=\($0.1)" }).joined(separator: " ") + "\n"
        write(STDOUT_FILENO, text, text.utf8.count)
    }

    static func fail(_ message: String) -> Never {
        let text = "scoreboard-bench: \(message)\n"
        write(STDERR_FILENO, text, text.utf8.count)
        exit(2)
    }
}
