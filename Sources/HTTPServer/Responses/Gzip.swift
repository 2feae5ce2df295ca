import CZlib

/// gzip compression (RFC 1952) of a whole body with zlib's deflate.
enum Gzip {
    /// zlib's `windowBits` for a 32 KiB window (`MAX_WBITS`) plus 16, which selects the gzip
    /// wrapper instead of the zlib one.
    private static let gzipWindowBits: Int32 = MAX_WBITS + 16

    /// zlib's default `memLevel` (8), as used by `deflateInit`.
    private static let memoryLevel: Int32 = 8

    /// Compresses `input` at zlib `level` (1 fastest to 9 smallest); returns `nil` if zlib
    /// fails, in which case the caller sends the body uncompressed.
    ///
    /// The output is deterministic: the gzip header carries no file name and a zero
    /// modification time, so a HEAD response's `Content-Length` equals the GET's.
    static func compress(_ input: [UInt8], level: Int32) -> [UInt8]? {
        var stream = z_stream()
        let initialized = deflateInit2_(
            &stream,
            level,
            Z_DEFLATED,
            gzipWindowBits,
            memoryLevel,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        guard initialized == Z_OK else {
            return nil
        }
        defer { deflateEnd(&stream) }

        // deflateBound covers the deflate stream; the gzip header and trailer add 18 bytes.
        let capacity = Int(deflateBound(&stream, uLong(input.count))) + 18
        var output = [UInt8](repeating: 0, count: capacity)

        let result: Int32 = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else {
            return nil
        }

        output.removeLast(Int(stream.avail_out))
        return output
    }
}
