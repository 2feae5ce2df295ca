"""The per-process recorder: counters, histograms, thread records, fork and failure handling.

Every public method catches its own failures, logs each kind once on the logger
`scoreboard_collector_wsgi` and returns normally, so nothing reaches the application.
"""

import collections
import os
import threading
import time
import weakref

from . import errors, layout
from .histogram import bucket_index
from .procstat import process_start_time
from .segment import ProcessIdentity, Segment, remove_stale_segments
from .timing import pre_application_phases, read_stamps

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
# (sum, count, negative) counter indices of the server, queue and daemon phases, in that order.
_PHASES = (
    (_C["server_us_sum"], _C["server_count"], _C["negative_server"]),
    (_C["queue_us_sum"], _C["queue_count"], _C["negative_queue"]),
    (_C["daemon_us_sum"], _C["daemon_count"], _C["negative_daemon"]),
)
_QUEUE_PHASE = 1
_HISTOGRAM_OFFSETS = (
    layout.PROCESS_RECORD_OFFSET + layout.APPLICATION_HISTOGRAM_OFFSET,
    layout.PROCESS_RECORD_OFFSET + layout.QUEUE_HISTOGRAM_OFFSET,
    layout.PROCESS_RECORD_OFFSET + layout.TOTAL_HISTOGRAM_OFFSET,
)
_APPLICATION, _QUEUE, _TOTAL = 0, 1, 2

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
    """State of one request between begin() and finish()."""

    __slots__ = ("started_ns", "stamps", "lease", "bytes_in", "finished")

    def __init__(self, started_ns, stamps, lease, bytes_in):
        self.started_ns = started_ns
        self.stamps = stamps
        self.lease = lease
        self.bytes_in = bytes_in
        self.finished = False


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
        self._retry_at = 0.0
        self._next_file_check = 0.0

    # Segment management. Callers hold self._lock.

    def _ensure_segment(self, now_monotonic):
        segment = self.segment
        if segment is not None:
            if now_monotonic < self._next_file_check:
                return segment
            self._next_file_check = now_monotonic + FILE_CHECK_INTERVAL_SECONDS
            if segment.is_current():
                return segment
            errors.log_once(
                "segment-replaced:%s" % segment.path,
                "WSGI scoreboard segment %s was deleted or replaced; creating it again", segment.path,
            )
            # The old mapping is not closed here: another thread may be writing its thread
            # record into it. It is unmapped when the last reference goes.
            self.segment = None

        if now_monotonic < self._retry_at:
            return None
        return self._create_segment(now_monotonic)

    def _create_segment(self, now_monotonic):
        start_time = process_start_time(self.pid)
        if start_time is None:
            errors.log_once("no-proc", "WSGI scoreboard disabled: /proc/%d/stat is not readable", self.pid)
            self._retry_at = now_monotonic + RETRY_INTERVAL_SECONDS
            return None
        info = self.process_info
        identity = ProcessIdentity(
            self.pid, start_time, info.mode, info.configured_processes, info.configured_threads,
            info.process_group, info.application_group,
        )
        try:
            remove_stale_segments(self.directory, self.pid)
            segment = Segment(
                self.directory, identity, self.thread_record_count, time.time_ns() // 1000,
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
            self._retry_at = now_monotonic + RETRY_INTERVAL_SECONDS
            return None

        self._next_file_check = now_monotonic + FILE_CHECK_INTERVAL_SECONDS
        self.segment = segment
        return segment

    def start(self):
        """Create the segment now, so the collector lists this process before its first request."""
        try:
            with self._lock:
                self._ensure_segment(time.monotonic())
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
        try:
            return self._begin(environ)
        except Exception:
            errors.log_once("begin", "WSGI scoreboard writer failed to record a request start", exc_info=True)
            return None

    def _begin(self, environ):
        started_ns = time.perf_counter_ns()
        now_us = time.time_ns() // 1000
        stamps = read_stamps(environ, now_us)
        lease = self._thread_lease()

        bytes_in = 0
        content_length = environ.get("CONTENT_LENGTH")
        if content_length:
            try:
                bytes_in = int(content_length)
            except ValueError:
                bytes_in = 0
            if not 0 <= bytes_in <= _MAX_U64:
                bytes_in = 0

        token = RequestToken(started_ns, stamps, lease, bytes_in)
        segment = self.segment
        if segment is None:
            # First request, re-creation after a deletion, or a retry after a failed creation.
            with self._lock:
                segment = self._ensure_segment(time.monotonic())
        if lease.index is None or segment is None:
            return token

        if self.record_paths:
            method = environ.get("REQUEST_METHOD", "").encode("latin-1", "replace")
            path = (environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")).encode("latin-1", "replace")
        else:
            method = b""
            path = b""
        wsgi_thread_id = environ.get("mod_wsgi.thread_id", 0)
        if not isinstance(wsgi_thread_id, int) or not 0 <= wsgi_thread_id <= 0xFFFFFFFF:
            wsgi_thread_id = 0
        segment.write_thread(
            lease.index, layout.THREAD_BUSY, wsgi_thread_id, lease.native_thread_id,
            stamps.request_start or 0, stamps.queue_start or 0, stamps.daemon_start or 0,
            stamps.application_start or now_us, lease.requests, method, path,
        )
        return token

    def finish(self, token, status, exception_raised, bytes_out):
        """Record the end of a request: status line (or None), whether it raised, body bytes."""
        if token is None or token.finished:
            return
        token.finished = True
        try:
            self._finish(token, status, exception_raised, bytes_out)
        except Exception:
            errors.log_once("finish", "WSGI scoreboard writer failed to record a request end", exc_info=True)

    def _finish(self, token, status, exception_raised, bytes_out):
        application_us = (time.perf_counter_ns() - token.started_ns) // 1000
        mode = self.process_info.mode
        stamps = token.stamps
        phases = pre_application_phases(mode, stamps)
        status_counter = _status_counter(status)
        application_bucket = bucket_index(application_us)
        now_monotonic = time.monotonic()
        now_us = time.time_ns() // 1000

        with self._lock:
            counters = self.counters
            counters[_REQUESTS] += 1
            counters[status_counter] += 1
            if exception_raised:
                counters[_EXCEPTIONS] += 1
            if stamps.malformed:
                counters[_MALFORMED_TIMESTAMPS] += stamps.malformed
            counters[_BYTES_IN] = (counters[_BYTES_IN] + token.bytes_in) & _MAX_U64
            counters[_BYTES_OUT] = (counters[_BYTES_OUT] + bytes_out) & _MAX_U64
            counters[_APPLICATION_US_SUM] += application_us
            counters[_APPLICATION_COUNT] += 1
            if token.lease.index is None:
                counters[_REQUESTS_WITHOUT_THREAD_RECORD] += 1

            # Outside mod_wsgi no phase applies, and the total is the application time alone.
            total_us = application_us
            total_known = True
            queue_us = None
            for phase, phase_us in enumerate(phases):
                if phase_us is None:
                    if mode != layout.MODE_NONE:
                        total_known = False
                    continue
                sum_index, count_index, negative_index = _PHASES[phase]
                if phase_us < 0:
                    counters[negative_index] += 1
                    phase_us = 0
                counters[sum_index] += phase_us
                counters[count_index] += 1
                total_us += phase_us
                if phase == _QUEUE_PHASE:
                    queue_us = phase_us

            histograms = self.histograms
            application_counts = histograms[_APPLICATION]
            application_counts[application_bucket] += 1
            updates = [(_HISTOGRAM_OFFSETS[_APPLICATION] + application_bucket * 8, application_counts[application_bucket])]
            if queue_us is not None:
                bucket = bucket_index(queue_us)
                queue_counts = histograms[_QUEUE]
                queue_counts[bucket] += 1
                updates.append((_HISTOGRAM_OFFSETS[_QUEUE] + bucket * 8, queue_counts[bucket]))
            if total_known:
                counters[_TOTAL_US_SUM] += total_us
                counters[_TOTAL_COUNT] += 1
                bucket = bucket_index(total_us)
                total_counts = histograms[_TOTAL]
                total_counts[bucket] += 1
                updates.append((_HISTOGRAM_OFFSETS[_TOTAL] + bucket * 8, total_counts[bucket]))

            if self._pending_releases:
                self._release_ended_threads()
            segment = self._ensure_segment(now_monotonic)
            if segment is not None:
                segment.write_process_update(counters, now_us, updates)

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
