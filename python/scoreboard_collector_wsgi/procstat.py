"""Process identity from /proc: pid plus start time, so a reused pid is not mistaken for its
predecessor."""

# Fields of /proc/<pid>/stat after the ")" that closes the command name start at field 3 (state);
# field 22 is starttime, in clock ticks after boot.
_START_TIME_INDEX_AFTER_COMMAND = 22 - 3


def process_start_time(pid):
    """Return field 22 of /proc/<pid>/stat, or None when the process does not exist."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as stat_file:
            content = stat_file.read()
    except OSError:
        return None
    fields = content[content.rfind(b")") + 2:].split()
    if len(fields) <= _START_TIME_INDEX_AFTER_COMMAND:
        return None
    return int(fields[_START_TIME_INDEX_AFTER_COMMAND])
