"""Reading collector documents: unknown values stay unknown, bad values never raise, gaps break lines."""

import json

import pytest

pytest.importorskip("debug_toolbar", reason="the panel tests need Django and django-debug-toolbar: run scripts/django-panel-test.sh")

import django_setup  # noqa: E402, F401
from django.test import Client, override_settings  # noqa: E402

from local_servers import send, serve  # noqa: E402
from toolbar_pages import load_panel  # noqa: E402

from scoreboard_collector_wsgi.django_panel import display  # noqa: E402
from scoreboard_collector_wsgi.django_panel.history_cache import MAXIMUM_CACHED_SAMPLES, HistoryCache  # noqa: E402
from scoreboard_collector_wsgi.django_panel.history_summary import (  # noqa: E402
    history_query,
    summarise_events,
    summarise_history,
)
from scoreboard_collector_wsgi.django_panel.metrics_summary import summarise_metrics  # noqa: E402
from scoreboard_collector_wsgi.django_panel.sparkline import render_sparkline  # noqa: E402
from scoreboard_collector_wsgi.django_panel.view import build_context  # noqa: E402

NULL_APACHE = {
    "up": True, "reason": None, "generation": 3, "uptime_seconds": 12.5,
    "workers": {"busy": 2, "idle": None},
    "processes": {"live": None},
    "capacity": {"max_request_workers": None, "utilisation": None},
    "counters": {"unavailable_reason": "ExtendedStatus is off", "requests_per_second": None, "bytes_per_second": None},
    "response_time": {"mean_seconds": None, "windows": [
        {"window_seconds": 60, "requests": 0, "coverage": None, "p50_seconds": None, "p90_seconds": None,
         "p95_seconds": None, "p99_seconds": None, "max_seconds": None},
    ]},
    "in_flight": {"count": None, "oldest_age_seconds": None},
    "restarts": {"total": 0, "graceful_total": 0, "hard_total": 0},
}
NULL_GROUP = {
    "process_group": "", "mode": "embedded",
    "processes": {"live": 2, "configured": None, "started": 2, "exited": 0},
    "threads": {"busy": 0, "total": 10}, "utilisation": None, "requests_per_second": None,
    "requests_total": 0, "status_per_second": {"5xx": None}, "exceptions_per_second": None,
    "in_flight": {"count": 0, "oldest_age_seconds": None}, "negative_phase_total": 0,
    "windows": [{"window_seconds": 300, "requests": 0,
                 "application_time": {"mean_seconds": None, "p50_seconds": None, "p90_seconds": None, "p95_seconds": None, "p99_seconds": None},
                 "queue_time": {"mean_seconds": None}, "total_time": None}],
}


def metrics_document(apache=NULL_APACHE, groups=(NULL_GROUP,)):
    return {"collector": {"version": "0.1.0", "interval_seconds": 1, "history_capacity": 1800},
            "sequence": 42, "time_unix_seconds": 1_800_000_000.0, "interval_seconds": 1.0,
            "apache": apache, "wsgi": {"up": True, "reason": None, "groups": list(groups)}}


def test_null_apache_fields_stay_unknown():
    apache = summarise_metrics(metrics_document())["apache"]

    assert apache["utilisation"] is None
    assert apache["max_request_workers"] is None
    assert apache["requests_per_second"] is None
    assert apache["idle"] is None
    assert apache["busy"] == 2
    assert apache["response_windows"][0]["p50"] is None
    assert apache["response_windows"][0]["requests"] == 0


def test_null_fields_render_unknown_not_zero():
    stats = {"collector_url": "http://127.0.0.1:9118", "measured_unix_seconds": 1_800_000_000.5,
             "metrics": summarise_metrics(metrics_document()), "history": None, "events": [], "request": {}}
    context = build_context(stats)
    apache_rows = dict(context["apache"]["rows"])
    group_rows = dict(context["wsgi"]["groups"][0]["rows"])

    assert apache_rows["capacity utilisation"] == "unknown (2 busy of unknown MaxRequestWorkers)"
    assert apache_rows["requests/s"] == "unknown"
    assert apache_rows["mean response time (last interval)"] == "unknown"
    assert apache_rows["in-flight requests"] == "unknown (oldest unknown)"
    assert apache_rows["counters"] == "ExtendedStatus is off"
    assert context["apache"]["windows"][0]["values"] == ["unknown"] * 5
    assert context["wsgi"]["groups"][0]["label"] == "(embedded)"
    assert group_rows["capacity utilisation"] == "unknown (0 busy of 10 threads)"
    assert group_rows["processes (live / configured)"] == "2 / unknown"
    assert group_rows["requests/s"] == "unknown"


