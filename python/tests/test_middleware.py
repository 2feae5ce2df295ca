import os
import stat
import threading
import time

import pytest

from scoreboard_collector_wsgi import ProcessInfo, Recorder, ScoreboardMiddleware, histogram, layout
from scoreboard_collector_wsgi.procstat import process_start_time

from conftest import read_only_segment, run_request, segment_files, simple_application

DAEMON = ProcessInfo(mode=layout.MODE_DAEMON, configured_processes=2, configured_threads=4,
                     process_group="app", application_group="")


def daemon_recorder(directory, **options):
    return Recorder(directory=directory, process_info=DAEMON, **options)


def daemon_stamps(base_us, server_us, queue_us, daemon_us, as_float=False):
    stamps = (base_us, base_us + server_us, base_us + server_us + queue_us, base_us + server_us + queue_us + daemon_us)
    keys = ("mod_wsgi.request_start", "mod_wsgi.queue_start", "mod_wsgi.daemon_start")
    if as_float:
        environ = {key: value / 1e6 for key, value in zip(keys, stamps)}
        environ["mod_wsgi.application_start"] = stamps[3] / 1e6
    else:
        environ = {key: str(value) for key, value in zip(keys, stamps)}
        environ["mod_wsgi.script_start"] = str(stamps[3])
    return environ


def test_segment_identity_and_header(segment_directory):
    recorder = daemon_recorder(segment_directory)
    recorder.start()
    image = read_only_segment(segment_directory)
    assert segment_files(segment_directory) == ["%d-%d.wsb" % (os.getpid(), process_start_time(os.getpid()))]
    assert image.magic == layout.MAGIC
    assert image.version == 1
    assert image.segment_size == len(image.data) == layout.segment_size(4)
    assert image.thread_record_count == 4
    assert image.pid == os.getpid()
    assert image.start_time_ticks == process_start_time(os.getpid())
    assert image.mode == layout.MODE_DAEMON
    assert (image.configured_processes, image.configured_threads) == (2, 4)
    assert image.process_group == "app"
    assert image.process_seq % 2 == 0


def test_segment_file_mode_is_0640(segment_directory):
    old_umask = os.umask(0o077)
    try:
        daemon_recorder(segment_directory).start()
    finally:
        os.umask(old_umask)
    name = segment_files(segment_directory)[0]
    assert stat.S_IMODE(os.stat(os.path.join(segment_directory, name)).st_mode) == 0o640


def test_segment_group_follows_setgid_directory(segment_directory):
    group_id = 1  # group "daemon" on Debian; any group other than root's shows inheritance
    os.chown(segment_directory, 0, group_id)
    os.chmod(segment_directory, 0o2770)
    daemon_recorder(segment_directory).start()
    name = segment_files(segment_directory)[0]
    assert os.stat(os.path.join(segment_directory, name)).st_gid == group_id


def test_counts_status_classes_and_bytes(segment_directory):
    recorder = daemon_recorder(segment_directory)
    for status in ("200 OK", "201 Created", "302 Found", "404 Not Found", "503 Unavailable", "101 Switching",
                   "999 Odd", "OK"):
        application = ScoreboardMiddleware(simple_application(status=status), recorder=recorder)
        run_request(application, {"CONTENT_LENGTH": "7"})
    counters = read_only_segment(segment_directory).counters
    assert counters["requests"] == 8
    assert [counters["status_%dxx" % c] for c in range(1, 6)] == [1, 2, 1, 1, 1]
    assert counters["status_other"] == 2
    assert counters["bytes_in"] == 56
    assert counters["bytes_out"] == 80
    assert counters["exceptions"] == 0


def test_bytes_written_through_write_callable(segment_directory):
    recorder = daemon_recorder(segment_directory)

    def application(environ, start_response):
        write = start_response("200 OK", [])
        write(b"12345")
        return [b"678"]

    run_request(ScoreboardMiddleware(application, recorder=recorder))
    assert read_only_segment(segment_directory).counters["bytes_out"] == 8


