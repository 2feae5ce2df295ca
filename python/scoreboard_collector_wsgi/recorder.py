"""The per-process recorder: counters, histograms, thread records, fork and failure handling.

Every public method catches its own failures, logs each kind once on the logger
`scoreboard_collector_wsgi` and returns normally, so nothing reaches the application.
"""

import bisect
import collections
import os
import threading
import time
import weakref

from . import errors, layout
from .histogram import BUCKET_OF_SMALL_INTEGER, FIRST_INTEGERS, SMALL_INTEGER_LIMIT, UNDERFLOW_BUCKET
from .procstat import process_start_time
from .segment import ProcessIdentity, Segment, remove_stale_segments
from .timing import phases_of_stamps, read_stamp_values

DEFAULT_DIRECTORY = "/run/scoreboard-collector/wsgi"
DIRECTORY_VARIABLE = "SCOREBOARD_WSGI_DIR"
THREADS_VARIABLE = "SCOREBOARD_WSGI_THREADS"
RECORD_PATHS_VARIABLE = "SCOREBOARD_WSGI_RECORD_PATHS"
# Thread records when neither the argument, the variable nor mod_wsgi gives a thread count.
DEFAULT_THREAD_RECORDS = 64

# After a failed segment creation the writer tries again no sooner than this.
RETRY_INTERVAL_SECONDS = 60.0
# Minimum interval between checks that the segment file was not deleted or replaced.
FILE_CHECK_INTERVAL_SECONDS = 1.0
_MAX_U64 = (1 << 64) - 1

_C = layout.COUNTER_INDEX
_STATUS_COUNTER = {
    1: _C["status_1xx"], 2: _C["status_2xx"], 3: _C["status_3xx"], 4: _C["status_4xx"], 5: _C["status_5xx"],
}
_STATUS_5XX = _C["status_5xx"]
_STATUS_OTHER = _C["status_other"]
_REQUESTS = _C["requests"]
_EXCEPTIONS = _C["exceptions"]
_MALFORMED_TIMESTAMPS = _C["malformed_timestamps"]
_REQUESTS_WITHOUT_THREAD_RECORD = _C["requests_without_thread_record"]
_BYTES_IN = _C["bytes_in"]
_BYTES_OUT = _C["bytes_out"]
_APPLICATION_US_SUM = _C["application_us_sum"]
_APPLICATION_COUNT = _C["application_count"]
_TOTAL_US_SUM = _C["total_us_sum"]
_TOTAL_COUNT = _C["total_count"]
_NEGATIVE_SERVER = _C["negative_server"]
_NEGATIVE_QUEUE = _C["negative_queue"]
_NEGATIVE_DAEMON = _C["negative_daemon"]
_SERVER_US_SUM = _C["server_us_sum"]
_SERVER_COUNT = _C["server_count"]
_QUEUE_US_SUM = _C["queue_us_sum"]
_QUEUE_COUNT = _C["queue_count"]
_DAEMON_US_SUM = _C["daemon_us_sum"]
_DAEMON_COUNT = _C["daemon_count"]
_APPLICATION, _QUEUE, _TOTAL = 0, 1, 2
_NANOSECONDS_PER_SECOND = 1_000_000_000

# Per-request clock and bucket functions and tables, bound once. The bucket of an integer µs value
# is the number of bucket boundaries at or below it (see histogram.bucket_index).
_monotonic_ns = time.monotonic_ns
_time_ns = time.time_ns
_bisect_right = bisect.bisect_right
_FIRST_INTEGERS = FIRST_INTEGERS
_BUCKET_OF_SMALL_INTEGER = BUCKET_OF_SMALL_INTEGER
_SMALL_INTEGER_LIMIT = SMALL_INTEGER_LIMIT
_UNDERFLOW_BUCKET = UNDERFLOW_BUCKET

_recorders = weakref.WeakSet()


class ProcessInfo:
    """Mode, group names and configured capacity of the process, as mod_wsgi reports them."""

    __slots__ = ("mode", "configured_processes", "configured_threads", "process_group", "application_group")

    def __init__(self, mode=layout.MODE_NONE, configured_processes=0, configured_threads=0,
                 process_group="", application_group=""):
        self.mode = mode
        self.configured_processes = configured_processes
        self.configured_threads = configured_threads
        self.process_group = process_group
        self.application_group = application_group


