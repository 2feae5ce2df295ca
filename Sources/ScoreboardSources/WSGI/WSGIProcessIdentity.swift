#if canImport(Glibc)
import Glibc
#endif

/// Process identity from /proc: a pid together with its start time, so a reused pid is not taken
/// for the process that wrote a segment.
enum WSGIProcessIdentity {
    /// Field 22 (starttime, clock ticks after boot) of `/proc/<pid>/stat`. Returns nil when the
    /// process does not exist or the file cannot be read, because a process may exit at any moment.
    static func startTime(ofProcess pid: Int32) -> UInt64? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            return nil
        }
        defer { close(descriptor) }

        // The command name is at most 64 bytes and the other 50 fields are numbers.
        var buffer = [UInt8](repeating: 0, count: 2048)
        let length = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if length <= 0 {
            return nil
        }
        return parseStartTime(buffer[0..<length])
    }

    /// Field 22 of a stat line; fields after the ")" closing the command name start at field 3.
    static func parseStartTime(_ line: ArraySlice<UInt8>) -> UInt64? {
        guard let closing = line.lastIndex(of: UInt8(ascii: ")")) else {
            return nil
        }
        let fieldsAfterCommand = line[(closing + 1)...].split(separator: UInt8(ascii: " "))
        let startTimeIndex = 22 - 3
        guard fieldsAfterCommand.count > startTimeIndex else {
            return nil
        }
        return UInt64(String(decoding: fieldsAfterCommand[startTimeIndex], as: UTF8.self))
    }
}
