import Glibc

/// A read buffer reused for every small `/proc` file, so a sample allocates only on growth.
struct ProcFileBuffer: Sendable {
    /// Large enough for `stat` and `status` on common kernels (status is about 1.5 KiB).
    static let initialCapacity = 8 * 1024

    /// Files larger than this are cut off; no file this collector reads comes close.
    static let maximumCapacity = 1024 * 1024

    private var storage = [UInt8](repeating: 0, count: ProcFileBuffer.initialCapacity)

    /// Reads the whole file `name` relative to the directory descriptor `directory` and passes
    /// its contents to `body`. Returns the errno of the failing call instead when open or read
    /// fails. `body` must not keep the slice, because the next read overwrites the buffer.
    mutating func withContents<Result>(
        of name: String, in directory: Int32, _ body: (ArraySlice<UInt8>) -> Result
    ) -> Swift.Result<Result, ProcErrno> {
        let fd = openat(directory, name, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(ProcErrno(code: errno)) }
        defer { close(fd) }

        var length = 0
        while true {
            if length == storage.count {
                guard storage.count < Self.maximumCapacity else { break }
                storage.append(contentsOf: repeatElement(0, count: storage.count))
            }
            let count = storage.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + length, raw.count - length)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(ProcErrno(code: errno))
            }
            if count == 0 { break }
            length += count
        }
        return .success(body(storage[0..<length]))
    }
}

/// An errno from a `/proc` call, classified for the reader.
struct ProcErrno: Error, Sendable {
    var code: Int32

    /// ENOENT or ESRCH: the process exited between listing and reading, which is normal.
    var meansProcessVanished: Bool { code == ENOENT || code == ESRCH }

    /// EACCES or EPERM: the file exists but this process may not read it.
    var meansPermissionDenied: Bool { code == EACCES || code == EPERM }

    var text: String { String(cString: strerror(code)) }
}
