import Glibc

/// Checks whether a PID names a running (not zombie) process, without allocating.
///
/// `kill(pid, 0)` alone is not enough: a parent killed with SIGKILL stays a zombie until its
/// own parent reaps it, and some container inits reap late. The state letter in
/// `/proc/<pid>/stat` (the field after the parenthesised command name) tells them apart.
enum ProcessLiveness {
    static func isRunning(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        if kill(pid, 0) != 0 && errno != EPERM { return false }
        guard let state = statState(pid) else { return false }
        return state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    /// Field 22 of `/proc/<pid>/stat`, `starttime`, in clock ticks since boot.
    static func startTime(_ pid: Int32) -> UInt64? {
        withStatLine(pid) { line in
            // Fields after the command name start at field 3 (state); starttime is field 22.
            let startTimeFieldAfterCommand = 22 - 3
            return field(line, index: startTimeFieldAfterCommand).flatMap { parseUnsigned($0) }
        }
    }

    private static func statState(_ pid: Int32) -> UInt8? {
        withStatLine(pid) { line in field(line, index: 0).flatMap { $0.first } }
    }

    /// Reads `/proc/<pid>/stat` into a stack buffer and passes the part after the command name.
    private static func withStatLine<T>(_ pid: Int32, _ body: (UnsafeRawBufferPointer) -> T?) -> T? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { path -> T? in
            writeProcStatPath(pid, into: path)
            let fd = open(path.baseAddress!, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            return withUnsafeTemporaryAllocation(byteCount: 1024, alignment: 8) { buffer -> T? in
                let count = read(fd, buffer.baseAddress, buffer.count)
                guard count > 0 else { return nil }
                let line = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                // The command name may contain spaces and ')'; the last ')' ends it.
                guard let close = line.lastIndex(of: UInt8(ascii: ")")), close + 2 < count else { return nil }
                return body(UnsafeRawBufferPointer(rebasing: line[(close + 2)...]))
            }
        }
    }

    /// Writes "/proc/<pid>/stat" and a NUL into `path` (32 bytes are enough for any pid_t).
    private static func writeProcStatPath(_ pid: Int32, into path: UnsafeMutableBufferPointer<CChar>) {
        var index = 0
        for byte in "/proc/".utf8 { path[index] = CChar(byte); index += 1 }

        var digitCount = 1
        var remaining = pid / 10
        while remaining > 0 { digitCount += 1; remaining /= 10 }
        var value = pid
        for position in stride(from: index + digitCount - 1, through: index, by: -1) {
            path[position] = CChar(UInt8(ascii: "0") + UInt8(value % 10))
            value /= 10
        }
        index += digitCount

        for byte in "/stat".utf8 { path[index] = CChar(byte); index += 1 }
        path[index] = 0
    }

    private static func field(_ line: UnsafeRawBufferPointer, index: Int) -> UnsafeRawBufferPointer? {
        var current = 0
        var start = 0
        for position in 0...line.count {
            let atEnd = position == line.count || line[position] == UInt8(ascii: " ") || line[position] == UInt8(ascii: "\n")
            guard atEnd else { continue }
            if current == index {
                return position > start ? UnsafeRawBufferPointer(rebasing: line[start..<position]) : nil
            }
            current += 1
            start = position + 1
        }
        return nil
    }

    private static func parseUnsigned(_ text: UnsafeRawBufferPointer) -> UInt64? {
        var value: UInt64 = 0
        for byte in text {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let (product, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = product.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
        }
        return value
    }
}