@pytest.mark.parametrize("bad", [True, "12", float("nan"), float("inf"), -1, [1], {"value": 1}])
def test_wrong_types_become_unknown(bad):
    apache = dict(NULL_APACHE, capacity={"max_request_workers": bad, "utilisation": bad},
                  counters={"requests_per_second": bad}, workers={"busy": bad, "idle": bad})
    summary = summarise_metrics(metrics_document(apache=apache))["apache"]

    assert summary["utilisation"] is None
    assert summary["requests_per_second"] is None
    assert summary["busy"] is None
    assert summary["max_request_workers"] is None


def test_apache_down_keeps_reason_only():
    summary = summarise_metrics(metrics_document(apache={"up": False, "reason": "no scoreboard: Apache is not running", "reason_kind": "stopped"}))

    assert summary["apache"] == {"up": False, "reason": "no scoreboard: Apache is not running"}
    assert build_context({"metrics": summary, "request": {}})["apache"] == {"up": False, "reason": "no scoreboard: Apache is not running"}


def test_unexpected_shapes_do_not_raise():
    for document in ({}, {"sequence": 1, "apache": [], "wsgi": "x"}, {"sequence": 1, "apache": {"up": True, "workers": 5}}):
        summary = summarise_metrics(document)
        assert json.loads(json.dumps(summary)) == summary
        build_context({"metrics": summary, "request": {}, "history": summarise_history({"samples": "none"}),
                       "events": summarise_events({"events": [1, None, {}]})})


def test_panel_renders_document_with_nulls():
    body = json.dumps(metrics_document()).encode()
    with serve(lambda handler: send(handler, 200, body)) as url, \
            override_settings(SCOREBOARD_COLLECTOR={"URL": url, "TIMEOUT": 1}):
        response, panel_html = load_panel(Client())

    assert response.status_code == 200
    assert 'id="sc-problem"' not in panel_html
    assert "unknown (2 busy of unknown MaxRequestWorkers)" in panel_html
    assert "History unavailable: invalid JSON document" not in panel_html
    assert "Group (embedded)" in panel_html


def history_sample(sequence, time, utilisation, gap=False, groups=()):
    return {"sequence": sequence, "time_unix_seconds": time, "interval_seconds": 1, "gap": gap,
            "apache": {"up": True, "utilisation": utilisation, "requests_per_second": 1.0, "in_flight": 0,
                       "mean_response_time_seconds": None},
            "wsgi": {"up": True, "groups": list(groups)}}


def test_history_keeps_last_30_minutes():
    samples = [history_sample(index, 1000.0 + index * 60, 0.1) for index in range(40)]
    history = summarise_history({"samples": samples})

    assert history["times"][0] == samples[-1]["time_unix_seconds"] - 1800
    assert len(history["times"]) == 31
    assert history["apache"]["utilisation"] == [0.1] * 31
    assert history["apache"]["mean_response_seconds"] == [None] * 31


def test_history_marks_gaps_and_missing_groups():
    group = {"process_group": "app", "requests_per_second": 4.0, "utilisation": 0.5, "total_time_p95_seconds": 0.02,
             "queue_time_mean_seconds": 0.001, "application_time_mean_seconds": 0.01}
    samples = [
        history_sample(1, 100.0, 0.2, groups=[group]),
        history_sample(2, 101.0, None),
        history_sample(5, 104.0, 0.4, gap=True, groups=[group]),
    ]
    history = summarise_history({"samples": samples})

    assert history["breaks"] == [2]
    assert history["apache"]["utilisation"] == [0.2, None, 0.4]
    assert history["groups"][0]["process_group"] == "app"
    assert history["groups"][0]["series"]["utilisation"] == [0.5, None, 0.5]


def test_sparkline_breaks_at_gaps_and_nulls():
    svg = render_sparkline([0, 1, 2, 3, 4, 5], [0.0, 0.5, None, 1.0, 0.5, 0.25], [4], "load", display.ratio, upper_bound=1.0)

    path = svg.split('<path d="')[1].split('"')[0]
    assert path == "M2.0,30.0 L49.2,16.0 M143.6,2.0 h0 M190.8,16.0 L238.0,23.0"
    assert "<title>load: now 25.0 %, max 100.0 % over the last 5 s</title>" in svg
    assert "<script" not in svg


def test_sparkline_escapes_label():
    svg = render_sparkline([0, 1], [1, 2], [], 'group "<x>"', display.count)

    assert "<x>" not in svg
    assert "&lt;x&gt;" in svg


