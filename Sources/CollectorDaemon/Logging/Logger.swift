import Glibc
import Synchronization

/// The daemon's logger: structured journal entries under systemd, leveled lines on stderr
/// otherwise. Safe to call from any thread.
///
/// ```swift
/// let logger = Logger(options: options)
/// logger.log(.warning, "cannot attach to the scoreboard",
///            fields: ["SCOREBOARD_PATH": path, "ERRNO": "\(code)"],
///            rateLimitKey: "attach:\(path)")
/// ```
///
/// Journal entries carry `MESSAGE`, `PRIORITY`, `SYSLOG_IDENTIFIER`, `CODE_FILE`,
/// `CODE_LINE`, `CODE_FUNC`, every field given (names normalized to journal field names)
/// and, after left-out repeats, `SUPPRESSED_REPEATS`. A stderr line reads
/// `warning: cannot attach to the scoreboard errno=13 scoreboard_path=/dev/shm/x`, or
/// `<4>cannot attach …` when stderr is a journal stream.
public final class Logger: Sendable {
    /// Destination of the entries, which `LogDestination.resolve(target:descriptor:)` chose at creation.
    public let destination: LogDestination

    /// Value of `SYSLOG_IDENTIFIER`.
    public let identifier: String

    private let descriptor: Int32
    private let descriptorIsJournalStream: Bool
    private let levelValue: Atomic<Int>
    private let suppressor: Mutex<RepeatSuppressor>
    private let monotonicNow: @Sendable () -> Duration

    /// Creates a logger.
    ///
    /// - Parameters:
    ///   - level: lowest priority written; change it later with `setLevel(_:)`.
    ///   - target: destination rule; `.automatic` follows systemd's `JOURNAL_STREAM`.
    ///   - repeatIntervalSeconds: minimum time between two entries with one rate-limit key.
    ///   - descriptor: where lines go when the journal is not used; stderr by default.
    ///   - monotonicNow: clock for rate limiting; CLOCK_MONOTONIC by default.
    public init(
        level: LogLevel = .info,
        target: LogTarget = .automatic,
        repeatIntervalSeconds: Double = 60,
        identifier: String = CollectorVersion.programName,
        descriptor: Int32 = STDERR_FILENO,
        monotonicNow: @escaping @Sendable () -> Duration = MonotonicClock.now
    ) {
        self.destination = LogDestination.resolve(target: target, descriptor: descriptor)
        self.identifier = identifier
        self.descriptor = descriptor
        self.descriptorIsJournalStream = LogDestination.descriptorIsJournalStream(descriptor)
        self.levelValue = Atomic(level.rawValue)
        self.suppressor = Mutex(RepeatSuppressor(interval: .seconds(repeatIntervalSeconds)))
        self.monotonicNow = monotonicNow
    }

    /// Creates a logger with the level, target and repeat interval of `options`.
    public convenience init(options: CollectorOptions) {
        self.init(
            level: options.logLevel, target: options.logTarget,
            repeatIntervalSeconds: options.logRepeatIntervalSeconds
        )
    }

    /// Lowest priority written.
    public var level: LogLevel {
        LogLevel(rawValue: levelValue.load(ordering: .relaxed)) ?? .info
    }

    public func setLevel(_ level: LogLevel) {
        levelValue.store(level.rawValue, ordering: .relaxed)
    }

    public func setRepeatInterval(seconds: Double) {
        suppressor.withLock { $0.interval = .seconds(seconds) }
    }

    /// Takes the level and repeat interval of reloaded options; the target stays as chosen
    /// at start.
    public func apply(_ options: CollectorOptions) {
        setLevel(options.logLevel)
        setRepeatInterval(seconds: options.logRepeatIntervalSeconds)
    }

    /// Whether an entry at `level` would be written.
    public func isEnabled(_ level: LogLevel) -> Bool {
        level.rawValue <= levelValue.load(ordering: .relaxed)
    }

    /// Writes one entry unless `level` is filtered out or `rateLimitKey` was written less
    /// than the repeat interval ago.
    ///
    /// - Parameters:
    ///   - fields: extra journal fields such as `SCOREBOARD_PATH`, `APACHE_PID`, `ERRNO`,
    ///     `MECHANISM` or `SOURCE`; on stderr they follow the message as `key=value`.
    ///   - rateLimitKey: identifies a recurring condition, such as `attach:/dev/shm/ShM.x`;
    ///     the entry after left-out repeats ends with `(repeated N times since last logged)`.
    public func log(
        _ level: LogLevel,
        _ message: @autoclosure () -> String,
        fields: [String: String] = [:],
        rateLimitKey: String? = nil,
        file: String = #fileID,
        line: UInt = #line,
        function: String = #function
    ) {
        guard isEnabled(level) else { return }

        var suppressedRepeats = 0
        if let rateLimitKey {
            let now = monotonicNow()
            switch suppressor.withLock({ $0.decide(key: rateLimitKey, now: now) }) {
            case .suppress:
                return
            case .write(let count):
                suppressedRepeats = count
            }
        }

        var text = message()
        if suppressedRepeats > 0 {
            let times = suppressedRepeats == 1 ? "time" : "times"
            text += " (repeated \(suppressedRepeats) \(times) since last logged)"
        }
        let source = SourceLocation(file: file, line: line, function: function)
        write(level: level, message: text, fields: fields, suppressedRepeats: suppressedRepeats, source: source)
    }

    /// Forgets the repeats of `key`, for example when the condition cleared, so the next
    /// entry with it is written at once. Returns the repeats that were left out.
    @discardableResult
    public func resetRepeats(forKey key: String) -> Int {
        suppressor.withLock { $0.reset(key: key) }
    }

    /// Repeats of `key` left out since its last entry.
    public func suppressedRepeats(forKey key: String) -> Int {
        suppressor.withLock { $0.suppressedRepeats(key: key) }
    }

    private struct SourceLocation {
        var file: String
        var line: UInt
        var function: String
    }

    private func write(
        level: LogLevel, message: String, fields: [String: String], suppressedRepeats: Int, source: SourceLocation
    ) {
        var allFields = fields
        if suppressedRepeats > 0 {
            allFields["SUPPRESSED_REPEATS"] = String(suppressedRepeats)
        }

        switch destination {
        case .journal:
            var entry = JournalEntry()
            entry.append("MESSAGE", message)
            entry.append("PRIORITY", String(level.rawValue))
            entry.append("SYSLOG_IDENTIFIER", identifier)
            entry.append("CODE_FILE", source.file)
            entry.append("CODE_LINE", String(source.line))
            entry.append("CODE_FUNC", source.function)
            for (name, value) in allFields.sorted(by: { $0.key < $1.key }) {
                entry.append(name, value)
            }
            if entry.send() < 0 {
                // The socket exists but the send failed (journald restarting, buffer full):
                // keep the entry on stderr rather than lose it.
                writeLine(
                    LogLineFormatter.line(
                        level: level, message: message, fields: allFields, levelPrefix: descriptorIsJournalStream
                    )
                )
            }

        case .standardError(let levelPrefix):
            writeLine(LogLineFormatter.line(level: level, message: message, fields: allFields, levelPrefix: levelPrefix))
        }
    }

    private func writeLine(_ line: String) {
        // One write(2) per line, so lines from different threads do not interleave on a
        // pipe as long as a line fits in PIPE_BUF (4096 bytes on Linux).
        DescriptorWriter.writeAll(line, to: descriptor)
    }
}
