/// Turning buffered input into requests and requests into queued responses.
extension EventLoop {
    /// Responds to every complete request in the connection's input, one at a time and in order.
    /// The next request is parsed only once the previous response is fully sent, so pipelined
    /// responses keep their order and the output buffer contains at most one response.
    func advance(_ connection: Connection) {
        while !connection.isClosed {
            if connection.hasPendingOutput {
                guard flush(connection), !connection.hasPendingOutput else {
                    return
                }
            }
            if connection.closeAfterOutput {
                if !connection.isLingering {
                    finish(connection)
                }
                return
            }

            switch connection.phase {
            case .lingering:
                return
            case .awaitingHead:
                guard readHead(on: connection) else {
                    return
                }
            case .readingBody(let head, var body, let headCompletedAt):
                let take = min(head.contentLength - body.count, connection.bufferedInputBytes)
                body.append(contentsOf: connection.input[connection.inputStart..<(connection.inputStart + take)])
                connection.inputStart += take
                connection.compactInput()

                guard body.count == head.contentLength else {
                    connection.phase = .readingBody(head, body: body, headCompletedAt: headCompletedAt)
                    if connection.peerClosed {
                        connection.close()
                    }
                    return
                }
                connection.phase = .awaitingHead
                dispatch(head, body: body, on: connection, startedAt: headCompletedAt)
            }
        }
    }

    /// Looks for a complete head and acts on it; returns false when more input is needed.
    private func readHead(on connection: Connection) -> Bool {
        // RFC 9112 2.2: a server should ignore empty lines received before a request line.
        if connection.headStartedAt == nil {
            while connection.bufferedInputBytes >= 2
                && connection.input[connection.inputStart] == HTTPSyntax.carriageReturn
                && connection.input[connection.inputStart + 1] == HTTPSyntax.lineFeed {
                connection.inputStart += 2
            }
            connection.compactInput()

            // A lone CR may be the first half of another empty line; wait for the next byte.
            if connection.bufferedInputBytes == 1 && connection.input[connection.inputStart] == HTTPSyntax.carriageReturn {
                if connection.peerClosed {
                    connection.close()
                }
                return false
            }
        }

        guard connection.bufferedInputBytes > 0 else {
            if connection.peerClosed {
                connection.close()
            }
            return false
        }
        let now = clock.now
        if connection.headStartedAt == nil {
            connection.headStartedAt = now
        }

        switch connection.scanner.scan(connection.input, start: connection.inputStart, end: connection.input.count) {
        case .incomplete:
            if connection.peerClosed {
                connection.close()
            }
            return false
        case .rejected(let error):
            queueRejection(.error(error), on: connection, startedAt: now)
            return true
        case .complete(let end):
            let bytes = connection.input[connection.inputStart..<end]
            connection.inputStart = end
            connection.scanner.reset()
            connection.headStartedAt = nil

            let head: RequestHead
            do {
                head = try parser.parse(bytes)
            } catch {
                connection.compactInput()
                queueRejection(.error(error), on: connection, startedAt: now)
                return true
            }
            connection.compactInput()

            if head.contentLength > 0 {
                connection.phase = .readingBody(head, body: [], headCompletedAt: now)
                if head.expectsContinue && connection.bufferedInputBytes < head.contentLength {
                    connection.queueOutput(head: ResponseSerializer.continueResponse)
                }
            } else {
                dispatch(head, body: [], on: connection, startedAt: now)
            }
            return true
        }
    }

    /// Routes a complete request and queues its response.
    private func dispatch(_ head: RequestHead, body: [UInt8], on connection: Connection, startedAt: ContinuousClock.Instant) {
        let request = HTTPRequest(
            method: head.method,
            target: head.target,
            path: head.path,
            query: head.query,
            headers: head.headers,
            version: head.version,
            body: body,
            remoteAddress: connection.remoteAddress
        )
        let response = respond(to: request)

        let context = ResponseContext(
            isHead: head.method == "HEAD",
            allowsGzip: AcceptEncoding.allowsGzip(head.values(of: "accept-encoding")),
            keepAlive: head.keepAlive,
            version: head.version
        )
        let serialized = serializer.serialize(response, context: context, date: dateCache.now())
        connection.queueOutput(head: serialized.head, body: serialized.body)
        connection.closeAfterOutput = !head.keepAlive

        onRequest?(HTTPRequestLogEntry(
            remoteAddress: connection.remoteAddress,
            method: head.method,
            target: head.target,
            status: response.status,
            bodyBytes: serialized.bodyBytes,
            duration: clock.now - startedAt
        ))
    }

    private func respond(to request: HTTPRequest) -> HTTPResponse {
        if request.path == "*" {
            return HTTPResponse(status: 204, contentType: "", body: [])
        }

        switch router.resolve(method: request.method, path: request.path) {
        case .handler(let handler):
            do {
                return try handler(request)
            } catch let error as HTTPError {
                return .error(error)
            } catch {
                onError?("handler for \(request.method) \(request.path) failed: \(error)")
                return .error(.internalError("handler for \(request.path) failed: \(error); see the server log"))
            }
        case .options(let allow):
            return HTTPResponse(status: 204, contentType: "", body: [], headers: [(name: "Allow", value: allow)])
        case .failure(let error, let allow):
            var response = HTTPResponse.error(error)
            if let allow {
                response.headers.append((name: "Allow", value: allow))
            }
            return response
        }
    }

    /// Queues a response after which the connection closes: a request the parser rejected,
    /// or a connection over the cap.
    func queueRejection(_ response: HTTPResponse, on connection: Connection, startedAt: ContinuousClock.Instant) {
        let context = ResponseContext(isHead: false, allowsGzip: false, keepAlive: false, version: .http1_1)
        let serialized = serializer.serialize(response, context: context, date: dateCache.now())
        connection.queueOutput(head: serialized.head, body: serialized.body)
        connection.closeAfterOutput = true

        onRequest?(HTTPRequestLogEntry(
            remoteAddress: connection.remoteAddress,
            method: nil,
            target: nil,
            status: response.status,
            bodyBytes: serialized.bodyBytes,
            duration: clock.now - startedAt
        ))
    }
}
