"""The panel against a real scoreboard-collector reading a real Apache that serves the site via mod_wsgi."""

import html
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import pytest

pytest.importorskip("debug_toolbar", reason="the panel tests need Django and django-debug-toolbar: run scripts/django-panel-test.sh")

import django_setup  # noqa: E402, F401
from local_servers import unused_port  # noqa: E402
from real_collector import (  # noqa: E402
    APACHE_INSTANCE,
    PROCESS_GROUP,
    PYTHON_DIR,
    REPOSITORY,
    TESTS_DIR,
    RealCollector,
    get_json,
    get_text,
    missing_prerequisite,
    wait_for,
    wait_for_port,
)
from toolbar_pages import PANEL_ID, panel_button, request_id_of  # noqa: E402

from scoreboard_collector_wsgi.django_panel import display  # noqa: E402
from scoreboard_collector_wsgi.django_panel.panel_stats import collect_panel_stats, history_cache  # noqa: E402
from scoreboard_collector_wsgi.django_panel.settings import PanelSettings  # noqa: E402

WARM_UP_REQUESTS = 8
# Virtual time Chromium grants the page: the toolbar's script, the panel fetch and the copy.
CHROMIUM_BUDGET_MS = 15000
# Ignored by git; the screenshot is kept for a person to look at.
ARTIFACTS = pathlib.Path(REPOSITORY) / "test-artifacts"
ROW_PATTERN = re.compile(r"<tr><th>([^<]+)</th><td class=\"sc-number\">([^<]*)</td></tr>")
WINDOW_ROW_PATTERN = re.compile(r"<tr><th>([^<]+)</th><td class=\"sc-number\">([^<]*)</td>((?:\s*<td[^>]*>[^<]*</td>)+)\s*</tr>")
CELL_PATTERN = re.compile(r"<td[^>]*>([^<]*)</td>")


@pytest.fixture(scope="module")
def real_collector():
    reason = missing_prerequisite()
    if reason is not None:
        pytest.skip(reason)
    instance = RealCollector()
    try:
        instance.start()
        yield instance
    finally:
        # Shown by pytest when a test of this module failed.
        print(instance.diagnostics())
        instance.stop()


def table(panel_html, table_id):
    start = panel_html.index(f'id="{table_id}"')
    return panel_html[start:panel_html.index("</table>", start)]


def rows(panel_html, table_id):
    return {html.unescape(label): html.unescape(value) for label, value in ROW_PATTERN.findall(table(panel_html, table_id))}


def window_rows(table_html):
    """Rows of a window table: [label, requests, cells...] with entities decoded."""
    result = []
    for label, requests, cells in WINDOW_ROW_PATTERN.findall(table_html):
        result.append([html.unescape(label), html.unescape(requests)] + [html.unescape(cell) for cell in CELL_PATTERN.findall(cells)])
    return result


def sample_sequence(panel_html):
    match = re.search(r"sample (\d+) taken", panel_html)
    assert match is not None, "the panel names no sample"
    return int(match.group(1))


def compact_sample(collector, sequence):
    # `limit` keeps the newest samples, so the sample is the first of those after its predecessor.
    document = get_json(f"{collector.collector_url}/v1/history?since={sequence - 1}")
    assert document["samples"], f"sample {sequence} is no longer in the collector's history"
    sample = document["samples"][0]
    assert sample["sequence"] == sequence
    return sample


def warm_up_and_settle(collector):
    """Send requests through Apache, then wait until the collector's 5-minute window counts them
    and a newer sample arrived, so the window no longer changes while the test reads it."""
    for _ in range(WARM_UP_REQUESTS):
        get_text(collector.apache_url + "/app/")

    def settled():
        metrics = get_json(collector.collector_url + "/v1/metrics")
        windows = {window["window_seconds"]: window for window in metrics["apache"]["response_time"]["windows"]}
        if windows.get(300, {}).get("requests", 0) < WARM_UP_REQUESTS:
            return None
        return metrics

    first = wait_for(settled, "the collector counting the warm-up requests")
    return wait_for(
        lambda: (lambda metrics: metrics if metrics["sequence"] > first["sequence"] + 1 else None)(
            get_json(collector.collector_url + "/v1/metrics")),
        "two more collector samples",
    )


def load_page_and_panel(collector):
    page_html = get_text(collector.apache_url + "/app/")
    request_id = request_id_of(page_html)
    content = get_json(f"{collector.apache_url}/app/__debug__/render_panel/?request_id={request_id}&panel_id={PANEL_ID}")["content"]
    return page_html, content


