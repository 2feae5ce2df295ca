"""This request's mod_wsgi phases as the panel shows them, and their place in a distribution."""

import html
import re
import time

import pytest

pytest.importorskip("debug_toolbar", reason="the panel tests need Django and django-debug-toolbar: run scripts/django-panel-test.sh")

import django_setup  # noqa: E402, F401
from django.test import Client, override_settings  # noqa: E402

from local_servers import unused_port  # noqa: E402
from toolbar_pages import load_panel  # noqa: E402

from scoreboard_collector_wsgi.django_panel.request_timing import (  # noqa: E402
    compare_with_group,
    measure_request,
    place_in_distribution,
)

ROW_PATTERN = re.compile(r"<tr><th>([^<]+)</th><td class=\"sc-number\">([^<]*)</td></tr>")


def request_rows(panel_html):
    start = panel_html.index('id="sc-request"')
    table = panel_html[start:panel_html.index("</table>", start)]
    return {html.unescape(label): html.unescape(value) for label, value in ROW_PATTERN.findall(table)}


def load_with_environ(environ):
    with override_settings(SCOREBOARD_COLLECTOR={"URL": f"http://127.0.0.1:{unused_port()}", "TIMEOUT": 0.25}):
        response, panel_html = load_panel(Client(), **environ)
    assert response.status_code == 200
    return panel_html


def test_daemon_mode_4x_microsecond_strings():
    request_start = time.time_ns() // 1000 - 50_000
    rows = request_rows(load_with_environ({
        "mod_wsgi.process_group": "app",
        "mod_wsgi.request_start": str(request_start),
        "mod_wsgi.queue_start": str(request_start + 1_000),
        "mod_wsgi.daemon_start": str(request_start + 3_500),
        "mod_wsgi.script_start": str(request_start + 4_000),
    }))

    assert rows["mod_wsgi mode"] == "daemon"
    assert rows["process group"] == "app"
    assert rows["server time (Apache until hand-off)"] == "1.0 ms"
    assert rows["queue time (waiting for a daemon thread)"] == "2.5 ms"
    assert rows["daemon time (until the application call)"] == "500 µs"
    application_ms = float(rows["application time (until the toolbar saw the response)"].removesuffix(" ms"))
    assert application_ms >= 46.0
    total_ms = float(rows["total"].removesuffix(" ms"))
    assert total_ms == pytest.approx(4.0 + application_ms, abs=0.11)


def test_daemon_mode_6x_float_seconds():
    request_start = time.time() - 0.2
    rows = request_rows(load_with_environ({
        "mod_wsgi.process_group": "web",
        "mod_wsgi.request_start": request_start,
        "mod_wsgi.queue_start": request_start + 0.001,
        "mod_wsgi.daemon_start": request_start + 0.121,
        "mod_wsgi.application_start": request_start + 0.1215,
    }))

    assert rows["mod_wsgi mode"] == "daemon"
    assert rows["process group"] == "web"
    assert rows["server time (Apache until hand-off)"] == "1.0 ms"
    assert rows["queue time (waiting for a daemon thread)"] == "120.0 ms"
    assert rows["daemon time (until the application call)"] == "500 µs"


def test_embedded_mode_has_no_queue():
    request_start = time.time() - 0.01
    rows = request_rows(load_with_environ({
        "mod_wsgi.process_group": "",
        "mod_wsgi.version": (6, 1, 1),
        "mod_wsgi.request_start": request_start,
        "mod_wsgi.queue_start": 0.0,
        "mod_wsgi.daemon_start": 0.0,
        "mod_wsgi.application_start": request_start + 0.002,
    }))

    assert rows["mod_wsgi mode"] == "embedded"
    assert rows["process group"] == "(embedded)"
    assert rows["server time (Apache until hand-off)"] == "2.0 ms"
    assert rows["queue time (waiting for a daemon thread)"] == "0 µs"


def test_malformed_stamp_is_unknown():
    rows = request_rows(load_with_environ({
        "mod_wsgi.process_group": "app",
        "mod_wsgi.request_start": "yesterday",
        "mod_wsgi.queue_start": str(time.time_ns() // 1000),
    }))

    assert rows["server time (Apache until hand-off)"] == "unknown"
    assert rows["queue time (waiting for a daemon thread)"] == "unknown"
    assert rows["application time (until the toolbar saw the response)"] == "unknown"
    assert rows["total"] == "unknown"
    assert rows["malformed mod_wsgi stamps (ignored)"] == "1"


def test_outside_mod_wsgi_says_so():
    panel_html = load_with_environ({})

    assert 'id="sc-request"' not in panel_html
    assert "Not served by mod_wsgi" in panel_html


def test_negative_phase_counts_as_zero():
    now_us = 1_700_000_000_000_000
    timing = measure_request({
        "mod_wsgi.process_group": "app",
        "mod_wsgi.request_start": str(now_us - 10_000),
        "mod_wsgi.queue_start": str(now_us - 9_000),
        "mod_wsgi.daemon_start": str(now_us - 9_200),
        "mod_wsgi.script_start": str(now_us - 8_000),
    }, now_us)

    assert timing["queue_seconds"] == 0
    assert timing["daemon_seconds"] == pytest.approx(0.0012)
    assert timing["application_seconds"] == pytest.approx(0.008)
    assert timing["total_seconds"] == pytest.approx(0.001 + 0.0012 + 0.008)


PERCENTILES = {"p50": 0.010, "p90": 0.050, "p95": 0.080, "p99": 0.200}


@pytest.mark.parametrize("seconds, expected", [
    (0.004, "faster than ~p50"),
    (0.010, "faster than ~p50"),
    (0.020, "slower than ~p50, faster than ~p90"),
    (0.060, "slower than ~p90, faster than ~p95"),
    (0.100, "slower than ~p95, faster than ~p99"),
    (0.500, "slower than ~p99"),
])
def test_placement_phrases(seconds, expected):
    assert place_in_distribution(seconds, PERCENTILES) == expected


def test_placement_unknown_without_median():
    assert place_in_distribution(0.01, {"p50": None, "p90": None, "p95": None, "p99": None}) is None
    assert place_in_distribution(None, PERCENTILES) is None


def test_placement_skips_unknown_upper_percentiles():
    assert place_in_distribution(0.3, {"p50": 0.01, "p90": 0.05, "p95": None, "p99": None}) == "slower than ~p90"


def test_comparison_uses_widest_window_with_data():
    empty = {"mean": None, "p50": None, "p90": None, "p95": None, "p99": None}
    group = {"windows": [
        {"window_seconds": 60, "requests": 40, "queue_time": dict(PERCENTILES, mean=0.02),
         "application_time": dict(PERCENTILES, mean=0.02), "total_time": dict(PERCENTILES, mean=0.03)},
        {"window_seconds": 300, "requests": 0, "queue_time": empty, "application_time": empty, "total_time": empty},
    ]}
    comparison = compare_with_group({"queue_seconds": 0.0001, "application_seconds": 0.3}, group)

    assert comparison["queue_time"]["window_seconds"] == 60
    assert comparison["queue_time"]["requests"] == 40
    assert comparison["queue_time"]["placement"] == "faster than ~p50"
    assert comparison["application_time"]["placement"] == "slower than ~p99"


def test_comparison_without_group():
    comparison = compare_with_group({"queue_seconds": 0.001, "application_seconds": 0.3}, None)

    assert comparison["queue_time"]["placement"] is None
    assert comparison["application_time"]["percentiles"] is None
