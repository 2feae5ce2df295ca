"""Queue time starts at queue_start, not at request_start, and negative queue times clamp to 0."""

from scoreboard_collector_wsgi import ProcessInfo, Recorder, ScoreboardMiddleware, histogram, layout

from conftest import read_only_segment, run_request, simple_application

# Offsets from this wall-clock time, in µs. The writer checks that a stamp is within 10 years of
# its own clock, so a fixed 2023 base stays valid until 2033.
BASE_US = 1_700_000_000_000_000

# (request_start, queue_start, daemon_start) offsets in µs of three requests of one daemon group.
SCENARIO = [
    (0, 10_000, 260_000),
    # daemon_start earlier than queue_start: clock skew between the Apache child and the daemon.
    (1_000_000, 1_000_500, 1_000_300),
    # A slow request-body read before the hand-off delays queue_start, which is not queue time.
    (2_000_000, 2_400_000, 2_410_000),
]
EXPECTED_QUEUE_US = [250_000, 0, 10_000]


def scenario_environ(request_offset, queue_offset, daemon_offset):
    return {
        "mod_wsgi.request_start": str(BASE_US + request_offset),
        "mod_wsgi.queue_start": str(BASE_US + queue_offset),
        "mod_wsgi.daemon_start": str(BASE_US + daemon_offset),
        "mod_wsgi.script_start": str(BASE_US + daemon_offset + 100),
    }


def test_queue_time_scenario(segment_directory):
    info = ProcessInfo(mode=layout.MODE_DAEMON, configured_processes=1, configured_threads=1,
                       process_group="app", application_group="")
    application = ScoreboardMiddleware(simple_application(), recorder=Recorder(directory=segment_directory,
                                                                               process_info=info))
    for stamps in SCENARIO:
        run_request(application, scenario_environ(*stamps))

    image = read_only_segment(segment_directory)
    counters = image.counters
    assert counters["requests"] == 3
    assert counters["queue_count"] == 3
    assert counters["queue_us_sum"] == sum(EXPECTED_QUEUE_US) == 260_000
    assert round(counters["queue_us_sum"] / counters["queue_count"] / 1000, 2) == 86.67
    assert counters["negative_queue"] == 1
    assert counters["negative_server"] == counters["negative_daemon"] == 0

    expected_buckets = [0] * layout.HISTOGRAM_BUCKET_COUNT
    for queue_us in EXPECTED_QUEUE_US:
        expected_buckets[histogram.bucket_index(queue_us)] += 1
    assert image.histograms["queue"] == expected_buckets
    highest = max(index for index, count in enumerate(image.histograms["queue"]) if count)
    assert highest == histogram.bucket_index(250_000)
    # Measured from request_start, r1 would take 260 ms and r3 410 ms: neither bucket is used.
    assert image.histograms["queue"][histogram.bucket_index(260_000)] == 0
    assert image.histograms["queue"][histogram.bucket_index(410_000)] == 0
