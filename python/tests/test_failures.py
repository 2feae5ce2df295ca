import logging
import os
import subprocess
import sys

from scoreboard_collector_wsgi import ProcessInfo, Recorder, ScoreboardMiddleware, errors, layout
from scoreboard_collector_wsgi import recorder as recorder_module
from scoreboard_collector_wsgi import segment as segment_module

from conftest import read_only_segment, run_request, segment_files, simple_application

PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAEMON = ProcessInfo(mode=layout.MODE_DAEMON, configured_threads=2, process_group="app")


def writer_warnings(caplog):
    return [record for record in caplog.records if record.name == "scoreboard_collector_wsgi"]


def forget_logged_failures():
    errors._logged.clear()


def test_missing_directory_logs_once_and_app_unaffected(segment_directory, caplog):
    forget_logged_failures()
    missing = os.path.join(segment_directory, "does-not-exist")
    recorder = Recorder(directory=missing, process_info=DAEMON)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    with caplog.at_level(logging.WARNING, logger="scoreboard_collector_wsgi"):
        for _ in range(5):
            assert run_request(application) == ("200 OK", b"helloworld")
    [warning] = writer_warnings(caplog)
    assert missing in warning.getMessage()
    assert "2770" in warning.getMessage()
    assert recorder.counters[layout.COUNTER_INDEX["requests"]] == 5


def test_directory_created_later_gets_all_counts(segment_directory, monkeypatch):
    forget_logged_failures()
    monkeypatch.setattr(recorder_module, "RETRY_INTERVAL_SECONDS", 0.0)
    later = os.path.join(segment_directory, "later")
    recorder = Recorder(directory=later, process_info=DAEMON)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    run_request(application)
    run_request(application)
    os.mkdir(later)
    run_request(application)
    assert read_only_segment(later).counters["requests"] == 3


def test_path_that_is_a_file_never_reaches_app(segment_directory):
    forget_logged_failures()
    not_a_directory = os.path.join(segment_directory, "file")
    open(not_a_directory, "w").close()
    recorder = Recorder(directory=os.path.join(not_a_directory, "wsgi"), process_info=DAEMON)
    assert run_request(ScoreboardMiddleware(simple_application(), recorder=recorder)) == ("200 OK", b"helloworld")


def test_unwritable_directory_as_unprivileged_user(segment_directory):
    os.chmod(segment_directory, 0o755)
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.WARNING)\n"
        "from scoreboard_collector_wsgi import Recorder, ScoreboardMiddleware\n"
        "app = ScoreboardMiddleware(lambda e, s: (s('200 OK', []), [b'body'])[1], recorder=Recorder(directory=sys.argv[1]))\n"
        "for _ in range(3):\n"
        "    res = app({'REQUEST_METHOD': 'GET'}, lambda s, h: None)\n"
        "    assert b''.join(res) == b'body'\n"
        "    res.close()\n"
        "print('served')\n"
    )
    nobody = 65534
    result = subprocess.run(
        [sys.executable, "-c", script, segment_directory],
        env=dict(os.environ, PYTHONPATH=PACKAGE_ROOT), capture_output=True, text=True,
        user=nobody, group=nobody, cwd="/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "served\n"
    assert result.stderr.count("WSGI scoreboard disabled") == 1
    assert "Permission denied" in result.stderr
    assert segment_files(segment_directory) == []


def test_internal_failure_logged_once_and_app_unaffected(segment_directory, monkeypatch, caplog):
    forget_logged_failures()
    recorder = Recorder(directory=segment_directory, process_info=DAEMON)
    application = ScoreboardMiddleware(simple_application(), recorder=recorder)
    run_request(application)

    def broken_write(*arguments, **keywords):
        raise ValueError("simulated writer bug")

    monkeypatch.setattr(segment_module.Segment, "write_process_update", broken_write)
    with caplog.at_level(logging.WARNING, logger="scoreboard_collector_wsgi"):
        for _ in range(3):
            assert run_request(application) == ("200 OK", b"helloworld")
    [failure] = writer_warnings(caplog)
    assert "request end" in failure.getMessage()
    assert failure.exc_info[0] is ValueError


def test_broken_begin_still_serves(segment_directory, monkeypatch):
    forget_logged_failures()
    recorder = Recorder(directory=segment_directory, process_info=DAEMON)

    def broken_stamps(environ, now_us):
        raise KeyError("simulated")

    monkeypatch.setattr(recorder_module, "read_stamp_values", broken_stamps)
    assert run_request(ScoreboardMiddleware(simple_application(), recorder=recorder)) == ("200 OK", b"helloworld")


def test_broken_begin_logs_start_failure_only(segment_directory, monkeypatch, caplog):
    import gc
    forget_logged_failures()
    recorder = Recorder(directory=segment_directory, process_info=DAEMON)
    recorder.start()

    def broken_stamps(environ, now_us):
        raise KeyError("simulated")

    monkeypatch.setattr(recorder_module, "read_stamp_values", broken_stamps)
    with caplog.at_level(logging.WARNING, logger="scoreboard_collector_wsgi"):
        for _ in range(3):
            assert run_request(ScoreboardMiddleware(simple_application(), recorder=recorder)) == ("200 OK", b"helloworld")
        gc.collect()
    [failure] = writer_warnings(caplog)
    assert "request start" in failure.getMessage()
    assert failure.exc_info[0] is KeyError
    assert recorder.counters[layout.COUNTER_INDEX["requests"]] == 0
    assert read_only_segment(segment_directory).counters["requests"] == 0
