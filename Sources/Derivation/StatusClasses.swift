import ScoreboardSources

/// Worker states as bit masks over `WorkerStatus.index`, so that the census classifies a
/// worker with shifts instead of branches. Worker states in a busy scoreboard follow no
/// pattern, so a branch per class would often be mispredicted.
///
/// The masks are built from `WorkerStatus` itself, so the rules stay written in one place.
struct StatusClasses: Sendable {
    static let shared = StatusClasses()

    /// States mod_status counts as busy (`WorkerStatus.isBusy`).
    let busy: Int
    /// Busy states that can hold a running request: all but keep-alive, which waits between requests.
    let running: Int
    /// `SERVER_READY`.
    let ready: Int

    init() {
        busy = Self.mask { $0.isBusy }
        running = Self.mask { $0.isBusy && $0 != .busyKeepalive }
        ready = Self.mask { $0 == .ready }
    }

    /// 1 when the state with dense index `index` is in `mask`, else 0.
    @inline(__always)
    static func contains(_ mask: Int, _ index: Int) -> Int { (mask &>> index) & 1 }

    private static func mask(_ predicate: (WorkerStatus) -> Bool) -> Int {
        var bits = 0
        for status in WorkerStatus.ordered where predicate(status) { bits |= 1 << status.index }
        return bits
    }
}

/// Worker states of one process row, counted in two interleaved tables: consecutive workers
/// often share a state, and one table would make each increment wait for the previous one.
struct RowHistogram {
    static let capacity = 2 * WorkerStatus.count

    let storage: UnsafeMutableBufferPointer<Int>

    func clear() {
        storage.update(repeating: 0)
    }

    @inline(__always)
    func count(_ index: Int, thread: Int) {
        storage[(thread & 1) * WorkerStatus.count + index] += 1
    }

    /// Workers of the row in the state with dense index `index`.
    subscript(index: Int) -> Int {
        storage[index] + storage[WorkerStatus.count + index]
    }

    /// Workers of the row whose state is in `mask`.
    func total(of mask: Int) -> Int {
        var sum = 0
        for index in 0..<WorkerStatus.count where StatusClasses.contains(mask, index) != 0 { sum += self[index] }
        return sum
    }

    /// Adds the row's counts to the image's per-state table.
    func add(into states: inout WorkerStateCounts) {
        for index in 0..<WorkerStatus.count { states[index] += self[index] }
    }
}
