import os

from scoreboard_collector_wsgi import ProcessInfo, Recorder, ScoreboardMiddleware, layout

from conftest import read_only_segment, run_request, simple_application


def test_directory_from_environment(segment_directory, monkeypatch):
    monkeypatch.setenv("SCOREBOARD_WSGI_DIR", segment_directory)
    recorder = Recorder(process_info=ProcessInfo())
    assert recorder.directory == segment_directory
    recorder.start()
    assert read_only_segment(segment_directory).pid == os.getpid()


def test_directory_argument_beats_environment(segment_directory, monkeypatch):
    monkeypatch.setenv("SCOREBOARD_WSGI_DIR", "/nonexistent-from-environment")
    assert Recorder(directory=segment_directory, process_info=ProcessInfo()).directory == segment_directory


def test_default_directory(monkeypatch):
    monkeypatch.delenv("SCOREBOARD_WSGI_DIR", raising=False)
    assert Recorder(process_info=ProcessInfo()).directory == "/run/scoreboard-collector/wsgi"


def test_thread_record_count_sources(monkeypatch):
    monkeypatch.delenv("SCOREBOARD_WSGI_THREADS", raising=False)
    assert Recorder(process_info=ProcessInfo()).thread_record_count == 64
    assert Recorder(process_info=ProcessInfo(configured_threads=6)).thread_record_count == 6
    monkeypatch.setenv("SCOREBOARD_WSGI_THREADS", "9")
    assert Recorder(process_info=ProcessInfo(configured_threads=6)).thread_record_count == 9
    assert Recorder(thread_record_count=3, process_info=ProcessInfo()).thread_record_count == 3


def test_invalid_thread_variable_falls_back(monkeypatch):
    monkeypatch.setenv("SCOREBOARD_WSGI_THREADS", "many")
    assert Recorder(process_info=ProcessInfo(configured_threads=5)).thread_record_count == 5


def test_record_paths_variable_off(segment_directory, monkeypatch):
    monkeypatch.setenv("SCOREBOARD_WSGI_RECORD_PATHS", "0")
    recorder = Recorder(directory=segment_directory, process_info=ProcessInfo(mode=layout.MODE_DAEMON))
    run_request(ScoreboardMiddleware(simple_application(), recorder=recorder), {"PATH_INFO": "/secret"})
    [thread] = read_only_segment(segment_directory).used_threads()
    assert thread["path"] == ""
