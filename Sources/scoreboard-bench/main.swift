// Benchmark driver for scripts/bench.sh; prints one `name key=value ...` line per result.
//
//   scoreboard-bench sampling [--processes N] [--threads N] [--samples N] [--runs N] [--loops collector,memcpy]
//   scoreboard-bench live --pid-file PATH [--scoreboard-file PATH] [--samples N] [--pause-ms N] [--label TEXT]
//   scoreboard-bench segment [--processes N] [--threads N] [--seconds N]
//   scoreboard-bench object-name --scoreboard-file PATH    prints the POSIX object APR names for PATH

import Glibc
import ScoreboardSources

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    BenchOutput.fail("missing command: use sampling, live, segment or object-name")
}
let options = BenchArguments(arguments.dropFirst(2))
switch arguments[1] {
case "sampling": SamplingBenchmark.run(options)
case "live": LiveBenchmark.run(options)
case "segment": HeldSegment.run(options)
case "object-name":
    let name = ScoreboardPath.posixObjectName(forScoreboardFile: options.requiredString("scoreboard-file")) + "\n"
    _ = write(STDOUT_FILENO, name, name.utf8.count)
default: BenchOutput.fail("unknown command '\(arguments[1])': use sampling, live, segment or object-name")
}
