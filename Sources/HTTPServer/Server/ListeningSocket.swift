import Glibc

/// Creation of the listening socket and of the descriptors the loop polls.
enum ListeningSocket {
    /// Pending connections the kernel queues before `accept` (the `backlog` of listen(2)).
    static let backlog: Int32 = 128

    /// Creates a non-blocking, close-on-exec socket bound to `host:port` and listening;
    /// returns the descriptor and the bound port, which differs from `port` when that is 0.
    static func open(host: String, port: UInt16) throws(HTTPServerError) -> (descriptor: Int32, port: UInt16) {
        guard let address = SocketAddress(host: host, port: port) else {
            throw .invalidAddress(host: host)
        }
        let display = address.family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"

        let descriptor = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else {
            throw .cannotListen(address: display, operation: "socket", errno: errno)
        }

        do throws(HTTPServerError) {
            var enabled: Int32 = 1
            guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &enabled, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
                throw .cannotListen(address: display, operation: "setsockopt(SO_REUSEADDR)", errno: errno)
            }
            guard address.withSockaddr({ bind(descriptor, $0, $1) }) == 0 else {
                throw .cannotListen(address: display, operation: "bind", errno: errno)
            }
            guard listen(descriptor, backlog) == 0 else {
                throw .cannotListen(address: display, operation: "listen", errno: errno)
            }

            var bound = SocketAddress()
            guard bound.fill({ getsockname(descriptor, $0, $1) }) == 0 else {
                throw .cannotListen(address: display, operation: "getsockname", errno: errno)
            }
            return (descriptor, bound.port)
        } catch {
            close(descriptor)
            throw error
        }
    }

    /// Makes an accepted socket non-blocking and close-on-exec, which `accept4` would do but
    /// Glibc's Swift module does not export it. Returns false when `fcntl` fails.
    static func configureAccepted(_ descriptor: Int32) -> Bool {
        let statusFlags = fcntl(descriptor, F_GETFL)
        let descriptorFlags = fcntl(descriptor, F_GETFD)
        guard statusFlags >= 0, descriptorFlags >= 0 else {
            return false
        }
        return fcntl(descriptor, F_SETFL, statusFlags | O_NONBLOCK) == 0
            && fcntl(descriptor, F_SETFD, descriptorFlags | FD_CLOEXEC) == 0
    }
}

/// A pipe whose write end `stop()` uses to wake the loop out of `poll`; Glibc's Swift module
/// exports no `eventfd`.
struct WakeUpPipe {
    let readDescriptor: Int32
    let writeDescriptor: Int32

    static func open() throws(HTTPServerError) -> WakeUpPipe {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw .cannotListen(address: "wake-up pipe", operation: "pipe", errno: errno)
        }
        for descriptor in descriptors {
            _ = ListeningSocket.configureAccepted(descriptor)
        }
        return WakeUpPipe(readDescriptor: descriptors[0], writeDescriptor: descriptors[1])
    }

    /// Writes one byte; a full pipe already guarantees a wake-up, so EAGAIN is ignored.
    func signal() {
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    func drain() {
        var scratch = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &scratch, scratch.count) > 0 {}
    }

    func close() {
        _ = Glibc.close(readDescriptor)
        _ = Glibc.close(writeDescriptor)
    }
}