def test_invalid_content_length_is_not_counted(segment_directory):
    recorder = daemon_recorder(segment_directory)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    for value in ("abc", "-5", "", "99999999999999999999999"):
        assert run_request(application, {"CONTENT_LENGTH": value}) == ("200 OK", b"helloworld")
    assert read_only_segment(segment_directory).counters["bytes_in"] == 0


def test_exception_in_call_reaches_server_unchanged(segment_directory):
    recorder = daemon_recorder(segment_directory)

    class ApplicationError(Exception):
        pass

    def application(environ, start_response):
        raise ApplicationError("boom")

    with pytest.raises(ApplicationError, match="boom"):
        run_request(ScoreboardMiddleware(application, recorder=recorder))
    counters = read_only_segment(segment_directory).counters
    assert counters["requests"] == 1
    assert counters["exceptions"] == 1
    assert counters["status_5xx"] == 1


def test_exception_while_iterating_is_counted(segment_directory):
    recorder = daemon_recorder(segment_directory)

    def application(environ, start_response):
        start_response("200 OK", [])
        yield b"first"
        raise RuntimeError("broken stream")

    with pytest.raises(RuntimeError, match="broken stream"):
        run_request(ScoreboardMiddleware(application, recorder=recorder))
    counters = read_only_segment(segment_directory).counters
    assert counters["exceptions"] == 1
    assert counters["status_2xx"] == 1
    assert counters["bytes_out"] == 5


def serve_partially(application, chunks_taken):
    """Call the application, take `chunks_taken` chunks from its response, then close it."""
    response = application({"REQUEST_METHOD": "GET", "SCRIPT_NAME": "", "PATH_INFO": "/"},
                           lambda status, headers, exc_info=None: None)
    iterator = iter(response)
    taken = [next(iterator) for _ in range(chunks_taken)]
    response.close()
    return taken


def test_list_body_counts_only_chunks_taken(segment_directory):
    recorder = daemon_recorder(segment_directory)
    application = ScoreboardMiddleware(simple_application(body=(b"12", b"345", b"6789")), recorder=recorder)
    assert serve_partially(application, 2) == [b"12", b"345"]
    assert serve_partially(application, 0) == []
    assert serve_partially(application, 3) == [b"12", b"345", b"6789"]
    counters = read_only_segment(segment_directory).counters
    assert counters["requests"] == 3
    assert counters["bytes_out"] == 5 + 0 + 9
    assert counters["exceptions"] == 0


def test_tuple_body_is_counted(segment_directory):
    recorder = daemon_recorder(segment_directory)

    def application(environ, start_response):
        start_response("200 OK", [])
        return (b"abc", b"de")

    assert run_request(ScoreboardMiddleware(application, recorder=recorder)) == ("200 OK", b"abcde")
    assert read_only_segment(segment_directory).counters["bytes_out"] == 5


def test_list_body_reaches_server_as_its_own_iterator(segment_directory):
    recorder = daemon_recorder(segment_directory)
    body = [b"x", b"y"]

    def application(environ, start_response):
        start_response("200 OK", [])
        return body

    response = ScoreboardMiddleware(application, recorder=recorder)({"REQUEST_METHOD": "GET"}, lambda s, h: None)
    assert type(iter(response)) is type(iter(body))
    response.close()
    assert read_only_segment(segment_directory).counters["requests"] == 1


def test_list_body_with_chunk_without_length_counts_exception(segment_directory):
    recorder = daemon_recorder(segment_directory)

    def application(environ, start_response):
        start_response("200 OK", [])
        return [b"abc", 5, b"never"]

    # A server rejects the int chunk itself; the writer notices it at close().
    assert serve_partially(ScoreboardMiddleware(application, recorder=recorder), 2) == [b"abc", 5]
    counters = read_only_segment(segment_directory).counters
    assert counters["exceptions"] == 1
    assert counters["bytes_out"] == 3


def test_generator_body_closed_early_counts_chunks_taken(segment_directory):
    recorder = daemon_recorder(segment_directory)

    def application(environ, start_response):
        start_response("200 OK", [])
        yield b"1234"
        yield b"56"

    assert serve_partially(ScoreboardMiddleware(application, recorder=recorder), 1) == [b"1234"]
    assert read_only_segment(segment_directory).counters["bytes_out"] == 4


