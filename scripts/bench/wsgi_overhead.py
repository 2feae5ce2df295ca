"""Measure the WSGI scoreboard writer's cost per request in-process: a hello-world application
called through ScoreboardMiddleware versus called directly, same environ, same loop.

    wsgi_overhead.py [--requests N] [--runs N]

Prints one line per run: `wsgi_inprocess run=R requests=N plain_us=... recorded_us=...
overhead_us=...` (µs per request). The recorder writes into a real segment in a temporary
directory, with daemon-mode process information and the four time stamps that mod_wsgi 4.x sets
in a daemon-mode environ (request, queue, daemon and script start, as µs strings).
"""

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))

from scoreboard_collector_wsgi import MODE_DAEMON, ProcessInfo, Recorder, ScoreboardMiddleware  # noqa: E402

BODY = b"hello\n"


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "6")])
    return [BODY]


def start_response(status, headers, exc_info=None):
    return None


def serve(application, environ, requests):
    """Call the application as mod_wsgi does: call, iterate the body, close; seconds per request."""
    started = time.perf_counter()
    for _ in range(requests):
        result = application(dict(environ), start_response)
        for _chunk in result:
            pass
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return (time.perf_counter() - started) / requests


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="scoreboard-bench-wsgi-") as directory:
        recorder = Recorder(
            directory=directory, thread_record_count=4,
            process_info=ProcessInfo(mode=MODE_DAEMON, configured_processes=1, configured_threads=4,
                                     process_group="bench", application_group=""))
        recorded = ScoreboardMiddleware(hello, recorder=recorder)
        now_us = time.time_ns() // 1000
        environ = {
            "REQUEST_METHOD": "GET", "SCRIPT_NAME": "/app", "PATH_INFO": "/hello", "QUERY_STRING": "",
            "SERVER_PROTOCOL": "HTTP/1.1", "mod_wsgi.thread_id": 1,
            "mod_wsgi.request_start": str(now_us - 300), "mod_wsgi.queue_start": str(now_us - 200),
            "mod_wsgi.daemon_start": str(now_us - 100), "mod_wsgi.script_start": str(now_us - 50),
        }
        serve(recorded, environ, 1000)
        serve(hello, environ, 1000)
        for run in range(1, arguments.runs + 1):
            if run % 2:
                plain = serve(hello, environ, arguments.requests)
                with_writer = serve(recorded, environ, arguments.requests)
            else:
                with_writer = serve(recorded, environ, arguments.requests)
                plain = serve(hello, environ, arguments.requests)
            print("wsgi_inprocess run=%d requests=%d plain_us=%.3f recorded_us=%.3f overhead_us=%.3f"
                  % (run, arguments.requests, plain * 1e6, with_writer * 1e6, (with_writer - plain) * 1e6),
                  flush=True)
        if recorder.counters[0] == 0 and not any(recorder.counters):
            sys.exit("wsgi_overhead: the recorder counted no request")


if __name__ == "__main__":
    main()
