import Glibc

/// glibc's `mallopt`, looked up at run time because Swift's Glibc module does not import
/// malloc.h.
enum MallocTuning {
    /// `M_MMAP_THRESHOLD` from glibc's malloc.h.
    private static let mmapThresholdOption: Int32 = -3

    /// Threshold the daemon sets: large enough that ordinary allocations stay on the heap,
    /// small enough that a full `/v1/history` body (3.3 MB with 1800 samples) is mapped.
    static let responseBodyThresholdBytes: Int32 = 256 << 10

    /// Serves allocations of `bytes` and more from their own mappings, which `free` returns to
    /// the kernel at once. glibc otherwise raises the threshold after the first large block is
    /// freed, and from then on the heap keeps replaced multi-megabyte bodies resident. After
    /// 10 s of `wrk -c64` on `/v1/history` (glibc 2.36, Debian 12, 2 cores) the collector
    /// stayed at 33.6 MB resident without this and at 19.3 MB with it. Returns false when
    /// `mallopt` is missing or rejects the value.
    @discardableResult
    static func setMmapThreshold(bytes: Int32) -> Bool {
        // A null handle is RTLD_DEFAULT: search the libraries the process already loaded.
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else {
            return false
        }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        return mallopt(mmapThresholdOption, bytes) == 1
    }
}