def test_updated_us_is_wall_clock_at_request_end(segment_directory):
    recorder = daemon_recorder(segment_directory)
    before_us = time.time_ns() // 1000
    run_request(ScoreboardMiddleware(simple_application(), recorder=recorder))
    after_us = time.time_ns() // 1000
    # The writer adds the monotonic duration to the wall clock at the start; 1 ms allows for
    # the two clocks ticking apart during the request.
    assert before_us - 1_000 <= read_only_segment(segment_directory).updated_us <= after_us + 1_000


def test_application_time_runs_until_close(segment_directory):
    recorder = daemon_recorder(segment_directory)

    class SlowClose:
        def __iter__(self):
            return iter([b"x"])

        def close(self):
            time.sleep(0.05)

    def application(environ, start_response):
        start_response("200 OK", [])
        return SlowClose()

    run_request(ScoreboardMiddleware(application, recorder=recorder))
    image = read_only_segment(segment_directory)
    assert 50_000 <= image.counters["application_us_sum"] < 5_000_000
    assert image.counters["application_count"] == 1
    assert sum(image.histograms["application"]) == 1


@pytest.mark.parametrize("as_float", [False, True], ids=["4x_microsecond_strings", "6x_float_seconds"])
def test_daemon_phases_from_both_formats(segment_directory, as_float):
    recorder = daemon_recorder(segment_directory)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    base_us = time.time_ns() // 1000 - 10_000
    run_request(application, daemon_stamps(base_us, 126, 2_000, 202, as_float=as_float))
    image = read_only_segment(segment_directory)
    counters = image.counters
    # Float seconds carry about 0.2 µs of rounding at today's epoch values.
    assert abs(counters["server_us_sum"] - 126) <= 1
    assert abs(counters["queue_us_sum"] - 2_000) <= 1
    assert abs(counters["daemon_us_sum"] - 202) <= 1
    assert counters["server_count"] == counters["queue_count"] == counters["daemon_count"] == 1
    assert counters["total_us_sum"] == (counters["server_us_sum"] + counters["queue_us_sum"]
                                        + counters["daemon_us_sum"] + counters["application_us_sum"])
    assert counters["total_count"] == 1
    assert image.histograms["queue"][histogram.bucket_index(2_000)] == 1
    assert sum(image.histograms["total"]) == 1
    assert counters["malformed_timestamps"] == 0


def test_negative_queue_phase_is_clamped_and_counted(segment_directory):
    recorder = daemon_recorder(segment_directory)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    base_us = time.time_ns() // 1000 - 10_000
    environ = {
        "mod_wsgi.request_start": str(base_us),
        "mod_wsgi.queue_start": str(base_us + 500),
        "mod_wsgi.daemon_start": str(base_us + 300),
        "mod_wsgi.script_start": str(base_us + 400),
    }
    assert run_request(application, environ) == ("200 OK", b"helloworld")
    image = read_only_segment(segment_directory)
    assert image.counters["negative_queue"] == 1
    assert image.counters["queue_us_sum"] == 0
    assert image.counters["queue_count"] == 1
    assert image.counters["daemon_us_sum"] == 100
    assert image.histograms["queue"][0] == 1


def test_garbage_stamps_are_anomalies_and_application_unaffected(segment_directory):
    recorder = daemon_recorder(segment_directory)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    environ = {
        "mod_wsgi.request_start": "not-a-number",
        "mod_wsgi.queue_start": float("nan"),
        "mod_wsgi.daemon_start": object(),
        "mod_wsgi.application_start": "-17",
        "mod_wsgi.thread_id": "seven",
    }
    assert run_request(application, environ) == ("200 OK", b"helloworld")
    counters = read_only_segment(segment_directory).counters
    assert counters["malformed_timestamps"] == 4
    assert counters["requests"] == 1
    assert counters["server_count"] == counters["queue_count"] == counters["daemon_count"] == 0
    assert counters["total_count"] == 0
    assert counters["application_count"] == 1


