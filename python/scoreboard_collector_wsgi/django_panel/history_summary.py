"""Series for the sparklines from a `/v1/history` document and recent events from `/v1/events`."""

import math

from .fields import count, flag, member, non_negative, number, objects, text
from .metrics_summary import group_label

SPARKLINE_SECONDS = 30 * 60
EVENTS_SHOWN = 20
# Event kinds that mean a server or process (re)started, stopped or died.
RESTART_KINDS = frozenset(("start", "stop", "graceful_restart", "hard_restart", "crash", "child_recycled"))

APACHE_SERIES = (
    ("utilisation", "utilisation"),
    ("requests_per_second", "requests_per_second"),
    ("mean_response_seconds", "mean_response_time_seconds"),
    ("in_flight", "in_flight"),
)
GROUP_SERIES = (
    ("utilisation", "utilisation"),
    ("requests_per_second", "requests_per_second"),
    ("total_time_p95_seconds", "total_time_p95_seconds"),
    ("total_time_mean_seconds", "total_time_mean_seconds"),
    ("queue_time_mean_seconds", "queue_time_mean_seconds"),
    ("application_time_mean_seconds", "application_time_mean_seconds"),
)


def summarise_history(document):
    """Aligned series over the last 30 minutes of samples, oldest first.

    `times` contains each sample's Unix time and `breaks` the indexes of samples that follow a gap
    (the collector missed samples before them), where a sparkline must not draw a line.
    Every series has one value per time, None where the value was unknown.
    """
    samples = [sample for sample in objects(document.get("samples")) if number(sample.get("time_unix_seconds")) is not None]
    if samples:
        newest = samples[-1]["time_unix_seconds"]
        samples = [sample for sample in samples if sample["time_unix_seconds"] >= newest - SPARKLINE_SECONDS]

    group_names = []
    for sample in samples:
        for group in objects(member(sample, "wsgi", "groups")):
            name = text(group.get("process_group"))
            if name is not None and name not in group_names:
                group_names.append(name)

    apache = {key: [] for key, _ in APACHE_SERIES}
    groups = {name: {key: [] for key, _ in GROUP_SERIES} for name in group_names}
    breaks = []
    for index, sample in enumerate(samples):
        if flag(sample.get("gap")):
            breaks.append(index)
        apache_sample = sample.get("apache")
        for key, field in APACHE_SERIES:
            apache[key].append(non_negative(member(apache_sample, field)))
        by_name = {text(group.get("process_group")): group for group in objects(member(sample, "wsgi", "groups"))}
        for name in group_names:
            group = by_name.get(name)
            for key, field in GROUP_SERIES:
                groups[name][key].append(non_negative(member(group, field)))

    return {
        "times": [sample["time_unix_seconds"] for sample in samples],
        "breaks": breaks,
        "apache": apache,
        "groups": [{"process_group": name, "label": group_label(name), "series": groups[name]} for name in group_names],
    }


def history_query(collector_info):
    """The query string asking for the newest 30 minutes of samples.

    `collector_info` is the `collector` object of an earlier document from the same collector,
    or None. The collector rejects a limit above its history capacity, so without that object
    the query requests the whole history and the panel keeps the last 30 minutes of it.
    """
    capacity = count(member(collector_info, "history_capacity"))
    interval = non_negative(member(collector_info, "interval_seconds"))
    if capacity is None or capacity < 1 or not interval:
        return ""
    return f"?limit={min(capacity, math.ceil(SPARKLINE_SECONDS / interval) + 1)}"


def events_query(now_unix_seconds):
    """Return the query string that requests the events of the sparklines' 30 minutes."""
    return f"?since={int(now_unix_seconds) - SPARKLINE_SECONDS}&limit={EVENTS_SHOWN}"


def summarise_events(document):
    """Summarise events newest first, flagging those that are starts, stops, restarts or crashes."""
    events = []
    for event in objects(document.get("events")):
        kind = text(event.get("kind"))
        events.append({
            "time_unix_seconds": number(event.get("time_unix_seconds")),
            "kind": kind,
            "source": text(event.get("source")),
            "pid": count(event.get("pid")),
            "detail": text(event.get("detail")),
            "is_restart": kind in RESTART_KINDS,
        })
    events.reverse()
    return events[:EVENTS_SHOWN]
