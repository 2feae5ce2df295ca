import sys
import time
import types

import pytest

from scoreboard_collector_wsgi import layout, mod_wsgi_events
from scoreboard_collector_wsgi import recorder as recorder_module

from conftest import read_only_segment, run_request, simple_application


@pytest.fixture
def fake_mod_wsgi(monkeypatch, segment_directory):
    """A stand-in for the mod_wsgi module, with the attributes a daemon process has in 4.9.4."""
    module = types.ModuleType("mod_wsgi")
    module.process_group = "app"
    module.application_group = ""
    module.maximum_processes = 2
    module.threads_per_process = 4
    module.callbacks = []
    module.subscribe_events = module.callbacks.append
    monkeypatch.setitem(sys.modules, "mod_wsgi", module)
    monkeypatch.setattr(mod_wsgi_events, "_installed", False)
    monkeypatch.setattr(recorder_module, "_default_recorder", None)
    monkeypatch.setenv("SCOREBOARD_WSGI_DIR", segment_directory)
    return module


def publish(module, name, **payload):
    """Call subscribers like mod_wsgi does, merging returned dicts into the payload."""
    for callback in module.callbacks:
        result = callback(name, **payload)
        if isinstance(result, dict):
            payload.update(result)
    return payload


def test_install_wraps_application_object(fake_mod_wsgi, segment_directory):
    assert mod_wsgi_events.install() is True
    image = read_only_segment(segment_directory)
    assert image.mode == layout.MODE_DAEMON
    assert (image.configured_processes, image.configured_threads, image.thread_record_count) == (2, 4, 4)
    assert image.process_group == "app"

    application = simple_application()
    now_us = time.time_ns() // 1000
    environ = {"mod_wsgi.request_start": (now_us - 400) / 1e6, "mod_wsgi.queue_start": (now_us - 300) / 1e6,
               "mod_wsgi.daemon_start": (now_us - 200) / 1e6, "mod_wsgi.application_start": (now_us - 100) / 1e6}
    for _ in range(2):
        payload = publish(fake_mod_wsgi, "request_started", request_id="abc", application_object=application,
                          request_environ=environ)
        assert payload["application_object"] is not application
        assert run_request(payload["application_object"], environ) == ("200 OK", b"helloworld")
        publish(fake_mod_wsgi, "request_finished", request_id="abc")

    counters = read_only_segment(segment_directory).counters
    assert counters["requests"] == 2
    assert counters["queue_count"] == 2
    assert abs(counters["queue_us_sum"] - 200) <= 2


def test_install_twice_subscribes_once(fake_mod_wsgi):
    assert mod_wsgi_events.install() is True
    assert mod_wsgi_events.install() is True
    assert len(fake_mod_wsgi.callbacks) == 1


def test_install_outside_mod_wsgi_returns_false(monkeypatch):
    monkeypatch.setitem(sys.modules, "mod_wsgi", None)
    assert mod_wsgi_events.install() is False


def test_event_without_application_object_is_ignored(fake_mod_wsgi):
    mod_wsgi_events.install()
    payload = publish(fake_mod_wsgi, "request_started", request_id="abc")
    assert "application_object" not in payload


def test_embedded_mode_leaves_process_count_unknown(fake_mod_wsgi, segment_directory):
    fake_mod_wsgi.process_group = ""
    fake_mod_wsgi.maximum_processes = 3
    fake_mod_wsgi.threads_per_process = 25
    assert mod_wsgi_events.install() is True
    image = read_only_segment(segment_directory)
    assert image.mode == layout.MODE_EMBEDDED
    assert image.configured_processes == 0
    assert (image.configured_threads, image.thread_record_count) == (25, 25)
