import Foundation
import Synchronization

/// Output of a finished child process.
struct ToolResult {
    var status: Int32
    var output: [UInt8]
    var errorOutput: String

    var outputText: String { String(decoding: output, as: UTF8.self) }
}

/// Runs `executable` with `arguments`, feeding `input` on stdin, and waits for it.
func runTool(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> ToolResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments

    let standardInput = Pipe()
    let standardOutput = Pipe()
    let standardError = Pipe()
    process.standardInput = standardInput
    process.standardOutput = standardOutput
    process.standardError = standardError
    try process.run()

    // Writing and reading on separate threads keeps a large input or output from filling a
    // pipe and blocking both sides.
    let writer = Thread { [input] in
        standardInput.fileHandleForWriting.write(Data(input))
        try? standardInput.fileHandleForWriting.close()
    }
    writer.start()
    let errorData = CollectedData()
    let errorDone = DispatchSemaphore(value: 0)
    Thread {
        errorData.store(standardError.fileHandleForReading.readDataToEndOfFile())
        errorDone.signal()
    }.start()

    let output = standardOutput.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    errorDone.wait()
    return ToolResult(
        status: process.terminationStatus,
        output: Array(output),
        errorOutput: String(decoding: errorData.load(), as: UTF8.self)
    )
}

/// Decompresses gzip data with Debian's `gzip -dc`.
func gunzip(_ data: [UInt8]) throws -> [UInt8] {
    let result = try runTool("/usr/bin/gzip", ["-dc"], input: data)
    guard result.status == 0 else {
        throw RawClientError.malformed("gzip -dc failed with status \(result.status): \(result.errorOutput)")
    }
    return result.output
}

/// Bytes that one thread collects and another reads afterwards.
final class CollectedData: Sendable {
    private let data = Mutex(Data())

    func store(_ value: Data) {
        data.withLock { $0 = value }
    }

    func load() -> Data {
        data.withLock { $0 }
    }
}