def process_info_from_mod_wsgi():
    """Read mode and capacity from the `mod_wsgi` module; mode 0 outside mod_wsgi."""
    try:
        import mod_wsgi
    except ImportError:
        return ProcessInfo()
    process_group = str(getattr(mod_wsgi, "process_group", "") or "")
    mode = layout.MODE_DAEMON if process_group else layout.MODE_EMBEDDED
    # In embedded mode mod_wsgi 4.9.4 reported a different maximum_processes in each MPM child
    # (1, 2, 3, 4 under the event MPM), so it is not a configured value there.
    configured_processes = _non_negative_int(getattr(mod_wsgi, "maximum_processes", 0)) if mode == layout.MODE_DAEMON else 0
    return ProcessInfo(
        mode=mode,
        configured_processes=configured_processes,
        configured_threads=_non_negative_int(getattr(mod_wsgi, "threads_per_process", 0)),
        process_group=process_group,
        application_group=str(getattr(mod_wsgi, "application_group", "") or ""),
    )


def _non_negative_int(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 <= number <= 0xFFFFFFFF else 0


def _environment_flag(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() not in ("0", "false", "no", "off", "")


class RequestToken:
    """State of one request between begin() and finish(); Recorder.begin_into() fills it."""

    __slots__ = ("started_ns", "started_us", "phases", "malformed", "lease", "bytes_in", "finished")


class _ThreadLease:
    """A thread's claim on one thread record; returned to the free list when the thread ends."""

    __slots__ = ("pending_releases", "generation", "index", "requests", "native_thread_id")

    def __init__(self, pending_releases, generation, index):
        self.pending_releases = pending_releases
        self.generation = generation
        self.index = index
        self.requests = 0
        self.native_thread_id = threading.get_native_id()

    def __del__(self):
        # Runs when the owning thread's thread-local storage is dropped, i.e. the thread ended.
        # It may run at any point of another thread's code, so it only appends to a deque (atomic
        # under the GIL) and never takes the recorder's lock.
        if self.index is not None:
            self.pending_releases.append((self.generation, self.index))


class Recorder:
    """Records requests of this process into its WSGI scoreboard segment.

    directory: segment directory; default $SCOREBOARD_WSGI_DIR, else /run/scoreboard-collector/wsgi.
    thread_record_count: default $SCOREBOARD_WSGI_THREADS, else mod_wsgi's threads per process,
    else 64.
    record_paths: store method and path of requests; default $SCOREBOARD_WSGI_RECORD_PATHS, else True.
    process_info: mode, groups and capacity; default read from the mod_wsgi module.
    """

    def __init__(self, directory=None, thread_record_count=None, record_paths=None, process_info=None):
        self.directory = directory or os.environ.get(DIRECTORY_VARIABLE) or DEFAULT_DIRECTORY
        self.process_info = process_info if process_info is not None else process_info_from_mod_wsgi()
        self.thread_record_count = self._choose_thread_record_count(thread_record_count)
        self.record_paths = record_paths if record_paths is not None else _environment_flag(RECORD_PATHS_VARIABLE, True)
        self._reset_process_state()
        _recorders.add(self)

    def _choose_thread_record_count(self, requested):
        if requested is not None:
            return max(1, int(requested))
        from_environment = os.environ.get(THREADS_VARIABLE)
        if from_environment:
            try:
                return max(1, int(from_environment))
            except ValueError:
                errors.log_once(
                    "threads-variable",
                    "%s=%r is not an integer; using the default thread record count",
                    THREADS_VARIABLE, from_environment,
                )
        if self.process_info.configured_threads > 0:
            return self.process_info.configured_threads
        return DEFAULT_THREAD_RECORDS

    def _reset_process_state(self):
        """Start from zero for this pid: used at construction and in a forked child."""
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._generation = getattr(self, "_generation", 0) + 1
        self._free_records = list(range(self.thread_record_count - 1, -1, -1))
        self._pending_releases = collections.deque()
        self.counters = [0] * len(layout.COUNTER_NAMES)
        self.histograms = [[0] * layout.HISTOGRAM_BUCKET_COUNT for _ in layout.HISTOGRAM_NAMES]
        self.segment = None
        self._retry_at_ns = 0
        self._next_file_check_ns = 0

    # Segment management. Callers hold self._lock. Times are time.monotonic_ns() values.

    def _ensure_segment(self, now_ns):
        segment = self.segment
        if segment is not None:
            if now_ns < self._next_file_check_ns:
                return segment
            self._next_file_check_ns = now_ns + int(FILE_CHECK_INTERVAL_SECONDS * _NANOSECONDS_PER_SECOND)
            if segment.is_current():
                return segment
            errors.log_once(
                "segment-replaced:%s" % segment.path,
                "WSGI scoreboard segment %s was deleted or replaced; creating it again", segment.path,
            )
            # The old mapping is not closed here: another thread may be writing its thread
            # record into it. It is unmapped when the last reference goes.
            self.segment = None

        if now_ns < self._retry_at_ns:
            return None
        return self._create_segment(now_ns)

    def _create_segment(self, now_ns):
        retry_at_ns = now_ns + int(RETRY_INTERVAL_SECONDS * _NANOSECONDS_PER_SECOND)
        start_time = process_start_time(self.pid)
        if start_time is None:
            errors.log_once("no-proc", "WSGI scoreboard disabled: /proc/%d/stat is not readable", self.pid)
            self._retry_at_ns = retry_at_ns
            return None
        info = self.process_info
        identity = ProcessIdentity(
            self.pid, start_time, info.mode, info.configured_processes, info.configured_threads,
            info.process_group, info.application_group,
        )
        try:
            remove_stale_segments(self.directory, self.pid)
            segment = Segment(
                self.directory, identity, self.thread_record_count, _time_ns() // 1000,
                self.counters, self.histograms,
            )
        except OSError as error:
            errors.log_once(
                "create:%s" % self.directory,
                "WSGI scoreboard disabled: cannot create a segment in %s (%s). Create the directory "
                "(owner root, group scoreboard-collector, mode 2770) and let this process's user "
                "write to it; the writer tries again every %d s.",
                self.directory, error, RETRY_INTERVAL_SECONDS,
            )
            self._retry_at_ns = retry_at_ns
            return None

        self._next_file_check_ns = now_ns + int(FILE_CHECK_INTERVAL_SECONDS * _NANOSECONDS_PER_SECOND)
        self.segment = segment
        return segment

    def start(self):
        """Create the segment now, so the collector lists this process before its first request."""
        try:
            with self._lock:
                self._ensure_segment(_monotonic_ns())
        except Exception:
            errors.log_once("start", "WSGI scoreboard writer failed to start", exc_info=True)

    # Thread records.

    def _thread_lease(self):
        lease = getattr(self._local, "lease", None)
        if lease is not None:
            return lease
        with self._lock:
            self._release_ended_threads()
            index = self._free_records.pop() if self._free_records else None
        lease = _ThreadLease(self._pending_releases, self._generation, index)
        self._local.lease = lease
        return lease

    def _release_ended_threads(self):
        """Mark the records of ended threads unused and free them; the caller holds the lock."""
        pending = self._pending_releases
        while pending:
            generation, index = pending.popleft()
            if generation != self._generation:
                continue
            segment = self.segment
            if segment is not None:
                segment.write_thread_unused(index)
            self._free_records.append(index)

    # Requests.

    def begin(self, environ):
        """Record the start of a request; returns a token for finish(), or None on failure."""
        token = RequestToken()
        return token if self.begin_into(token, environ) else None

    def begin_into(self, token, environ):
        """Record the start of a request into a new RequestToken (or subclass) for finish().

        Returns False on failure, after logging it and marking the token finished, so a later
        finish() does nothing.
        """
        try:
            started_ns = _monotonic_ns()
            now_us = _time_ns() // 1000
            request_start, queue_start, daemon_start, application_start, malformed = read_stamp_values(environ, now_us)
            lease = getattr(self._local, "lease", None)
            if lease is None:
                lease = self._thread_lease()

            content_length = environ.get("CONTENT_LENGTH")
            bytes_in = _content_length(content_length) if content_length else 0

            token.started_ns = started_ns
            token.started_us = now_us
            token.phases = phases_of_stamps(self.process_info.mode, request_start, queue_start, daemon_start,
                                            application_start)
            token.malformed = malformed
            token.lease = lease
            token.bytes_in = bytes_in
            token.finished = False

            segment = self.segment
            if segment is None:
                # First request, re-creation after a deletion, or a retry after a failed creation.
                with self._lock:
                    segment = self._ensure_segment(started_ns)
            if lease.index is None or segment is None:
                return True

            if self.record_paths:
                get = environ.get
                method = get("REQUEST_METHOD", "").encode("latin-1", "replace")
                path = (get("SCRIPT_NAME", "") + get("PATH_INFO", "")).encode("latin-1", "replace")
            else:
                method = b""
                path = b""
            wsgi_thread_id = environ.get("mod_wsgi.thread_id", 0)
            if type(wsgi_thread_id) is not int or not 0 <= wsgi_thread_id <= 0xFFFFFFFF:
                wsgi_thread_id = 0
            segment.write_thread(
                lease.index, layout.THREAD_BUSY, wsgi_thread_id, lease.native_thread_id,
                request_start or 0, queue_start or 0, daemon_start or 0,
                application_start or now_us, lease.requests, method, path,
            )
            return True
        except Exception:
            token.finished = True
            errors.log_once("begin", "WSGI scoreboard writer failed to record a request start", exc_info=True)
            return False

    def finish(self, token, status, exception_raised, bytes_out):
        """Record the end of a request: status line (or None), whether it raised, body bytes."""
        if token is None or token.finished:
            return
        token.finished = True
        try:
            self._record_end(token, status, exception_raised, bytes_out)
        except Exception:
            errors.log_once("finish", "WSGI scoreboard writer failed to record a request end", exc_info=True)

    def _record_end(self, token, status, exception_raised, bytes_out):
        now_ns = _monotonic_ns()
        application_us = (now_ns - token.started_ns) // 1000
        # The wall clock at the end, from the one at the start plus the monotonic duration.
        updated_us = token.started_us + application_us
        status_counter = _status_counter_cache.get(status)
        if status_counter is None:
            status_counter = _status_counter(status)

        # Clamp the phases, add up the total and find the buckets before taking the lock. Outside
        # mod_wsgi no phase applies, and the total is the application time alone.
        server_us, queue_us, daemon_us = token.phases
        total_us = application_us
        total_known = True
        negative = False
        if server_us is None or queue_us is None or daemon_us is None:
            if self.process_info.mode != layout.MODE_NONE:
                total_known = False
        if server_us is not None:
            if server_us < 0:
                negative = True
            else:
                total_us += server_us
        if queue_us is not None:
            if queue_us < 0:
                negative = True
            else:
                total_us += queue_us
        if daemon_us is not None:
            if daemon_us < 0:
                negative = True
            else:
                total_us += daemon_us
        if application_us < _SMALL_INTEGER_LIMIT:
            application_bucket = _BUCKET_OF_SMALL_INTEGER[application_us]
        else:
            application_bucket = _bisect_right(_FIRST_INTEGERS, application_us)
        queue_bucket = None
        if queue_us is not None:
            if queue_us < 0:
                queue_bucket = _UNDERFLOW_BUCKET
            elif queue_us < _SMALL_INTEGER_LIMIT:
                queue_bucket = _BUCKET_OF_SMALL_INTEGER[queue_us]
            else:
                queue_bucket = _bisect_right(_FIRST_INTEGERS, queue_us)
        total_bucket = None
        if total_known:
            if total_us < _SMALL_INTEGER_LIMIT:
                total_bucket = _BUCKET_OF_SMALL_INTEGER[total_us]
            else:
                total_bucket = _bisect_right(_FIRST_INTEGERS, total_us)

        with self._lock:
            counters = self.counters
            counters[_REQUESTS] += 1
            counters[status_counter] += 1
            if exception_raised:
                counters[_EXCEPTIONS] += 1
            if token.malformed:
                counters[_MALFORMED_TIMESTAMPS] += token.malformed
            counters[_BYTES_IN] = (counters[_BYTES_IN] + token.bytes_in) & _MAX_U64
            counters[_BYTES_OUT] = (counters[_BYTES_OUT] + bytes_out) & _MAX_U64
            counters[_APPLICATION_US_SUM] += application_us
            counters[_APPLICATION_COUNT] += 1
            if token.lease.index is None:
                counters[_REQUESTS_WITHOUT_THREAD_RECORD] += 1
            if server_us is not None:
                counters[_SERVER_COUNT] += 1
                if server_us >= 0:
                    counters[_SERVER_US_SUM] += server_us
            if queue_us is not None:
                counters[_QUEUE_COUNT] += 1
                if queue_us >= 0:
                    counters[_QUEUE_US_SUM] += queue_us
            if daemon_us is not None:
                counters[_DAEMON_COUNT] += 1
                if daemon_us >= 0:
                    counters[_DAEMON_US_SUM] += daemon_us
            if negative:
                _count_negative_phases(counters, server_us, queue_us, daemon_us)
            if total_known:
                counters[_TOTAL_US_SUM] += total_us
                counters[_TOTAL_COUNT] += 1

            histograms = self.histograms
            histograms[_APPLICATION][application_bucket] += 1
            if queue_bucket is not None:
                histograms[_QUEUE][queue_bucket] += 1
            if total_bucket is not None:
                histograms[_TOTAL][total_bucket] += 1

            if self._pending_releases:
                self._release_ended_threads()
            segment = self.segment
            if segment is None or now_ns >= self._next_file_check_ns:
                segment = self._ensure_segment(now_ns)
            if segment is not None:
                segment.write_process_update(counters, updated_us, histograms,
                                             application_bucket, queue_bucket, total_bucket)

        lease = token.lease
        lease.requests += 1
        if lease.index is not None and segment is not None:
            segment.write_thread_idle(lease.index, lease.requests)

    def after_fork_in_child(self):
        """Drop the parent's segment and counters; the child creates its own segment on demand."""
        parent_segment = self.segment
        self._reset_process_state()
        if parent_segment is not None:
            parent_segment.close()


def _content_length(value):
    """Return CONTENT_LENGTH as a byte count, 0 when it is not an integer in u64 range."""
    try:
        length = int(value)
    except ValueError:
        return 0
    return length if 0 <= length <= _MAX_U64 else 0


def _count_negative_phases(counters, server_us, queue_us, daemon_us):
    """Count the phases below 0, which the sums and histograms take as 0."""
    if server_us is not None and server_us < 0:
        counters[_NEGATIVE_SERVER] += 1
    if queue_us is not None and queue_us < 0:
        counters[_NEGATIVE_QUEUE] += 1
    if daemon_us is not None and daemon_us < 0:
        counters[_NEGATIVE_DAEMON] += 1


# Counter index by status line; bounded, because applications may use free-form reason phrases.
_status_counter_cache = {}
_STATUS_CACHE_LIMIT = 256


def _status_counter(status):
    counter = _status_counter_cache.get(status)
    if counter is None:
        counter = _classify_status(status)
        if len(_status_counter_cache) < _STATUS_CACHE_LIMIT and type(status) is str:
            _status_counter_cache[status] = counter
    return counter


def _classify_status(status):
    if status is None:
        # mod_wsgi sends a 500 response when the application never called start_response.
        return _STATUS_5XX
    code = status[:3] if type(status) is str else ""
    if len(code) == 3 and code.isdigit() and code.isascii():
        status_class = int(code) // 100
        if 1 <= status_class <= 5:
            return _STATUS_COUNTER[status_class]
    return _STATUS_OTHER


def _after_fork_in_child():
    errors.reset_after_fork()
    for recorder in list(_recorders):
        try:
            recorder.after_fork_in_child()
        except Exception:
            errors.log_once("fork", "WSGI scoreboard writer failed to reset after fork", exc_info=True)


os.register_at_fork(after_in_child=_after_fork_in_child)


_default_recorder = None
_default_lock = threading.Lock()


def default_recorder(**options):
    """Return the process-wide recorder, creating it with `options` on the first call."""
    global _default_recorder
    with _default_lock:
        if _default_recorder is None:
            _default_recorder = Recorder(**options)
        return _default_recorder
