import Glibc

/// Failure to create an `HTTPServer`.
public enum HTTPServerError: Error, Equatable, CustomStringConvertible {
    /// The host is not an IPv4 or IPv6 literal.
    case invalidAddress(host: String)

    /// A system call on the listening socket failed; `operation` is `socket`, `bind`,
    /// `listen` and so on, and `errno` the value it set.
    case cannotListen(address: String, operation: String, errno: Int32)

    /// A limit in `HTTPServerConfiguration` is out of range.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .invalidAddress(let host):
            return "invalid listen address '\(host)': give an IPv4 or IPv6 literal such as 127.0.0.1 or ::1"
        case .cannotListen(let address, let operation, let code):
            return "cannot listen on \(address): \(operation) failed: \(ErrnoDescription.describe(code)); \(Self.remedy(for: code))"
        case .invalidConfiguration(let message):
            return message
        }
    }

    private static func remedy(for code: Int32) -> String {
        switch code {
        case EACCES, EPERM:
            return "choose a port from 1024 up or grant CAP_NET_BIND_SERVICE"
        case EADDRINUSE:
            return "choose another port or stop the process that listens on it"
        case EADDRNOTAVAIL:
            return "choose an address assigned to this host"
        case EAFNOSUPPORT:
            return "choose an address of a family this kernel supports"
        case EMFILE, ENFILE:
            return "raise the open file limit"
        default:
            return "check the address and the system state"
        }
    }
}

/// Formats errno values as `Permission denied (EACCES)`.
enum ErrnoDescription {
    static func describe(_ code: Int32) -> String {
        let text = strerror(code).map { String(cString: $0) } ?? "error \(code)"
        guard let name = names[code] else {
            return text
        }
        return "\(text) (\(name))"
    }

    private static let names: [Int32: String] = [
        EACCES: "EACCES",
        EPERM: "EPERM",
        EADDRINUSE: "EADDRINUSE",
        EADDRNOTAVAIL: "EADDRNOTAVAIL",
        EAFNOSUPPORT: "EAFNOSUPPORT",
        EINVAL: "EINVAL",
        EMFILE: "EMFILE",
        ENFILE: "ENFILE",
        ENOBUFS: "ENOBUFS",
        ENOMEM: "ENOMEM",
        ECONNRESET: "ECONNRESET",
        EPIPE: "EPIPE",
        ECONNABORTED: "ECONNABORTED",
    ]
}