def test_sparkline_without_data():
    assert "no history" in render_sparkline([0], [1.0], [], "load", display.ratio)
    assert "no history" in render_sparkline([0, 1], [None, None], [], "load", display.ratio)


def test_events_newest_first_with_restarts_marked():
    events = summarise_events({"events": [
        {"time_unix_seconds": 10.0, "kind": "attach", "source": "apache", "pid": 7, "detail": "attached"},
        {"time_unix_seconds": 20.0, "kind": "graceful_restart", "source": "apache", "pid": 7, "detail": "SIGUSR1"},
        {"time_unix_seconds": 30.0, "kind": "anomaly", "source": "apache", "pid": None, "detail": "counter went back"},
    ]})

    assert [event["kind"] for event in events] == ["anomaly", "graceful_restart", "attach"]
    assert [event["is_restart"] for event in events] == [False, True, False]
    assert events[0]["pid"] is None


@pytest.mark.parametrize("info, expected", [
    (None, ""),
    ({"history_capacity": 1800, "interval_seconds": 1}, "?limit=1800"),
    ({"history_capacity": 600, "interval_seconds": 1}, "?limit=600"),
    ({"history_capacity": 86400, "interval_seconds": 0.5}, "?limit=3601"),
    ({"history_capacity": 1800, "interval_seconds": None}, ""),
])
def test_history_query_within_capacity(info, expected):
    assert history_query(info) == expected


def test_group_sparkline_falls_back_to_mean_total():
    group = {"process_group": "app", "requests_per_second": 4.0, "utilisation": 0.5, "threads_busy": 2, "threads_total": 4,
             "in_flight": 2, "queue_time_mean_seconds": 0.001, "application_time_mean_seconds": 0.01,
             "total_time_mean_seconds": 0.012}
    history = summarise_history({"samples": [history_sample(1, 100.0, 0.2, groups=[group]),
                                             history_sample(2, 101.0, 0.3, groups=[group])]})
    metrics = summarise_metrics(metrics_document(groups=[dict(NULL_GROUP, process_group="app")]))
    context = build_context({"metrics": metrics, "history": history, "events": [], "request": {}})
    labels = [line["label"] for line in context["wsgi"]["groups"][0]["sparklines"]]

    assert labels == ["app utilisation", "app requests/s", "app mean total time", "app mean queue time"]
    assert context["wsgi"]["groups"][0]["sparklines"][2]["now"] == "12.0 ms"


def history_document(started, sequences, start_time=1000.0):
    return {"collector": {"started_unix_seconds": started},
            "samples": [history_sample(sequence, start_time + sequence, 0.1) for sequence in sequences]}


def cached_sequences(cache):
    return [(sample["sequence"], sample["gap"]) for sample in cache.samples()]


def test_history_cache_appends_new_samples():
    cache = HistoryCache("http://127.0.0.1:9118")
    cache.merge(history_document(5.0, [1, 2, 3]))
    cache.merge(history_document(5.0, [3, 4]))

    assert cached_sequences(cache) == [(1, False), (2, False), (3, False), (4, False)]


def test_history_cache_marks_missed_samples_as_gap():
    cache = HistoryCache("http://127.0.0.1:9118")
    cache.merge(history_document(5.0, [1, 2]))
    cache.merge(history_document(5.0, [7, 8]))

    assert cached_sequences(cache) == [(1, False), (2, False), (7, True), (8, False)]


def test_history_cache_reset_on_collector_restart():
    cache = HistoryCache("http://127.0.0.1:9118")
    cache.merge(history_document(5.0, [40, 41]))
    cache.merge(history_document(900.0, [1, 2]))

    assert cached_sequences(cache) == [(1, False), (2, False)]


def test_history_cache_keeps_30_minutes():
    cache = HistoryCache("http://127.0.0.1:9118")
    cache.merge(history_document(5.0, range(1, 2001)))

    sequences = [sequence for sequence, _ in cached_sequences(cache)]
    assert sequences[0] == 2000 - 1800
    assert sequences[-1] == 2000


def test_history_cache_sample_limit():
    cache = HistoryCache("http://127.0.0.1:9118")
    samples = [history_sample(sequence, 1000.0 + sequence * 0.1, 0.1) for sequence in range(1, 5001)]
    cache.merge({"collector": {"started_unix_seconds": 5.0}, "samples": samples})

    sequences = [sequence for sequence, _ in cached_sequences(cache)]
    assert len(sequences) == MAXIMUM_CACHED_SAMPLES
    assert sequences[-1] == 5000
