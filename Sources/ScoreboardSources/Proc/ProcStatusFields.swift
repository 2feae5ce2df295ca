/// The fields this collector uses from `/proc/<pid>/status`, as documented in proc(5).
///
/// Each line is `Name:<tab>value`. A field the kernel does not print is nil: kernel threads and
/// zombies have no `VmRSS` line, for example.
public struct ProcStatusFields: Sendable, Equatable {
    /// `VmRSS:` converted from kibibytes to bytes.
    public var residentBytes: UInt64?

    /// `Threads:`.
    public var threads: Int?

    /// `voluntary_ctxt_switches:`: times the process gave up the CPU (waiting for I/O, a lock).
    public var voluntaryContextSwitches: UInt64?

    /// `nonvoluntary_ctxt_switches:`: times the scheduler took the CPU away.
    public var involuntaryContextSwitches: UInt64?

    public init(
        residentBytes: UInt64? = nil, threads: Int? = nil,
        voluntaryContextSwitches: UInt64? = nil, involuntaryContextSwitches: UInt64? = nil
    ) {
        self.residentBytes = residentBytes
        self.threads = threads
        self.voluntaryContextSwitches = voluntaryContextSwitches
        self.involuntaryContextSwitches = involuntaryContextSwitches
    }

    enum Key {
        static let residentSize = Array("VmRSS".utf8)
        static let threads = Array("Threads".utf8)
        static let voluntaryContextSwitches = Array("voluntary_ctxt_switches".utf8)
        static let involuntaryContextSwitches = Array("nonvoluntary_ctxt_switches".utf8)
    }

    static let bytesPerKibibyte: UInt64 = 1024

    /// Parses the contents of a status file. Lines that are missing or malformed leave their
    /// field nil; no input traps.
    public init(_ bytes: ArraySlice<UInt8>) {
        self.init()
        var lines = ProcLines(bytes)
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = line[line.startIndex..<colon]

            // The value is the first word after the colon; VmRSS adds a " kB" unit.
            var words = ProcWords(line[(colon + 1)...])
            guard let word = words.next(), let number = ProcNumber.parseUnsigned(word) else { continue }

            if key.elementsEqual(Key.residentSize) {
                let (bytes, overflow) = number.multipliedReportingOverflow(by: Self.bytesPerKibibyte)
                residentBytes = overflow ? nil : bytes
            } else if key.elementsEqual(Key.threads) {
                threads = Int(exactly: number)
            } else if key.elementsEqual(Key.voluntaryContextSwitches) {
                voluntaryContextSwitches = number
            } else if key.elementsEqual(Key.involuntaryContextSwitches) {
                involuntaryContextSwitches = number
            }
        }
    }

    /// Parses status text; convenience for tests.
    public init(_ text: String) {
        self.init(Array(text.utf8)[...])
    }
}
