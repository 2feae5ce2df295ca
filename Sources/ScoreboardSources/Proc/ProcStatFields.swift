/// The fields this collector uses from one `/proc/<pid>/stat` line, as documented in proc(5).
///
/// The line is `pid (comm) state ppid …`. The command name may contain spaces and parentheses,
/// so parsing splits at the last `)` in the line. The remaining fields are numbered from 3.
public struct ProcStatFields: Sendable, Equatable {
    /// Field 1, `pid`.
    public var pid: Int32

    /// Field 2, `comm`: the executable name without its parentheses, at most 15 bytes in the
    /// kernel. Invalid UTF-8 is replaced with U+FFFD.
    public var command: String

    /// Field 3, `state`: one letter such as R (running), S (sleeping), Z (zombie).
    public var state: Character

    /// Field 4, `ppid`.
    public var parentPID: Int32

    /// Field 14, `utime`: time scheduled in user mode, in clock ticks.
    public var userCPUTicks: UInt64

    /// Field 15, `stime`: time scheduled in kernel mode, in clock ticks.
    public var systemCPUTicks: UInt64

    /// Field 20, `num_threads`.
    public var threads: Int

    /// Field 22, `starttime`: when the process started, in clock ticks after system boot.
    public var startTimeTicks: UInt64

    public init(
        pid: Int32, command: String, state: Character, parentPID: Int32,
        userCPUTicks: UInt64, systemCPUTicks: UInt64, threads: Int, startTimeTicks: UInt64
    ) {
        self.pid = pid
        self.command = command
        self.state = state
        self.parentPID = parentPID
        self.userCPUTicks = userCPUTicks
        self.systemCPUTicks = systemCPUTicks
        self.threads = threads
        self.startTimeTicks = startTimeTicks
    }

    /// Field numbers from proc(5), counted from 1.
    enum Field {
        static let pid = 1
        static let state = 3
        static let parentPID = 4
        static let userCPUTicks = 14
        static let systemCPUTicks = 15
        static let threads = 20
        static let startTimeTicks = 22
        /// The first field after the closing parenthesis of `comm`.
        static let firstAfterCommand = state
    }

    /// Parses the contents of a stat file, or returns nil when any needed field is missing,
    /// not a number or out of range. Never traps, whatever the bytes are.
    public init?(_ bytes: ArraySlice<UInt8>) {
        let openParenthesis = UInt8(ascii: "(")
        let closeParenthesis = UInt8(ascii: ")")

        guard
            let open = bytes.firstIndex(of: openParenthesis),
            let close = bytes.lastIndex(of: closeParenthesis),
            open < close,
            let pid = ProcNumber.parseSigned(ProcNumber.trimmed(bytes[bytes.startIndex..<open])),
            let pid32 = Int32(exactly: pid)
        else { return nil }

        let command = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)

        // Fields after the command, in order: the first word is field 3 (state). The words are
        // scanned in place, so parsing allocates nothing beyond the command string.
        var state: ArraySlice<UInt8>?
        var parentPID: ArraySlice<UInt8>?
        var userTicks: ArraySlice<UInt8>?
        var systemTicks: ArraySlice<UInt8>?
        var threads: ArraySlice<UInt8>?
        var startTicks: ArraySlice<UInt8>?
        var number = Field.firstAfterCommand
        var words = ProcWords(bytes[(close + 1)...])
        while number <= Field.startTimeTicks, let word = words.next() {
            switch number {
            case Field.state: state = word
            case Field.parentPID: parentPID = word
            case Field.userCPUTicks: userTicks = word
            case Field.systemCPUTicks: systemTicks = word
            case Field.threads: threads = word
            case Field.startTimeTicks: startTicks = word
            default: break
            }
            number += 1
        }

        guard
            let state, state.count == 1, let stateByte = state.first,
            let parentPID = parentPID.flatMap(ProcNumber.parseSigned).flatMap({ Int32(exactly: $0) }),
            let userTicks = userTicks.flatMap(ProcNumber.parseUnsigned),
            let systemTicks = systemTicks.flatMap(ProcNumber.parseUnsigned),
            let threads = threads.flatMap(ProcNumber.parseSigned).flatMap({ Int(exactly: $0) }),
            let startTicks = startTicks.flatMap(ProcNumber.parseUnsigned)
        else { return nil }

        self.init(
            pid: pid32,
            command: command,
            state: Character(Unicode.Scalar(stateByte)),
            parentPID: parentPID,
            userCPUTicks: userTicks,
            systemCPUTicks: systemTicks,
            threads: threads,
            startTimeTicks: startTicks
        )
    }

    /// Parses stat text; convenience for tests and callers that already hold a String.
    public init?(_ text: String) {
        self.init(Array(text.utf8)[...])
    }
}
