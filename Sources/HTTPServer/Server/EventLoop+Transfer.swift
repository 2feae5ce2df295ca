import Glibc

/// Moving bytes between the sockets and a connection's buffers.
extension EventLoop {
    /// Reads what the socket has, up to the input limit. While lingering, input is discarded.
    func receive(on connection: Connection) {
        while connection.isLingering || connection.bufferedInputBytes < inputLimitBytes {
            let count = readBuffer.withUnsafeMutableBytes { buffer in
                recv(connection.descriptor, buffer.baseAddress, buffer.count, 0)
            }
            if count > 0 {
                connection.lastActivity = clock.now
                if !connection.isLingering {
                    connection.input.append(contentsOf: readBuffer[0..<count])
                }
                continue
            }
            if count == 0 {
                connection.peerClosed = true
                if connection.isLingering {
                    connection.close()
                }
                return
            }

            switch errno {
            case EAGAIN, EWOULDBLOCK:
                return
            case EINTR:
                continue
            default:
                // ECONNRESET and the like: the client is gone, so no response can reach it.
                connection.close()
                return
            }
        }
    }

    /// Sends pending output until done or the socket is full. Closes the connection and
    /// returns false when the client is gone, for instance after it disconnected mid-response.
    func flush(_ connection: Connection) -> Bool {
        while connection.hasPendingOutput {
            let offset = connection.outputOffset
            let count = connection.output.withUnsafeBytes { buffer in
                send(connection.descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                connection.outputOffset += count
                connection.lastActivity = clock.now
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return true
            }
            if count < 0 && errno == EINTR {
                continue
            }
            connection.close()
            return false
        }

        connection.output.removeAll(keepingCapacity: false)
        connection.outputOffset = 0
        return true
    }

    /// Ends a connection whose last response is sent: shuts down the write side and lingers
    /// to drain input, or closes at once when the client has already closed its side.
    func finish(_ connection: Connection) {
        if connection.peerClosed {
            connection.close()
            return
        }
        shutdown(connection.descriptor, Int32(SHUT_WR))
        connection.input.removeAll()
        connection.inputStart = 0
        connection.phase = .lingering(until: clock.now + lingerTime)
    }
}
