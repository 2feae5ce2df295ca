extension HTTPResponse {
    /// Gzips `body` now, at the level the server used for `previous`, if the server has
    /// already gzipped `previous`'s body; otherwise does nothing.
    ///
    /// A cache that replaces `previous` with this response calls it on its own thread, so the
    /// first gzip request for the new response does not wait for zlib on the server's thread.
    public func precompress(like previous: HTTPResponse) {
        guard isCompressible, let level = previous.compressedBody.level else {
            return
        }
        _ = compressedBody.gzipped(body, level: level)
    }
}
