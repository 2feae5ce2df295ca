import Foundation

/// Output and exit status of a finished child process.
struct ProcessResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

/// Runs `executable` with `arguments` and waits for it. Output goes through temporary files,
/// so a child that writes a lot cannot block on a full pipe.
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
    let directory = try TemporaryDirectory("process")
    defer { directory.remove() }
    let outputPath = try directory.write("stdout", "")
    let errorPath = try directory.write("stderr", "")

    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    try process.run()
    process.waitUntilExit()

    return ProcessResult(
        status: process.terminationStatus,
        standardOutput: try String(contentsOfFile: outputPath, encoding: .utf8),
        standardError: try String(contentsOfFile: errorPath, encoding: .utf8)
    )
}

/// Returns the first executable among `candidates`, or nil.
func findExecutable(_ candidates: [String]) -> String? {
    candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}
