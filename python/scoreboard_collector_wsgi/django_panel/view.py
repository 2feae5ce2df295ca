"""The template context of the panel: display text and inline SVG built from the stored stats.

Stats contain numbers, and this module turns them into text at render time. The stats therefore
stay plain JSON, and a panel loaded from the toolbar's store renders the same as a fresh one.
"""

from django.utils.safestring import mark_safe

from . import display
from .metrics_summary import PERCENTILE_NAMES
from .sparkline import render_sparkline

PHASE_LABELS = (("queue_time", "queue"), ("application_time", "application"), ("total_time", "total"))


def build_context(stats):
    """Return the template context for `stats` as recorded by the panel."""
    metrics = stats.get("metrics")
    history = stats.get("history")
    context = {
        "collector_url": stats.get("collector_url"),
        "problem": stats.get("problem"),
        "notes": stats.get("notes", []),
        "request_rows": _request_rows(stats.get("request") or {}),
        "request_mode": (stats.get("request") or {}).get("mode"),
        "comparisons": _comparison_rows(stats),
        "metrics": metrics is not None,
    }
    if metrics is None:
        return context

    measured = stats.get("measured_unix_seconds")
    sample_time = metrics.get("time_unix_seconds")
    context["sample_age"] = display.seconds(
        max(0.0, measured - sample_time) if measured is not None and sample_time is not None else None
    )
    context["sequence"] = display.count(metrics.get("sequence"))
    context["collector_version"] = metrics.get("collector_version") or display.UNKNOWN
    context["apache"] = _apache_context(metrics["apache"], history)
    context["wsgi"] = _wsgi_context(metrics["wsgi"], history)
    context["events"] = _events_context(stats.get("events"), measured)
    return context


def nav_subtitle(stats):
    """Return the one-line summary under the panel's name in the toolbar's side bar."""
    if stats.get("problem"):
        return "collector unavailable"
    apache = (stats.get("metrics") or {}).get("apache") or {}
    if apache.get("up") is False:
        return "Apache unavailable"
    if apache.get("up") is not True:
        return ""
    return f"Apache {display.ratio(apache.get('utilisation'))} busy, {display.rate(apache.get('requests_per_second'), ' req/s')}"


def _request_rows(timing):
    if timing.get("mode") is None:
        return []
    rows = [
        ("mod_wsgi mode", timing["mode"]),
        ("process group", timing.get("process_group") if timing.get("process_group") else "(embedded)"),
        ("server time (Apache until hand-off)", display.seconds(timing.get("server_seconds"))),
        ("queue time (waiting for a daemon thread)", display.seconds(timing.get("queue_seconds"))),
        ("daemon time (until the application call)", display.seconds(timing.get("daemon_seconds"))),
        ("application time (until the toolbar saw the response)", display.seconds(timing.get("application_seconds"))),
        ("total", display.seconds(timing.get("total_seconds"))),
    ]
    if timing.get("malformed_stamps"):
        rows.append(("malformed mod_wsgi stamps (ignored)", str(timing["malformed_stamps"])))
    return rows


def _comparison_rows(stats):
    comparison = stats.get("comparison")
    timing = stats.get("request") or {}
    if not comparison:
        return []
    rows = []
    for phase, key, label in (("queue_time", "queue_seconds", "queue"), ("application_time", "application_seconds", "application")):
        entry = comparison.get(phase) or {}
        percentiles = entry.get("percentiles")
        rows.append({
            "label": label,
            "value": display.seconds(timing.get(key)),
            "placement": entry.get("placement") or "unknown (no comparable requests)",
            "window": display.window(entry.get("window_seconds")),
            "requests": display.count(entry.get("requests")),
            "percentiles": [(name, display.seconds((percentiles or {}).get(name))) for name in PERCENTILE_NAMES],
        })
    return [{"group_found": comparison.get("group_found"), "rows": rows}]