def test_missing_stamps_leave_phases_unknown(segment_directory):
    recorder = daemon_recorder(segment_directory)
    run_request(ScoreboardMiddleware(simple_application(), recorder=recorder))
    counters = read_only_segment(segment_directory).counters
    assert counters["malformed_timestamps"] == 0
    assert counters["server_count"] == counters["queue_count"] == counters["total_count"] == 0


def test_embedded_mode_phases(segment_directory):
    recorder = Recorder(directory=segment_directory, process_info=ProcessInfo(mode=layout.MODE_EMBEDDED))
    base_us = time.time_ns() // 1000 - 10_000
    environ = {"mod_wsgi.request_start": str(base_us), "mod_wsgi.script_start": str(base_us + 250)}
    run_request(ScoreboardMiddleware(simple_application(), recorder=recorder), environ)
    counters = read_only_segment(segment_directory).counters
    assert counters["server_us_sum"] == 250
    assert counters["queue_us_sum"] == counters["daemon_us_sum"] == 0
    assert counters["queue_count"] == counters["daemon_count"] == counters["total_count"] == 1


def test_standalone_total_is_application_time(segment_directory):
    recorder = Recorder(directory=segment_directory, process_info=ProcessInfo(mode=layout.MODE_NONE))
    run_request(ScoreboardMiddleware(simple_application(), recorder=recorder))
    counters = read_only_segment(segment_directory).counters
    assert counters["total_count"] == 1
    assert counters["total_us_sum"] == counters["application_us_sum"]
    assert counters["server_count"] == 0


def test_thread_record_busy_during_request_idle_after(segment_directory):
    recorder = daemon_recorder(segment_directory)
    seen = {}

    def application(environ, start_response):
        seen["during"] = read_only_segment(segment_directory).used_threads()
        start_response("200 OK", [])
        return [b"ok"]

    base_us = time.time_ns() // 1000 - 1_000
    environ = daemon_stamps(base_us, 10, 20, 30)
    environ.update({"REQUEST_METHOD": "POST", "SCRIPT_NAME": "/app", "PATH_INFO": "/items/7", "mod_wsgi.thread_id": 3,
                    "QUERY_STRING": "secret=1"})
    run_request(ScoreboardMiddleware(application, recorder=recorder), environ)

    [during] = seen["during"]
    assert during["state"] == layout.THREAD_BUSY
    assert during["method"] == "POST"
    assert during["path"] == "/app/items/7"
    assert during["wsgi_thread_id"] == 3
    assert during["native_thread_id"] == threading.get_native_id()
    assert during["request_start_us"] == base_us
    assert during["daemon_start_us"] == base_us + 30
    assert during["application_start_us"] == base_us + 60
    assert during["requests"] == 0
    [after] = read_only_segment(segment_directory).used_threads()
    assert after["state"] == layout.THREAD_IDLE
    assert after["requests"] == 1
    assert after["seq"] % 2 == 0
    assert after["wsgi_thread_id"] == 3
    assert after["application_start_us"] == base_us + 60


def test_record_paths_off_leaves_method_and_path_empty(segment_directory):
    recorder = daemon_recorder(segment_directory, record_paths=False)
    run_request(ScoreboardMiddleware(simple_application(), recorder=recorder), {"PATH_INFO": "/private"})
    [thread] = read_only_segment(segment_directory).used_threads()
    assert thread["method"] == ""
    assert thread["path"] == ""


def test_long_path_is_truncated_to_field(segment_directory):
    recorder = daemon_recorder(segment_directory)
    run_request(ScoreboardMiddleware(simple_application(), recorder=recorder), {"PATH_INFO": "/" + "a" * 500})
    [thread] = read_only_segment(segment_directory).used_threads()
    assert thread["path"] == "/" + "a" * (layout.PATH_SIZE - 1)


def test_nested_middleware_counts_once(segment_directory):
    recorder = daemon_recorder(segment_directory)
    application = ScoreboardMiddleware(ScoreboardMiddleware(simple_application(), recorder=recorder), recorder=recorder)
    run_request(application)
    assert read_only_segment(segment_directory).counters["requests"] == 1


