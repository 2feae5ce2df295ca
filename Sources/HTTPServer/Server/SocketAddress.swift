import Glibc

/// An IPv4 or IPv6 socket address in a `sockaddr_storage`, as `bind`, `getsockname` and
/// `accept` use it.
struct SocketAddress {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)

    init() {}

    /// Parses an IPv4 or IPv6 literal; returns `nil` for anything else, host names included.
    init?(host: String, port: UInt16) {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            address.sin_addr = ipv4
            store(address)
        } else if inet_pton(AF_INET6, host, &ipv6) == 1 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            address.sin6_addr = ipv6
            store(address)
        } else {
            return nil
        }
    }

    /// Copies a `sockaddr_in` or `sockaddr_in6` into `storage` and sets `length` to its size.
    private mutating func store<Address>(_ address: Address) {
        withUnsafeBytes(of: address) { source in
            withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: source) }
        }
        length = socklen_t(MemoryLayout<Address>.size)
    }

    var family: Int32 { Int32(storage.ss_family) }

    var port: UInt16 {
        switch family {
        case AF_INET:
            return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(as: sockaddr_in.self).sin_port) }
        case AF_INET6:
            return withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.load(as: sockaddr_in6.self).sin6_port) }
        default:
            return 0
        }
    }

    /// `ADDR:PORT` for IPv4 and `[ADDR]:PORT` for IPv6; `unknown` for other families, such as
    /// an address `accept` could not fill.
    var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch family {
        case AF_INET:
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in.self).sin_addr }
            inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
            return "\(Self.string(text)):\(port)"
        case AF_INET6:
            var address = withUnsafeBytes(of: storage) { $0.load(as: sockaddr_in6.self).sin6_addr }
            inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            return "[\(Self.string(text))]:\(port)"
        default:
            return "unknown"
        }
    }

    /// Calls `body` with the address as the `sockaddr` pointer the socket calls take.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }

    /// Fills the address from a call such as `accept` or `getsockname`.
    mutating func fill(_ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> Int32 {
        length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        var filledLength = length
        let result = withUnsafeMutableBytes(of: &storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &filledLength)
        }
        length = filledLength
        return result
    }

    private static func string(_ text: [CChar]) -> String {
        text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