def _apache_context(apache, history):
    if apache.get("up") is not True:
        return {"up": False, "reason": apache.get("reason") or display.UNKNOWN}

    busy = apache.get("busy")
    maximum = apache.get("max_request_workers")
    rows = [
        ("capacity utilisation", f"{display.ratio(apache.get('utilisation'))} ({display.count(busy)} busy of {display.count(maximum)} MaxRequestWorkers)"),
        ("idle workers", display.count(apache.get("idle"))),
        ("requests/s", display.rate(apache.get("requests_per_second"))),
        ("traffic", display.byte_rate(apache.get("bytes_per_second"))),
        ("mean response time (last interval)", display.seconds(apache.get("mean_response_seconds"))),
        ("in-flight requests", f"{display.count(apache.get('in_flight'))} (oldest {display.seconds(apache.get('oldest_in_flight_seconds'))})"),
        ("live processes", display.count(apache.get("live_processes"))),
        ("generation / uptime", f"{display.count(apache.get('generation'))} / {display.span(apache.get('uptime_seconds'))}"),
        ("restarts seen (graceful / hard)", f"{display.count(apache.get('restarts_total'))} ({display.count(apache.get('graceful_restarts_total'))} / {display.count(apache.get('hard_restarts_total'))})"),
    ]
    if apache.get("counters_unavailable_reason"):
        rows.append(("counters", apache["counters_unavailable_reason"]))

    windows = []
    for window in apache.get("response_windows", []):
        windows.append({
            "window": display.window(window.get("window_seconds")),
            "requests": display.count(window.get("requests")),
            "values": [display.seconds(window.get(name)) for name in PERCENTILE_NAMES + ("max",)],
        })

    sparklines = []
    if history is not None:
        series = history["apache"]
        sparklines = [
            _sparkline(history, series["utilisation"], "Apache utilisation", display.ratio, upper_bound=1.0),
            _sparkline(history, series["requests_per_second"], "Apache requests/s", display.rate),
            _sparkline(history, series["mean_response_seconds"], "Apache mean response time", display.seconds),
            _sparkline(history, series["in_flight"], "Apache in-flight requests", display.count),
        ]
    return {"up": True, "rows": rows, "windows": windows, "sparklines": sparklines}


def _wsgi_context(wsgi, history):
    history_groups = {group["process_group"]: group for group in (history or {}).get("groups", [])}
    groups = []
    for group in wsgi.get("groups", []):
        rows = [
            ("mode", group.get("mode") or display.UNKNOWN),
            ("capacity utilisation", f"{display.ratio(group.get('utilisation'))} ({display.count(group.get('threads_busy'))} busy of {display.count(group.get('threads_total'))} threads)"),
            ("processes (live / configured)", f"{display.count(group.get('processes_live'))} / {display.count(group.get('processes_configured'))}"),
            ("requests/s", display.rate(group.get("requests_per_second"))),
            ("5xx/s, exceptions/s", f"{display.rate(group.get('server_errors_per_second'))}, {display.rate(group.get('exceptions_per_second'))}"),
            ("in-flight requests", f"{display.count(group.get('in_flight'))} (oldest {display.seconds(group.get('oldest_in_flight_seconds'))})"),
        ]
        windows = []
        for window in group.get("windows", []):
            for phase, label in PHASE_LABELS:
                times = window.get(phase) or {}
                windows.append({
                    "window": display.window(window.get("window_seconds")),
                    "requests": display.count(window.get("requests")),
                    "phase": label,
                    "values": [display.seconds(times.get(name)) for name in ("mean",) + PERCENTILE_NAMES],
                })

        sparklines = []
        group_history = history_groups.get(group.get("process_group"))
        if group_history is not None:
            series = group_history["series"]
            name = group["label"]
            sparklines = [
                _sparkline(history, series["utilisation"], f"{name} utilisation", display.ratio, upper_bound=1.0),
                _sparkline(history, series["requests_per_second"], f"{name} requests/s", display.rate),
                _total_time_sparkline(history, series, name),
                _sparkline(history, series["queue_time_mean_seconds"], f"{name} mean queue time", display.seconds),
            ]
        groups.append({"label": group["label"], "rows": rows, "windows": windows, "sparklines": sparklines})
    return {"up": wsgi.get("up"), "reason": wsgi.get("reason"), "groups": groups}


def _total_time_sparkline(history, series, name):
    # A collector publishes either the p95 or the mean of the total time per history sample.
    # The p95 is preferred because it shows slow requests that a mean hides.
    p95 = series.get("total_time_p95_seconds") or []
    if any(value is not None for value in p95):
        return _sparkline(history, p95, f"{name} total time p95", display.seconds)
    return _sparkline(history, series.get("total_time_mean_seconds") or [], f"{name} mean total time", display.seconds)


def _sparkline(history, values, label, format_value, upper_bound=None):
    svg = render_sparkline(history["times"], values, history["breaks"], label, format_value, upper_bound)
    known = [value for value in values if value is not None]
    return {
        "label": label,
        "svg": mark_safe(svg),  # render_sparkline escapes every text it embeds
        "now": format_value(known[-1]) if known else display.UNKNOWN,
    }


def _events_context(events, measured):
    if events is None:
        return None
    rows = []
    for event in events:
        event_time = event.get("time_unix_seconds")
        age = measured - event_time if measured is not None and event_time is not None else None
        rows.append({
            "age": display.span(max(0.0, age)) + " ago" if age is not None else display.UNKNOWN,
            "kind": event.get("kind") or display.UNKNOWN,
            "source": event.get("source") or display.UNKNOWN,
            "pid": display.count(event.get("pid")),
            "detail": event.get("detail") or "",
            "is_restart": bool(event.get("is_restart")),
        })
    return rows
