"""The panel when the collector is down, slow, broken, or the settings are invalid."""

import html
import json
import re
import threading

import pytest

pytest.importorskip("debug_toolbar", reason="the panel tests need Django and django-debug-toolbar: run scripts/django-panel-test.sh")

import django_setup  # noqa: E402, F401
from django.core import checks  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from local_servers import SlowCollector, send, serve, unused_port  # noqa: E402
from toolbar_pages import load_panel, panel_button  # noqa: E402

from scoreboard_collector_wsgi.django_panel import CollectorPanel  # noqa: E402


def collector_settings(url, timeout=0.25):
    return override_settings(SCOREBOARD_COLLECTOR={"URL": url, "TIMEOUT": timeout})


def problem_line(panel_html):
    start = panel_html.index('id="sc-problem">') + len('id="sc-problem">')
    return html.unescape(panel_html[start:panel_html.index("</p>", start)])


def test_unreachable_collector_one_line():
    url = f"http://127.0.0.1:{unused_port()}"
    with collector_settings(url):
        response, panel_html = load_panel(Client())

    assert response.status_code == 200
    assert b"panel test page" in response.content
    assert problem_line(panel_html) == f"Collector at {url} unavailable: connection refused (is scoreboard-collector running?) (/v1/metrics)."
    assert panel_html.count('class="sc-problem"') == 1
    assert "collector unavailable" in panel_button(response.content.decode())
    assert "<h4>Apache</h4>" not in panel_html


def test_malformed_json_reported():
    requested = []

    def garbage(handler):
        requested.append(handler.path)
        send(handler, 200, b"{\"sequence\": 12, \"apache\": {\"up\": tru")

    with serve(garbage) as url, collector_settings(url):
        response, panel_html = load_panel(Client())

    assert response.status_code == 200
    line = problem_line(panel_html)
    assert line.startswith(f"Collector at {url} unavailable: invalid JSON (")
    assert line.endswith("(/v1/metrics).")
    assert sorted(path.split("?")[0] for path in requested) == ["/v1/events", "/v1/history", "/v1/metrics"]


def test_json_array_reported():
    with serve(lambda handler: send(handler, 200, b"[1, 2, 3]")) as url, collector_settings(url):
        _, panel_html = load_panel(Client())

    assert "invalid JSON document (a list, expected an object)" in problem_line(panel_html)


def test_http_error_message_shown():
    body = json.dumps({"error": {"status": 503, "code": "unavailable", "message": "shutting down"}}).encode()
    with serve(lambda handler: send(handler, 503, body)) as url, collector_settings(url):
        _, panel_html = load_panel(Client())

    assert problem_line(panel_html) == f"Collector at {url} unavailable: HTTP 503: shutting down (/v1/metrics)."


def test_slow_collector_not_awaited():
    collector = SlowCollector()
    try:
        with serve(collector.handle) as url, collector_settings(url, timeout=0.2):
            response, panel_html = load_panel(Client())
            answered_while_page_returned = list(collector.answered)
            received = sorted(path.split("?")[0] for path in collector.received)
            collector.release()
    finally:
        collector.release()

    assert response.status_code == 200
    assert received == ["/v1/events", "/v1/history", "/v1/metrics"]
    # The page came back while the collector still held every request open.
    assert answered_while_page_returned == []
    assert problem_line(panel_html) == f"Collector at {url} unavailable: timed out after 0.2 s (/v1/metrics)."


def test_no_sample_yet_reported():
    document = {"collector": {"version": "0.1.0"}, "sequence": None, "reason": "no sample taken yet"}
    with serve(lambda handler: send(handler, 200, json.dumps(document).encode())) as url, collector_settings(url):
        _, panel_html = load_panel(Client())

    assert problem_line(panel_html) == f"Collector at {url} has no sample yet: no sample taken yet."


@pytest.mark.parametrize("setting, expected", [
    ({"URL": "file:///etc/passwd"}, "SCOREBOARD_COLLECTOR['URL'] is invalid: 'file:///etc/passwd'"),
    ({"URL": "http://127.0.0.1:91l8"}, "SCOREBOARD_COLLECTOR['URL'] is invalid: 'http://127.0.0.1:91l8'"),
    ({"URL": "http://:9118"}, "SCOREBOARD_COLLECTOR['URL'] is invalid: 'http://:9118'"),
    ({"TIMEOUT": 0}, "SCOREBOARD_COLLECTOR['TIMEOUT'] is invalid: 0;"),
    ({"TIMEOUT": "fast"}, "SCOREBOARD_COLLECTOR['TIMEOUT'] is invalid: 'fast';"),
    ({"URL": "http://127.0.0.1:9118", "TIMOUT": 1}, "SCOREBOARD_COLLECTOR has unknown key(s) TIMOUT"),
    ("http://127.0.0.1:9118", "SCOREBOARD_COLLECTOR must be a dict"),
])
def test_invalid_settings_reported(setting, expected):
    with override_settings(SCOREBOARD_COLLECTOR=setting):
        response, panel_html = load_panel(Client())
        errors = CollectorPanel.run_checks()
        system_check_ids = [message.id for message in checks.run_checks()]

    assert response.status_code == 200
    assert problem_line(panel_html).startswith(expected)
    assert len(errors) == 1
    assert errors[0].id == "scoreboard_collector_wsgi.E001"
    assert errors[0].msg.startswith(expected)
    assert "scoreboard_collector_wsgi.E001" in system_check_ids


def test_valid_settings_pass_checks():
    with override_settings(SCOREBOARD_COLLECTOR={"URL": "http://127.0.0.1:9118/", "TIMEOUT": 0.5}):
        assert CollectorPanel.run_checks() == []


def test_trickling_collector_not_awaited():
    finished = threading.Event()
    stop = threading.Event()

    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        try:
            while not stop.wait(0.05):
                handler.wfile.write(b" ")
                handler.wfile.flush()
        except OSError:
            pass
        finished.set()

    try:
        with serve(trickle) as url, collector_settings(url, timeout=0.3):
            response, panel_html = load_panel(Client())
            sender_finished_first = finished.is_set()
            stop.set()
    finally:
        stop.set()

    assert response.status_code == 200
    assert sender_finished_first is False
    assert problem_line(panel_html) == f"Collector at {url} unavailable: timed out after 0.3 s (/v1/metrics)."


def test_slow_history_shows_numbers():
    history = SlowCollector()
    metrics = json.dumps({"collector": {"version": "0.1.0"}, "sequence": 9, "time_unix_seconds": 1.0,
                          "apache": {"up": False, "reason": "Apache is not running"}}).encode()

    def handle(handler):
        if handler.path.startswith("/v1/history"):
            history.handle(handler)
        elif handler.path.startswith("/v1/events"):
            send(handler, 200, b'{"events": []}')
        else:
            send(handler, 200, metrics)

    try:
        with serve(handle) as url, collector_settings(url, timeout=0.3):
            response, panel_html = load_panel(Client())
            history.release()
    finally:
        history.release()

    assert response.status_code == 200
    assert 'id="sc-problem"' not in panel_html
    assert "Apache unavailable: Apache is not running" in panel_html
    notes = [html.unescape(note) for note in re.findall(r'<p class="sc-note">([^<]*)</p>', panel_html)]
    assert notes == ["History not updated within 0.3 s (/v1/history); it keeps loading in the background for the next page."]