def test_apache_numbers_from_collector(real_collector):
    before = warm_up_and_settle(real_collector)
    page_html, panel_html = load_page_and_panel(real_collector)

    assert 'id="sc-problem"' not in panel_html, panel_html[:3000]
    sample = compact_sample(real_collector, sample_sequence(panel_html))
    apache = sample["apache"]
    apache_rows = rows(panel_html, "sc-apache")

    assert apache_rows["capacity utilisation"] == (
        f"{display.ratio(apache['utilisation'])} ({apache['busy']} busy of "
        f"{before['apache']['capacity']['max_request_workers']} MaxRequestWorkers)"
    )
    assert apache_rows["requests/s"] == display.rate(apache["requests_per_second"])
    assert apache_rows["in-flight requests"] == f"{apache['in_flight']} (oldest {display.seconds(apache['oldest_in_flight_seconds'])})"
    assert apache_rows["live processes"] == str(apache["live_processes"])
    assert apache_rows["idle workers"] == str(apache["idle"])
    assert apache_rows["mean response time (last interval)"] == display.seconds(apache["mean_response_time_seconds"])
    assert f"Apache {display.ratio(apache['utilisation'])} busy" in panel_button(page_html)

    # This page's own request was still in flight while the panel read the collector, so the
    # windows are those of the settled sample read before it.
    expected_windows = [
        [display.window(window["window_seconds"]), str(window["requests"])]
        + [display.seconds(window[f"{name}_seconds"]) for name in ("p50", "p90", "p95", "p99", "max")]
        for window in before["apache"]["response_time"]["windows"]
    ]
    assert window_rows(table(panel_html, "sc-apache-windows")) == expected_windows
    assert expected_windows[-1][1] != "0"

    events = table(panel_html, "sc-events")
    assert "<td>attach</td><td>apache</td>" in events
    assert f'<td class="sc-number">{real_collector.apache_pid()}</td>' in events

    assert panel_html.count('<svg class="sc-sparkline"') >= 4
    assert re.search(r'<path d="M[0-9.]+,[0-9.]+ L', panel_html) is not None


def test_this_request_timed_by_mod_wsgi(real_collector):
    _, panel_html = load_page_and_panel(real_collector)
    request_rows = rows(panel_html, "sc-request")

    assert request_rows["mod_wsgi mode"] == "daemon"
    assert request_rows["process group"] == PROCESS_GROUP
    for label in ("server time (Apache until hand-off)", "queue time (waiting for a daemon thread)",
                  "daemon time (until the application call)", "application time (until the toolbar saw the response)",
                  "total"):
        assert request_rows[label] != "unknown", label
        assert re.fullmatch(r"[0-9.]+ (µs|ms|s)", request_rows[label]), request_rows[label]


def test_wsgi_group_against_collector(real_collector):
    if "wsgi" not in get_json(real_collector.collector_url + "/v1/metrics"):
        pytest.skip("this collector build has no wsgi object in /v1/metrics yet")

    def group_with_requests():
        metrics = get_json(real_collector.collector_url + "/v1/metrics")
        for group in metrics["wsgi"]["groups"]:
            widest = max(group["windows"], key=lambda window: window["window_seconds"])
            if group["process_group"] == PROCESS_GROUP and widest["requests"] >= WARM_UP_REQUESTS:
                return metrics
        return None

    warm_up_and_settle(real_collector)
    first = wait_for(group_with_requests, "the collector counting the group's requests")
    before = wait_for(
        lambda: (lambda metrics: metrics if metrics["sequence"] > first["sequence"] + 1 else None)(
            get_json(real_collector.collector_url + "/v1/metrics")),
        "two more collector samples",
    )
    _, panel_html = load_page_and_panel(real_collector)

    group = next(group for group in before["wsgi"]["groups"] if group["process_group"] == PROCESS_GROUP)
    widest = max(group["windows"], key=lambda window: window["window_seconds"])
    comparison = window_rows(table(panel_html, "sc-comparison"))
    assert [row[0] for row in comparison] == ["queue", "application"]
    for row, phase in zip(comparison, ("queue_time", "application_time")):
        assert row[3] == f"{display.window(widest['window_seconds'])} ({widest['requests']})"
        assert row[4:] == [display.seconds(widest[phase][f"{name}_seconds"]) for name in ("p50", "p90", "p95", "p99")]
        assert re.fullmatch(r"(faster than ~p50|slower than ~p\d\d(, faster than ~p\d\d)?)", row[2]), row[2]

    group_rows = rows(panel_html, "sc-group-" + PROCESS_GROUP)
    assert group_rows["processes (live / configured)"] == f"{group['processes']['live']} / {group['processes']['configured']}"
    assert group_rows["capacity utilisation"].endswith(f"of {group['threads']['total']} threads)")


