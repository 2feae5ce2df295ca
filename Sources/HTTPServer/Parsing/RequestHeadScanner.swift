/// Result of looking for the end of a request head in buffered bytes.
enum RequestHeadScan: Equatable {
    case incomplete

    /// The head ends just before `end`, an index past its closing blank line.
    case complete(end: Int)

    case rejected(HTTPError)
}

/// Finds the blank line that ends a request head, enforcing the size limits while bytes
/// arrive, so an oversized head is rejected without waiting for its end.
///
/// Lines must end with CRLF: a bare LF is rejected with a 400 (RFC 9112 2.2 allows either
/// choice), because a lenient reading invites request smuggling behind proxies that differ.
struct RequestHeadScanner {
    /// Bytes allowed in the request line besides the target: method, two spaces and version.
    static let requestLineOverheadBytes = 64

    private let maxHeaderBytes: Int
    private let maxRequestLineBytes: Int

    /// Offset from the head's start up to which bytes are already checked.
    private var scannedBytes = 0
    private var requestLineComplete = false

    init(maxHeaderBytes: Int, maxRequestTargetBytes: Int) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxRequestLineBytes = maxRequestTargetBytes + Self.requestLineOverheadBytes
    }

    /// Forgets the progress of the previous head; call when a new head starts.
    mutating func reset() {
        scannedBytes = 0
        requestLineComplete = false
    }

    /// Scans `buffer[start..<end]`, where `start` is the first byte of the head.
    mutating func scan(_ buffer: [UInt8], start: Int, end: Int) -> RequestHeadScan {
        var index = start + scannedBytes
        while index < end {
            if buffer[index] == HTTPSyntax.lineFeed {
                guard index > start, buffer[index - 1] == HTTPSyntax.carriageReturn else {
                    return .rejected(.badRequest(
                        "request line or header field ends with a bare LF: end every line with CRLF",
                        code: "bare_line_feed"
                    ))
                }
                if !requestLineComplete {
                    requestLineComplete = true
                    if index - 1 - start > maxRequestLineBytes {
                        return .rejected(requestLineTooLong)
                    }
                }
                if index - start >= 3 && buffer[index - 2] == HTTPSyntax.lineFeed {
                    let length = index + 1 - start
                    return length > maxHeaderBytes ? .rejected(headTooLarge) : .complete(end: index + 1)
                }
            }
            index += 1
        }
        scannedBytes = end - start

        if !requestLineComplete && scannedBytes > maxRequestLineBytes {
            return .rejected(requestLineTooLong)
        }
        if scannedBytes > maxHeaderBytes {
            return .rejected(headTooLarge)
        }
        return .incomplete
    }

    private var requestLineTooLong: HTTPError {
        HTTPError(
            status: 414,
            code: "uri_too_long",
            message: "request line exceeds \(maxRequestLineBytes) bytes: shorten the request-target"
        )
    }

    private var headTooLarge: HTTPError {
        HTTPError(
            status: 431,
            code: "header_fields_too_large",
            message: "request head exceeds \(maxHeaderBytes) bytes: send fewer or shorter header fields"
        )
    }
}
