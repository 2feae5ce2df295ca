"""Segment fixtures for the collector's Swift tests (Tests/MappingTests/WSGI*.swift).

Run with PYTHONPATH=python: `python3 segment_tool.py COMMAND DIRECTORY`. Each command prints one
JSON line per step on stdout and reads one line from stdin where it waits.

  fill     record a known sequence of requests, hold one request busy until a line arrives,
           then finish it; prints the writer's own counters after each step
  hammer   create a segment, then rewrite one process record and thread record 0 as fast as
           possible, keeping requests == bytes_in == bytes_out and the three start stamps of the
           thread record equal, until stdin is closed
  abandon  create a segment, leave the process record's seq odd and kill itself with SIGKILL
  hold-odd create a segment, leave the process record's seq odd and wait for a line
"""

import json
import os
import signal
import sys
import threading
import time

from scoreboard_collector_wsgi import ProcessInfo, Recorder, ScoreboardMiddleware, layout

INFO = ProcessInfo(mode=layout.MODE_DAEMON, configured_processes=2, configured_threads=3,
                   process_group="app", application_group="site")
BASE_US = 1_700_000_000_000_000


def emit(**values):
    sys.stdout.write(json.dumps(values) + "\n")
    sys.stdout.flush()


def writer_state(recorder):
    return {
        "counters": dict(zip(layout.COUNTER_NAMES, recorder.counters)),
        "histograms": dict(zip(layout.HISTOGRAM_NAMES, recorder.histograms)),
    }


def stamps_4x(base_us, server_us, queue_us, daemon_us):
    return {
        "mod_wsgi.request_start": str(base_us),
        "mod_wsgi.queue_start": str(base_us + server_us),
        "mod_wsgi.daemon_start": str(base_us + server_us + queue_us),
        "mod_wsgi.script_start": str(base_us + server_us + queue_us + daemon_us),
    }


def stamps_6x(base_us, server_us, queue_us, daemon_us):
    return {key.replace("script_start", "application_start"): int(value) / 1e6
            for key, value in stamps_4x(base_us, server_us, queue_us, daemon_us).items()}


def serve(application, environ):
    request = {"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/"}
    request.update(environ)
    try:
        response = application(request, lambda status, headers, exc_info=None: None)
    except RuntimeError:
        return
    try:
        for _ in response:
            pass
    finally:
        response.close()


def fill(directory):
    # Stamps near the writer's clock: a stamp years away would be rejected as malformed.
    now_us = time.time_ns() // 1000 - 1_000_000
    recorder = Recorder(directory=directory, process_info=INFO)
    released = threading.Event()

    def application(environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/fail":
            raise RuntimeError("failure before start_response")
        if path == "/slow":
            released.wait()
        status = {"/missing": "404 Not Found", "/moved": "301 Moved"}.get(path, "200 OK")
        start_response(status, [])
        return [b"x" * 5]

    app = ScoreboardMiddleware(application, recorder=recorder)
    serve(app, dict(stamps_4x(now_us, 100, 2_000, 300), PATH_INFO="/a", CONTENT_LENGTH="10"))
    serve(app, dict(stamps_6x(now_us, 50, 40_000, 20), PATH_INFO="/missing", REQUEST_METHOD="POST"))
    serve(app, dict(stamps_4x(now_us, 10, 20, 30), PATH_INFO="/fail"))
    negative_queue = stamps_4x(now_us, 500, 0, 100)
    negative_queue["mod_wsgi.daemon_start"] = str(now_us + 300)
    serve(app, dict(negative_queue, PATH_INFO="/moved"))
    serve(app, {"mod_wsgi.request_start": "garbage", "PATH_INFO": "/a", "CONTENT_LENGTH": "7"})

    slow_stamps = stamps_4x(now_us, 111, 222, 333)
    slow = threading.Thread(target=serve, args=(app, dict(
        slow_stamps, PATH_INFO="/slow", SCRIPT_NAME="/shop", REQUEST_METHOD="PUT", **{"mod_wsgi.thread_id": 2},
    )))
    slow.start()
    while not any(lease_busy(recorder)):
        time.sleep(0.001)
    emit(step="busy", pid=os.getpid(), base_us=now_us, **writer_state(recorder))

    sys.stdin.readline()
    released.set()
    slow.join()
    emit(step="finished", **writer_state(recorder))
    sys.stdin.readline()


def lease_busy(recorder):
    segment = recorder.segment
    if segment is None:
        return []
    return [layout.THREAD_STATE.unpack_from(segment.memory, layout.thread_record_offset(index) + layout.THREAD_STATE_OFFSET)[0]
            == layout.THREAD_BUSY for index in range(segment.thread_record_count)]


def hammer(directory):
    recorder = Recorder(directory=directory, process_info=INFO)
    recorder.start()
    segment = recorder.segment
    counters = [0] * len(layout.COUNTER_NAMES)
    requests = layout.COUNTER_INDEX["requests"]
    bytes_in = layout.COUNTER_INDEX["bytes_in"]
    bytes_out = layout.COUNTER_INDEX["bytes_out"]
    stop = threading.Event()

    def wait_for_close():
        sys.stdin.read()
        stop.set()

    threading.Thread(target=wait_for_close, daemon=True).start()
    emit(step="hammering", pid=os.getpid())
    value = 0
    while not stop.is_set():
        for _ in range(1000):
            value += 1
            counters[requests] = counters[bytes_in] = counters[bytes_out] = value
            segment.write_process_update(counters, BASE_US + value, recorder.histograms, None)
            stamp = BASE_US + value
            segment.write_thread(0, layout.THREAD_BUSY, 1, 1, stamp, stamp, stamp, stamp + 1, value, b"GET", b"/h")
    emit(step="stopped", writes=value)


def leave_odd(directory):
    recorder = Recorder(directory=directory, process_info=INFO)
    recorder.start()
    layout.SEQ.pack_into(recorder.segment.memory, layout.PROCESS_RECORD_OFFSET, 7)
    return recorder


def abandon(directory):
    leave_odd(directory)
    os.kill(os.getpid(), signal.SIGKILL)


def hold_odd(directory):
    leave_odd(directory)
    emit(step="odd", pid=os.getpid())
    sys.stdin.readline()


COMMANDS = {"fill": fill, "hammer": hammer, "abandon": abandon, "hold-odd": hold_odd}

if __name__ == "__main__":
    COMMANDS[sys.argv[1]](sys.argv[2])
