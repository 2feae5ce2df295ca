/// One logical line of an Apache configuration file, after joining continuation lines.
struct ApacheConfigurationLine: Sendable, Equatable {
    /// The text with leading and trailing whitespace removed.
    var text: String

    /// The number of the first physical line, counted from 1.
    var lineNumber: Int
}

extension ApacheConfigurationLine {
    /// Splits file contents into logical lines the way httpd's `ap_cfg_getline` does. A line
    /// whose last character is a backslash continues on the next line, with the backslash
    /// removed. The backslash must be the very last character, so a backslash followed by a
    /// space does not continue the line. A trailing carriage return is dropped first, so CRLF
    /// files work.
    ///
    /// Comment lines and blank lines are kept, and the walker skips them. A comment that ends
    /// in a backslash therefore swallows the next line, as in httpd.
    static func split(_ bytes: [UInt8]) -> [ApacheConfigurationLine] {
        var lines: [ApacheConfigurationLine] = []
        var pending: [UInt8] = []
        var pendingStart = 1
        var physicalLine = 0
        var continuing = false

        for var physical in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            physicalLine += 1
            if physical.last == UInt8(ascii: "\r") { physical = physical.dropLast() }
            if !continuing {
                pending.removeAll(keepingCapacity: true)
                pendingStart = physicalLine
            }
            if physical.last == UInt8(ascii: "\\") {
                pending.append(contentsOf: physical.dropLast())
                continuing = true
                continue
            }
            pending.append(contentsOf: physical)
            continuing = false
            lines.append(ApacheConfigurationLine(text: trimmedText(pending), lineNumber: pendingStart))
        }
        if continuing {
            lines.append(ApacheConfigurationLine(text: trimmedText(pending), lineNumber: pendingStart))
        }
        return lines
    }

    private static func trimmedText(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).trimmingApacheWhitespace()
    }
}

extension String {
    /// Removes spaces, tabs, carriage returns and vertical whitespace at both ends.
    func trimmingApacheWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
