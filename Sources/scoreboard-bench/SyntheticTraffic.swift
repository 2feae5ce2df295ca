import CScoreboard
import ScoreboardSources

/// Plays Apache's part on a synthetic scoreboard: live processes, workers in mixed states and
/// counters that move between samples, written in place into the shared segment.
struct SyntheticTraffic {
    /// Share of worker records a step changes, as 1 in `changeStride`.
    static let changeStride = 8
    static let firstPID: Int32 = 400_000

    let serverLimit: Int
    let threadLimit: Int
    private var layout: sc_layout
    private var workers: [sc_worker_score]
    private var nextSlot = 0
    private var step: UInt64 = 0

    /// Fills a board of `serverLimit` × `threadLimit` with the record layout of httpd 2.4.36 – 2.4.71.
    init(serverLimit: Int, threadLimit: Int) {
        self.serverLimit = serverLimit
        self.threadLimit = threadLimit
        layout = sc_layout()
        guard sc_layout_make(Int32(LayoutGroup.l5l6.rawValue), Int32(serverLimit), Int32(threadLimit), &layout) == 0 else {
            BenchOutput.fail("invalid scoreboard size \(serverLimit)×\(threadLimit)")
        }
        workers = []
        workers.reserveCapacity(serverLimit * threadLimit)
        let now = Clocks.wallMicroseconds()
        for slot in 0..<(serverLimit * threadLimit) {
            var worker = sc_worker_score()
            worker.thread_num = Int32(slot)
            worker.pid = Self.firstPID + Int32(slot / threadLimit)
            worker.generation = 1
            worker.status = Self.initialStatus(slot).rawValue
            worker.access_count = UInt64(100 + slot % 977)
            worker.bytes_served = worker.access_count * 5_000
            worker.my_access_count = worker.access_count
            worker.my_bytes_served = worker.bytes_served
            worker.start_time = now - 2_000_000
            worker.stop_time = worker.status == WorkerStatus.busyWrite.rawValue ? now - 3_000_000 : now - 1_900_000
            worker.last_used = now - 1_900_000
            worker.duration = Int64(worker.access_count) * 900
            workers.append(worker)
        }
    }

    /// The segment bytes to create the shared object with, size header included.
    func initialBytes() -> [UInt8] {
        var board = SyntheticScoreboard(layout: ScoreboardLayout(group: .l5l6, serverLimit: serverLimit, threadLimit: threadLimit)!)
        board.setGlobal(runningGeneration: 1, restartTime: Clocks.wallMicroseconds() - 3_600_000_000)
        for process in 0..<serverLimit {
            board.setProcess(process, pid: Self.firstPID + Int32(process), generation: 1, connections: 12, keepAlive: 4)
        }
        var bytes = board.bytesWithSizeHeader
        bytes.withUnsafeMutableBytes { buffer in
            let payload = buffer.baseAddress! + Int(SC_APR_SIZE_HEADER)
            var layout = self.layout
            for slot in 0..<workers.count {
                var worker = workers[slot]
                sc_write_worker(payload, &layout, Int32(slot / threadLimit), Int32(slot % threadLimit), &worker)
            }
        }
        return bytes
    }

    /// Completes a request on one worker in `changeStride`, rotating, as a busy server does
    /// between two samples: counters grow, times move, states change.
    mutating func advance(payload: UnsafeMutableRawPointer) {
        step += 1
        let now = Clocks.wallMicroseconds()
        let changes = max(1, workers.count / Self.changeStride)
        for _ in 0..<changes {
            let slot = nextSlot
            nextSlot = (nextSlot + 1) % workers.count
            var worker = workers[slot]
            guard worker.status != WorkerStatus.dead.rawValue else { continue }

            let requests = UInt64(1 + (slot + Int(step)) % 3)
            let elapsed = Int64(400 + (slot * 37 + Int(step)) % 4_000)
            worker.access_count += requests
            worker.my_access_count += requests
            worker.bytes_served += requests * 5_120
            worker.my_bytes_served += requests * 5_120
            worker.duration += elapsed * Int64(requests)
            worker.start_time = now - elapsed
            worker.stop_time = now
            worker.last_used = now
            worker.status = Self.rotatingStatus(slot &+ Int(step)).rawValue
            workers[slot] = worker
            sc_write_worker(payload, &layout, Int32(slot / threadLimit), Int32(slot % threadLimit), &worker)
        }
    }

    /// About 10 % of slots never started a thread; the rest mix idle and busy states.
    private static func initialStatus(_ slot: Int) -> WorkerStatus {
        slot % 10 == 9 ? .dead : rotatingStatus(slot)
    }

    private static func rotatingStatus(_ seed: Int) -> WorkerStatus {
        let mix: [WorkerStatus] = [.ready, .ready, .ready, .ready, .busyKeepalive, .busyKeepalive, .busyWrite, .busyWrite, .busyRead, .busyLog, .closing, .ready]
        return mix[seed % mix.count]
    }
}
