import Glibc

/// Destination of a `Logger`'s entries, chosen once when the logger is created.
public enum LogDestination: Sendable, Equatable {
    /// journald's native protocol through `sd_journal_sendv`, with every field.
    case journal

    /// One line per entry on a file descriptor. `levelPrefix` writes `<N>` before the text,
    /// which journald turns into `PRIORITY=N` when the descriptor is a journal stream.
    case standardError(levelPrefix: Bool)

    /// Socket of journald's native protocol.
    public static let journalSocketPath = "/run/systemd/journal/socket"

    /// Chooses the destination for `target`, looking at the environment and at `descriptor`.
    ///
    /// - `.automatic`: the journal when `JOURNAL_STREAM` names `descriptor`'s device and
    ///   inode (systemd connected it to the journal) and the journal socket exists; otherwise
    ///   the descriptor. A terminal or a pipe stays plain text, even on a host with journald.
    /// - `.journal`: the journal whenever its socket exists, since `sd_journal_sendv` returns
    ///   0 and drops the entry when journald is absent.
    /// - `.stderr`: the descriptor.
    ///
    /// Lines on a journal stream get `<N>` prefixes in every case.
    public static func resolve(target: LogTarget, descriptor: Int32) -> LogDestination {
        let isJournalStream = descriptorIsJournalStream(descriptor)
        let journalAvailable = access(journalSocketPath, F_OK) == 0

        switch target {
        case .automatic where isJournalStream && journalAvailable:
            return .journal
        case .journal where journalAvailable:
            return .journal
        default:
            return .standardError(levelPrefix: isJournalStream)
        }
    }

    /// Checks whether `JOURNAL_STREAM=<device>:<inode>` names `descriptor`. systemd sets the
    /// variable for a service whose stdout or stderr it connected to the journal.
    public static func descriptorIsJournalStream(_ descriptor: Int32) -> Bool {
        guard let variable = getenv("JOURNAL_STREAM") else {
            return false
        }
        let parts = String(cString: variable).split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else {
            return false
        }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            return false
        }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}