def test_many_threads_exact_totals(segment_directory):
    thread_count = 12
    requests_per_thread = 300
    recorder = daemon_recorder(segment_directory, thread_record_count=8)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    base_us = time.time_ns() // 1000 - 10_000
    start = threading.Barrier(thread_count)
    all_leased = threading.Barrier(thread_count, timeout=60)
    all_done = threading.Barrier(thread_count, timeout=60)
    failures = []

    def worker():
        # The barriers keep every thread alive until all are done: a thread that ended early would
        # hand its record, and the record's request count, to a thread that starts later.
        try:
            start.wait()
            for request in range(requests_per_thread):
                run_request(application, dict(daemon_stamps(base_us, 100, 1_000, 100), CONTENT_LENGTH="3"))
                if request == 0:
                    all_leased.wait()
            all_done.wait()
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(thread_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    total = thread_count * requests_per_thread
    image = read_only_segment(segment_directory)
    assert image.counters["requests"] == total
    assert image.counters["status_2xx"] == total
    assert image.counters["bytes_in"] == 3 * total
    assert image.counters["bytes_out"] == 10 * total
    assert image.counters["queue_us_sum"] == 1_000 * total
    assert sum(image.histograms["application"]) == total
    assert image.histograms["queue"][histogram.bucket_index(1_000)] == total
    assert sum(image.histograms["total"]) == total
    # 12 threads for 8 records: 4 threads ran without a record.
    with_record = sum(thread["requests"] for thread in image.threads)
    assert with_record == 8 * requests_per_thread
    assert image.counters["requests_without_thread_record"] == 4 * requests_per_thread
    assert all(thread["seq"] % 2 == 0 for thread in image.threads)
    assert image.process_seq % 2 == 0


def test_ended_thread_returns_its_record(segment_directory):
    recorder = daemon_recorder(segment_directory, thread_record_count=1)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    for _ in range(3):
        thread = threading.Thread(target=run_request, args=(application,))
        thread.start()
        thread.join()
    image = read_only_segment(segment_directory)
    assert image.counters["requests"] == 3
    assert image.counters["requests_without_thread_record"] == 0


def test_segment_recreated_after_deletion(segment_directory, monkeypatch):
    from scoreboard_collector_wsgi import recorder as recorder_module
    monkeypatch.setattr(recorder_module, "FILE_CHECK_INTERVAL_SECONDS", 0.0)
    recorder = daemon_recorder(segment_directory)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    run_request(application)
    run_request(application)
    [name] = segment_files(segment_directory)
    os.unlink(os.path.join(segment_directory, name))

    run_request(application)
    image = read_only_segment(segment_directory)
    assert image.counters["requests"] == 3
    assert sum(image.histograms["application"]) == 3


def test_stale_segments_removed_on_start(segment_directory):
    init_start = process_start_time(1)
    keep = "1-%d.wsb" % init_start
    stale_start = "1-%d.wsb" % (init_start + 12345)
    dead = "4194000-77.wsb"
    dead_temporary = "4194001-77.wsb.tmp"
    unrelated = "notes.txt"
    for name in (keep, stale_start, dead, dead_temporary, unrelated):
        with open(os.path.join(segment_directory, name), "wb") as leftover:
            leftover.write(b"x")

    daemon_recorder(segment_directory).start()
    names = set(os.listdir(segment_directory))
    assert keep in names
    assert unrelated in names
    assert stale_start not in names
    assert dead not in names
    assert dead_temporary not in names


def test_segment_survives_writer_exit(segment_directory):
    import subprocess
    import sys
    script = (
        "from scoreboard_collector_wsgi import Recorder, ScoreboardMiddleware\n"
        "import sys\n"
        "r = Recorder(directory=sys.argv[1])\n"
        "app = ScoreboardMiddleware(lambda e, s: (s('200 OK', []), [b'x'])[1], recorder=r)\n"
        "res = app({'REQUEST_METHOD': 'GET'}, lambda s, h: None); list(res); res.close()\n"
    )
    environment = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    subprocess.run([sys.executable, "-c", script, segment_directory], check=True, env=environment)
    image = read_only_segment(segment_directory)
    assert image.counters["requests"] == 1
