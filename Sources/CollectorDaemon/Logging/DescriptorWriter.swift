import Glibc

/// Writes text to a file descriptor with write(2), which Swift 6 code uses in place of the
/// `stdout`/`stderr` globals.
enum DescriptorWriter {
    /// Writes all bytes, retrying after EINTR and short writes. Returns false when write(2)
    /// fails, for example EPIPE on a closed pipe or EAGAIN on a full non-blocking one.
    @discardableResult
    static func writeAll(_ text: String, to descriptor: Int32) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += written
            }
            return true
        }
    }
}
