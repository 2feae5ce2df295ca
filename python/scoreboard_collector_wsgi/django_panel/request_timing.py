"""This request's own mod_wsgi phases, and where they fall in its process group's distribution."""

from .. import layout
from ..timing import pre_application_phases, read_stamps
from .fields import number

PROCESS_GROUP_KEY = "mod_wsgi.process_group"
VERSION_KEY = "mod_wsgi.version"
MODE_NAMES = {layout.MODE_DAEMON: "daemon", layout.MODE_EMBEDDED: "embedded", layout.MODE_NONE: None}
MICROSECONDS_PER_SECOND = 1_000_000
# Percentiles in ascending order; a value is placed between the two that bracket it.
PERCENTILE_ORDER = ("p50", "p90", "p95", "p99")


def served_mode(environ):
    """Return the mod_wsgi mode that served `environ`: daemon if it names a process group, else embedded.

    Returns MODE_NONE when no mod_wsgi key is present, for example under `runserver`.
    """
    process_group = environ.get(PROCESS_GROUP_KEY)
    if isinstance(process_group, str) and process_group:
        return layout.MODE_DAEMON
    if process_group is not None or VERSION_KEY in environ:
        return layout.MODE_EMBEDDED
    return layout.MODE_NONE


def measure_request(environ, now_us):
    """Return this request's phases in seconds (None when unknown) at wall time `now_us`.

    The application time runs from mod_wsgi's application start to `now_us`, which the panel
    takes when the response passes the toolbar, so it includes the view and the middleware
    below the toolbar but not the toolbar's own rendering.
    """
    mode = served_mode(environ)
    process_group = environ.get(PROCESS_GROUP_KEY)
    timing = {
        "mode": MODE_NAMES[mode],
        "process_group": process_group if isinstance(process_group, str) else None,
        "server_seconds": None,
        "queue_seconds": None,
        "daemon_seconds": None,
        "application_seconds": None,
        "total_seconds": None,
        "malformed_stamps": 0,
    }
    if mode == layout.MODE_NONE:
        return timing

    stamps = read_stamps(environ, now_us)
    timing["malformed_stamps"] = stamps.malformed
    server_us, queue_us, daemon_us = pre_application_phases(mode, stamps)
    application_us = None if stamps.application_start is None else now_us - stamps.application_start
    phases_us = (server_us, queue_us, daemon_us, application_us)

    timing["server_seconds"] = _seconds(server_us)
    timing["queue_seconds"] = _seconds(queue_us)
    timing["daemon_seconds"] = _seconds(daemon_us)
    timing["application_seconds"] = _seconds(application_us)
    if None not in phases_us:
        timing["total_seconds"] = _seconds(sum(max(0, phase) for phase in phases_us))
    return timing


def _seconds(microseconds):
    # A negative phase comes from clock skew between Apache and daemon processes. The panel
    # counts it as 0, like the writer.
    if microseconds is None:
        return None
    return max(0, microseconds) / MICROSECONDS_PER_SECOND


def place_in_distribution(seconds, percentiles):
    """Describe `seconds` against `percentiles` ({"p50": s, "p90": s, ...}, None when unknown).

    Returns a short phrase such as "faster than ~p50" or "slower than ~p90, faster than ~p95",
    or None when the value or the group's median is unknown. The collector's percentiles come
    from log-bucketed histograms (about 2 % relative error), hence "~".
    """
    seconds = number(seconds)
    known = [(name, percentiles.get(name)) for name in PERCENTILE_ORDER if number(percentiles.get(name)) is not None]
    if seconds is None or not known or known[0][0] != "p50":
        return None

    slower_than = None
    for name, value in known:
        if seconds <= value:
            if slower_than is None:
                return f"faster than ~{name}"
            return f"slower than ~{slower_than}, faster than ~{name}"
        slower_than = name
    return f"slower than ~{slower_than}"


def choose_window(windows, phase):
    """Return the widest window whose `phase` median is known: the longest recent distribution with data."""
    usable = [
        window for window in windows
        if number(window.get("window_seconds")) is not None and number((window.get(phase) or {}).get("p50")) is not None
    ]
    if not usable:
        return None
    return max(usable, key=lambda window: window["window_seconds"])


def compare_with_group(timing, group):
    """Place this request's queue and application time in the group's window percentiles."""
    comparison = {}
    for phase, key in (("queue_time", "queue_seconds"), ("application_time", "application_seconds")):
        window = choose_window(group["windows"], phase) if group is not None else None
        if window is None:
            comparison[phase] = {"window_seconds": None, "requests": None, "percentiles": None, "placement": None}
            continue
        comparison[phase] = {
            "window_seconds": window["window_seconds"],
            "requests": window["requests"],
            "percentiles": dict(window[phase]),
            "placement": place_in_distribution(timing[key], window[phase]),
        }
    return comparison
