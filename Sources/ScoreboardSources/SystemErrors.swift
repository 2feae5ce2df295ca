import Glibc

/// Text for an errno value: the C library's description followed by the symbolic name.
public func describeErrno(_ code: Int32) -> String {
    let text = String(cString: strerror(code))
    guard let name = errnoNames[code] else { return "\(text) (errno \(code))" }
    return "\(text) (\(name))"
}

private let errnoNames: [Int32: String] = [
    EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF",
    EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY",
    EEXIST: "EEXIST", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL", EMFILE: "EMFILE",
    ENOSPC: "ENOSPC", ENAMETOOLONG: "ENAMETOOLONG", EIDRM: "EIDRM", EADDRINUSE: "EADDRINUSE",
    EADDRNOTAVAIL: "EADDRNOTAVAIL", ECONNREFUSED: "ECONNREFUSED",
]

/// Reads a whole small file (a PID file, /proc/<pid>/maps); returns the bytes or the errno.
public func readSmallFile(_ path: String, limit: Int = 4 << 20) -> Result<[UInt8], SystemCallError> {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return .failure(SystemCallError(call: "open", path: path, errno: errno)) }
    defer { close(fd) }

    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while bytes.count < limit {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            return .failure(SystemCallError(call: "read", path: path, errno: errno))
        }
        if count == 0 { break }
        bytes.append(contentsOf: chunk[0..<count])
    }
    return .success(bytes)
}

/// A failed system call on a path, with its errno.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    public var call: String
    public var path: String
    public var errno: Int32

    public var description: String { "\(call) \(path): \(describeErrno(errno))" }
}
