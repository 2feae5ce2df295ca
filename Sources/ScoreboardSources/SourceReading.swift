/// The outcome of reading one source once: an immutable snapshot, or why there is none.
///
/// "No data" and "error" are different outcomes. `.unavailable` with kind `.absent` means the
/// thing being watched is not there (Apache stopped, no WSGI process running), which is normal;
/// every other kind is a failure an operator should act on.
public enum SourceReading<Snapshot: Sendable>: Sendable {
    case snapshot(Snapshot)
    case unavailable(SourceUnavailable)
}

/// The reason a source returned no snapshot, in words an operator can act on.
public struct SourceUnavailable: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// Nothing to read: the server is stopped or the segment does not exist yet.
        case absent = "absent"
        /// The segment or file exists, but this process may not open it (EACCES, EPERM).
        case permissionDenied = "permission_denied"
        /// The segment exists but does not hold a layout this collector understands.
        case invalidSegment = "invalid_segment"
        /// The segment is left over from a process that is gone; its data is not current.
        case stale = "stale"
        /// Any other system call failure.
        case systemError = "system_error"
    }

    public var kind: Kind

    /// One sentence: what failed, on which object, and what to do about it.
    public var message: String

    /// The errno of the failing call, when there was one.
    public var errno: Int32?

    /// The path, object name or key involved, when there was one.
    public var object: String?

    public init(kind: Kind, message: String, errno: Int32? = nil, object: String? = nil) {
        self.kind = kind
        self.message = message
        self.errno = errno
        self.object = object
    }

    public var description: String { message }
}
