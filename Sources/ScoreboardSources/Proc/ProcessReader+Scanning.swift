import Glibc

extension ProcessReader {
    /// Lists the PIDs whose `/proc/<pid>/stat` field 4 (`ppid`) is `parent`, in ascending order.
    /// Apache children and mod_wsgi daemon processes are both children of the Apache parent.
    /// Processes that exit during the scan are skipped. Returns an empty list when `/proc`
    /// cannot be listed.
    public mutating func childPIDs(of parent: Int32) -> [Int32] {
        guard let stream = opendir(procRoot) else { return [] }
        defer { closedir(stream) }

        var children: [Int32] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard let pid = Int32(name), pid > 0 else { continue }
            if let stat = readStat(pid: pid), stat.parentPID == parent {
                children.append(pid)
            }
        }
        return children.sorted()
    }

    /// Reports whether `pid` still names the process that started at `startTimeTicks`
    /// (`/proc/<pid>/stat` field 22). A zombie (state Z) or dead (X) process counts as gone,
    /// because it no longer runs. A reused PID counts as gone, because its start time differs.
    public mutating func isAlive(pid: Int32, startTimeTicks: UInt64) -> Bool {
        guard let stat = readStat(pid: pid) else { return false }
        return stat.startTimeTicks == startTimeTicks && stat.state != "Z" && stat.state != "X"
    }

    /// Checks a stored identity the same way.
    public mutating func isAlive(_ identity: ProcessIdentity) -> Bool {
        isAlive(pid: identity.pid, startTimeTicks: identity.startTimeTicks)
    }

    /// Reads and parses `/proc/<pid>/stat` alone; nil if the process is gone or unreadable.
    mutating func readStat(pid: Int32) -> ProcStatFields? {
        guard pid > 0 else { return nil }
        let directory = open("\(procRoot)/\(pid)", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        defer { close(directory) }
        return try? buffer.withContents(of: "stat", in: directory) { ProcStatFields($0) }.get()
    }

    /// Counts the entries of a directory below `directory`, without "." and "..".
    static func countEntries(of name: String, in directory: Int32) -> Result<Int, ProcErrno> {
        let fd = openat(directory, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ProcErrno(code: errno)) }
        guard let stream = fdopendir(fd) else {
            let failure = ProcErrno(code: errno)
            close(fd)
            return .failure(failure)
        }
        defer { closedir(stream) }

        var count = 0
        errno = 0
        while let entry = readdir(stream) {
            let isDotEntry = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                raw.first == UInt8(ascii: ".")
                    && (raw[1] == 0 || (raw[1] == UInt8(ascii: ".") && raw[2] == 0))
            }
            if !isDotEntry { count += 1 }
        }
        if errno != 0 { return .failure(ProcErrno(code: errno)) }
        return .success(count)
    }

    /// Reads `btime` from `/proc/stat`: the line `btime <seconds since the epoch>`.
    static func readBootTime(procRoot: String, buffer: inout ProcFileBuffer) -> UInt64? {
        let directory = open(procRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return nil }
        defer { close(directory) }

        let key = Array("btime".utf8)
        let result = buffer.withContents(of: "stat", in: directory) { bytes -> UInt64? in
            var lines = ProcLines(bytes)
            while let line = lines.next() {
                var words = ProcWords(line)
                if let name = words.next(), name.elementsEqual(key), let value = words.next() {
                    return ProcNumber.parseUnsigned(value)
                }
            }
            return nil
        }
        return (try? result.get()) ?? nil
    }
}