def test_stats_are_plain_json(real_collector):
    get_text(real_collector.apache_url + "/app/")
    environ = {"mod_wsgi.process_group": PROCESS_GROUP, "mod_wsgi.request_start": str(time.time_ns() // 1000 - 3000),
               "mod_wsgi.queue_start": str(time.time_ns() // 1000 - 2000)}
    stats = collect_panel_stats(environ, time.time_ns() // 1000, PanelSettings(real_collector.collector_url, 3.0))

    assert stats["problem"] is None
    assert stats["metrics"]["apache"]["up"] is True, stats["metrics"]["apache"]
    assert stats["history"]["times"]
    # Tuples, sets or other objects would not come back equal.
    assert json.loads(json.dumps(stats)) == stats


@pytest.fixture(scope="module")
def dev_server(real_collector, tmp_path_factory):
    """`manage.py runserver` of the test site on 127.0.0.1, reading the real collector."""
    port = unused_port()
    log_path = tmp_path_factory.mktemp("runserver") / "runserver.log"
    environment = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="panel_site.settings",
        PYTHONPATH=os.pathsep.join([TESTS_DIR, PYTHON_DIR]),
        PANEL_SITE_COLLECTOR_URL=real_collector.collector_url,
        PANEL_SITE_COLLECTOR_TIMEOUT="3",
    )
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=environment, stdout=log, stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, server)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_chromium(arguments, profile_dir):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed: apt-get install chromium")
    completed = subprocess.run(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile_dir}",
         f"--virtual-time-budget={CHROMIUM_BUDGET_MS}", *arguments],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def test_history_fetched_incrementally(real_collector):
    settings = PanelSettings(real_collector.collector_url, 3.0)
    cache = history_cache(settings.url)
    first = collect_panel_stats({}, time.time_ns() // 1000, settings)
    wait_for(lambda: cache.samples() and cache.samples()[-1]["sequence"] >= first["metrics"]["sequence"],
             "the first history fetch")
    newest_cached = cache.samples()[-1]["sequence"]
    wait_for(lambda: get_json(real_collector.collector_url + "/v1/metrics")["sequence"] > newest_cached + 1,
             "two more collector samples")

    second = collect_panel_stats({}, time.time_ns() // 1000, settings)

    assert cache.last_path == f"/v1/history?since={newest_cached}"
    assert second["notes"] == []
    sequences = [sample["sequence"] for sample in cache.samples()]
    assert sequences == list(range(sequences[0], sequences[-1] + 1))
    assert sequences[-1] > newest_cached
    assert len(second["history"]["times"]) == len(sequences)


def test_browser_opens_panel(real_collector, dev_server, tmp_path):
    warm_up_and_settle(real_collector)
    url = dev_server + "/open-panel/"

    dom = run_chromium(["--dump-dom", url], tmp_path / "profile-dom")
    match = re.search(r'<div id="panel-copy" hidden="">(.*?)</div>\s*<script>', dom, re.DOTALL)
    assert match is not None, "the page has no #panel-copy"
    panel_html = match.group(1)
    assert 'id="scoreboard-collector-panel"' in panel_html, "the toolbar did not load the panel: " + dom[-2000:]
    assert 'id="sc-problem"' not in panel_html

    sample = compact_sample(real_collector, sample_sequence(panel_html))
    apache_rows = rows(panel_html, "sc-apache")
    assert apache_rows["capacity utilisation"].startswith(f"{display.ratio(sample['apache']['utilisation'])} ({sample['apache']['busy']} busy of ")
    assert apache_rows["requests/s"] == display.rate(sample["apache"]["requests_per_second"])
    assert f'<td class="sc-number">{real_collector.apache_pid()}</td>' in table(panel_html, "sc-events")
    assert panel_html.count('<svg class="sc-sparkline"') >= 4

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "django-panel.png"
    screenshot.unlink(missing_ok=True)
    run_chromium([f"--screenshot={screenshot}", "--window-size=1400,1300", url], tmp_path / "profile-screenshot")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_graceful_restart_listed(real_collector):
    # Runs last in this module: the restart replaces Apache's children and the daemon process.
    subprocess.run([APACHE_INSTANCE, "signal", real_collector.apache_dir, "graceful"], check=True)
    wait_for(
        lambda: any(event["kind"] == "graceful_restart"
                    for event in get_json(real_collector.collector_url + "/v1/events")["events"]),
        "the collector reporting the graceful restart",
    )
    wait_for_port(real_collector.apache_port)
    _, panel_html = load_page_and_panel(real_collector)

    events = table(panel_html, "sc-events")
    assert re.search(r'<tr class="sc-restart"><td>[^<]+ ago</td><td>graceful_restart</td><td>apache</td>', events), events
    assert rows(panel_html, "sc-apache")["restarts seen (graceful / hard)"] == "1 (1 / 0)"
    assert rows(panel_html, "sc-apache")["generation / uptime"].startswith("1 / ")
