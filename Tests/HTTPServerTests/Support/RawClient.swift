import Foundation
import Glibc

/// A parsed HTTP response.
struct RawResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name == name.lowercased() }?.value
    }

    func headerValues(_ name: String) -> [String] {
        headers.filter { $0.name == name.lowercased() }.map(\.value)
    }

    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

enum RawClientError: Error, CustomStringConvertible {
    case system(String, Int32)
    case closedEarly(received: Int)
    case malformed(String)

    var description: String {
        switch self {
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .closedEarly(let received): "connection closed after \(received) bytes, before a full response"
        case .malformed(let text): "malformed response: \(text)"
        }
    }
}

/// A blocking TCP client on a raw socket, for sending exact bytes to the server.
///
/// Reads time out after `receiveTimeoutSeconds`, so a server that never responds fails the
/// test instead of hanging it.
final class RawClient {
    static let receiveTimeoutSeconds = 5

    let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to 127.0.0.1:`port`; `receiveBufferBytes` sets SO_RCVBUF before connecting,
    /// which bounds the TCP window the server may fill.
    init(port: UInt16, receiveBufferBytes: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else {
            throw RawClientError.system("socket", errno)
        }

        var timeout = timeval(tv_sec: Self.receiveTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))

        if var receiveBufferBytes {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBufferBytes, socklen_t(MemoryLayout<Int32>.size))
        }

        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw RawClientError.system("connect", code)
        }
    }

    private var isOpen = true

    deinit {
        close()
    }

    func close() {
        if isOpen {
            isOpen = false
            Glibc.close(descriptor)
        }
    }

    func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else {
                throw RawClientError.system("send", errno)
            }
            offset += count
        }
    }

    /// Reads one chunk into the buffer; returns false at end of stream.
    private func fill(maxBytes: Int = 65536) throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: maxBytes)
        let count = recv(descriptor, &chunk, chunk.count, 0)
        if count < 0 {
            throw RawClientError.system("recv", errno)
        }
        buffer.append(contentsOf: chunk[0..<count])
        return count > 0
    }

    /// Reads one response; `expectBody` is false for responses to HEAD.
    func readResponse(expectBody: Bool = true, chunkBytes: Int = 65536, pauseMicroseconds: UInt32 = 0) throws -> RawResponse {
        let separator = Array("\r\n\r\n".utf8)
        var headEnd: Int? = nil
        while headEnd == nil {
            headEnd = buffer.firstRange(of: separator)?.upperBound
            if headEnd == nil, try !fill() {
                throw RawClientError.closedEarly(received: buffer.count)
            }
        }

        let headText = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst()
        let statusParts = statusLine.split(separator: " ", maxSplits: 2)
        guard statusParts.count >= 2, statusParts[0] == "HTTP/1.1", let status = Int(statusParts[1]) else {
            throw RawClientError.malformed(statusLine)
        }
        let headers = lines.map { line -> (name: String, value: String) in
            let parts = line.split(separator: ":", maxSplits: 1)
            return (name: parts[0].lowercased(), value: parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
        }
        buffer.removeFirst(headEnd!)

        var response = RawResponse(status: status, headers: headers, body: [])
        let length = expectBody && status != 204 && status != 100 ? Int(response.header("content-length") ?? "0") ?? 0 : 0
        while buffer.count < length {
            if pauseMicroseconds > 0 {
                usleep(pauseMicroseconds)
            }
            if try !fill(maxBytes: chunkBytes) {
                throw RawClientError.closedEarly(received: buffer.count)
            }
        }
        response.body = Array(buffer[0..<length])
        buffer.removeFirst(length)
        return response
    }

    /// Returns true when the server has closed the connection, after discarding any bytes
    /// still in flight; a receive timeout throws.
    func readsEndOfStream() throws -> Bool {
        buffer.removeAll()
        while try fill() {
            buffer.removeAll()
        }
        return true
    }

    /// Returns the bytes the server sends until it closes the connection.
    func readUntilClosed() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }
}

/// One request with a fresh connection; returns the response.
func rawExchange(port: UInt16, _ request: String, expectBody: Bool = true) throws -> RawResponse {
    let client = try RawClient(port: port)
    try client.send(request)
    return try client.readResponse(expectBody: expectBody)
}

/// Returns the JSON error object of an error response, decoded with Foundation.
func errorObject(_ response: RawResponse) throws -> [String: Any] {
    let document = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    guard let error = document?["error"] as? [String: Any] else {
        throw RawClientError.malformed("no error object in \(response.bodyText)")
    }
    return error
}
