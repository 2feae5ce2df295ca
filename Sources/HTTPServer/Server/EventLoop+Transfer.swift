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
                // A short read emptied the socket; poll is level-triggered and reports
                // later data or the end of stream, so another recv would only return EAGAIN.
                if count < readBuffer.count {
                    return
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
            let count = sendPendingOutput(connection)
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

        // Drops the reference to a body that a cache may share.
        connection.outputHead = []
        connection.outputBody = []
        connection.outputOffset = 0
        return true
    }

    /// Sends the rest of the head and the body with one `sendmsg` (a `writev` that accepts
    /// `MSG_NOSIGNAL`) straight from the two arrays, so nothing is copied in user space.
    private func sendPendingOutput(_ connection: Connection) -> Int {
        let offset = connection.outputOffset
        return connection.outputHead.withUnsafeBytes { head in
            connection.outputBody.withUnsafeBytes { body in
                withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { vectors in
                    var used = 0
                    if offset < head.count {
                        vectors[used] = iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress! + offset), iov_len: head.count - offset)
                        used += 1
                    }
                    let bodyOffset = max(0, offset - head.count)
                    if bodyOffset < body.count {
                        vectors[used] = iovec(
                            iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress! + bodyOffset), iov_len: body.count - bodyOffset)
                        used += 1
                    }

                    var message = msghdr()
                    message.msg_iov = vectors.baseAddress
                    message.msg_iovlen = used
                    return sendmsg(connection.descriptor, &message, Int32(MSG_NOSIGNAL))
                }
            }
        }
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
