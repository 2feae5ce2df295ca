import ScoreboardSources

/// `sampling`: time per collector sample of a synthetic scoreboard next to a plain copy of
/// the same bytes into one reused buffer, in alternating order over several runs.
enum SamplingBenchmark {
    static func run(_ arguments: BenchArguments) {
        let serverLimit = arguments.integer("processes", default: 16)
        let threadLimit = arguments.integer("threads", default: 64)
        let samples = arguments.integer("samples", default: 1000)
        let runs = arguments.integer("runs", default: 7)
        let loops = (arguments.string("loops") ?? "collector,memcpy").split(separator: ",").map(String.init)

        let apache = SyntheticApache(serverLimit: serverLimit, threadLimit: threadLimit, tag: "sampling")
        defer { apache.remove() }
        let pipeline = CollectorPipeline(configuration: apache.sourceConfiguration, historyCapacity: 1800)
        let floor = CopyFloor(source: apache.segment.payload, byteCount: apache.segment.payloadSize)

        // Attach and set the baseline before measuring.
        for _ in 0..<3 {
            apache.advance()
            pipeline.collectorSample()
        }
        guard pipeline.lastAvailable else {
            BenchOutput.fail("the collector could not read the synthetic scoreboard: \(pipeline.lastProblem ?? "unknown reason")")
        }

        for run in 1...runs {
            var fields: [(String, String)] = [
                ("processes", String(serverLimit)), ("threads", String(threadLimit)),
                ("bytes", String(apache.segment.payloadSize)), ("run", String(run)),
            ]
            let order = run % 2 == 1 ? loops : loops.reversed()
            for loop in order {
                var times = SampleTimes()
                for _ in 0..<samples {
                    apache.advance()
                    switch loop {
                    case "collector": times.measure { pipeline.collectorSample() }
                    case "memcpy": times.measure { floor.copy() }
                    default: BenchOutput.fail("invalid --loops entry '\(loop)': use collector or memcpy")
                    }
                }
                fields.append(("\(loop)_median_ns", formatted(times.median)))
                fields.append(("\(loop)_mean_ns", formatted(times.mean)))
            }
            BenchOutput.record("sampling", fields)
        }
    }
}

/// The physical floor of a sample: one memcpy of the payload into the same buffer every time.
final class CopyFloor {
    private let source: UnsafeMutableRawPointer
    private let byteCount: Int
    private let buffer: UnsafeMutableRawPointer

    init(source: UnsafeMutableRawPointer, byteCount: Int) {
        self.source = source
        self.byteCount = byteCount
        buffer = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 64)
        buffer.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
    }

    deinit { buffer.deallocate() }

    /// Copies the payload once; not inlined so that callgrind's `--toggle-collect` can select it.
    @inline(never)
    func copy() {
        buffer.copyMemory(from: source, byteCount: byteCount)
    }
}
