import math
import time

from scoreboard_collector_wsgi.layout import MODE_DAEMON, MODE_EMBEDDED, MODE_NONE
from scoreboard_collector_wsgi.timing import (
    MALFORMED, PLAUSIBLE_DISTANCE_US, RequestStamps, parse_stamp, phases_of_stamps, pre_application_phases,
    read_stamp_values, read_stamps,
)

NOW_US = 1_700_000_000_000_000


def test_parse_4x_microsecond_string():
    assert parse_stamp("1700000000123456", NOW_US) == 1_700_000_000_123_456


def test_parse_6x_float_seconds():
    assert parse_stamp(1_700_000_000.123456, NOW_US) == 1_700_000_000_123_456


def test_parse_zero_and_missing_are_unknown():
    assert parse_stamp(None, NOW_US) is None
    assert parse_stamp(0.0, NOW_US) is None
    assert parse_stamp("0", NOW_US) is None


def test_parse_garbage_is_malformed():
    for value in ("abc", "", "12.5", "-5", "1e9", float("nan"), math.inf, -1.0, b"1700000000000000",
                  [1], True, "17000000000000000000000"):
        assert parse_stamp(value, NOW_US) == MALFORMED, value


def test_parse_seconds_as_string_is_malformed():
    # A 6.x float written as text would be 10^6 times too small as µs: not plausible.
    assert parse_stamp("1700000000", NOW_US) == MALFORMED


def test_application_start_preferred_over_script_start():
    environ = {"mod_wsgi.application_start": 1_700_000_000.5, "mod_wsgi.script_start": "1700000000900000"}
    assert read_stamps(environ, NOW_US).application_start == 1_700_000_000_500_000
    assert read_stamps({"mod_wsgi.script_start": "1700000000900000"}, NOW_US).application_start == 1_700_000_000_900_000


def test_read_stamps_counts_malformed_values():
    stamps = read_stamps({"mod_wsgi.request_start": "garbage", "mod_wsgi.queue_start": "1700000000000100"}, NOW_US)
    assert stamps.malformed == 1
    assert stamps.request_start is None
    assert stamps.queue_start == 1_700_000_000_000_100


def test_daemon_phases():
    stamps = RequestStamps(1000, 1126, 1206, 1408)
    assert pre_application_phases(MODE_DAEMON, stamps) == (126, 80, 202)


def test_daemon_phase_negative_unclamped():
    # The recorder clamps and counts negative phases, so this function returns them as they are.
    stamps = RequestStamps(1_000_000, 1_000_500, 1_000_300, 1_000_400)
    assert pre_application_phases(MODE_DAEMON, stamps) == (500, -200, 100)


def test_embedded_phases():
    stamps = RequestStamps(1000, None, None, 1300)
    assert pre_application_phases(MODE_EMBEDDED, stamps) == (300, 0, 0)


def test_unknown_stamp_makes_phase_unknown():
    stamps = RequestStamps(1000, None, 1200, 1300)
    assert pre_application_phases(MODE_DAEMON, stamps) == (None, None, 100)
    assert pre_application_phases(MODE_NONE, RequestStamps()) == (None, None, None)


def test_real_clock_stamp_is_plausible():
    now_us = time.time_ns() // 1000
    assert parse_stamp(str(now_us - 300), now_us) == now_us - 300


def expected_stamp_values(environ, now_us):
    """read_stamp_values() computed one stamp at a time with parse_stamp()."""
    application_value = environ.get("mod_wsgi.application_start")
    if application_value is None:
        application_value = environ.get("mod_wsgi.script_start")
    values = [parse_stamp(environ.get(key), now_us)
              for key in ("mod_wsgi.request_start", "mod_wsgi.queue_start", "mod_wsgi.daemon_start")]
    values.append(parse_stamp(application_value, now_us))
    malformed = values.count(MALFORMED)
    return tuple(None if value == MALFORMED else value for value in values) + (malformed,)


def stamp_environ(values, application_key="mod_wsgi.script_start"):
    keys = ("mod_wsgi.request_start", "mod_wsgi.queue_start", "mod_wsgi.daemon_start", application_key)
    return {key: value for key, value in zip(keys, values) if value is not None}


def test_read_stamp_values_fast_path_matches_parse_stamp():
    limit = PLAUSIBLE_DISTANCE_US
    cases = [
        ("1700000000000000", "1700000000000100", "1700000000000200", "1700000000000300"),
        (" 1700000000000000", "+1700000000000100", "1_700_000_000_000_200", "1700000000000300\n"),
        ("1700000000000000", "garbage", "1700000000000200", "1700000000000300"),
        ("1700000000000000", "0", "1700000000000200", "1700000000000300"),
        ("1700000000000000", "-1700000000000100", "1700000000000200", "1700000000000300"),
        (str(NOW_US - limit), str(NOW_US), str(NOW_US), str(NOW_US)),
        (str(NOW_US - limit + 1), str(NOW_US), str(NOW_US), str(NOW_US + limit - 1)),
        (str(NOW_US), str(NOW_US), str(NOW_US), str(NOW_US + limit)),
        (1_700_000_000.0, 1_700_000_000.0001, 1_700_000_000.0002, 1_700_000_000.0003),
        (1_700_000_000.0, 0.0, 0.0, 1_700_000_000.0003),
        (1_700_000_000.0, float("nan"), 1_700_000_000.0002, 1_700_000_000.0003),
        (1_700_000_000.0, math.inf, 1_700_000_000.0002, 1_700_000_000.0003),
        (1_700_000_000_000_000, 1_700_000_000_000_100, 1_700_000_000_000_200, 1_700_000_000_000_300),
        (True, True, True, True),
        ("1700000000000000", 1_700_000_000.0001, "1700000000000200", None),
        (None, None, None, None),
    ]
    for values in cases:
        for application_key in ("mod_wsgi.script_start", "mod_wsgi.application_start"):
            environ = stamp_environ(values, application_key)
            assert read_stamp_values(environ, NOW_US) == expected_stamp_values(environ, NOW_US), values


def test_read_stamp_values_of_4x_daemon_request():
    environ = stamp_environ(("1700000000000000", "1700000000000126", "1700000000000206", "1700000000000408"))
    assert read_stamp_values(environ, NOW_US) == (
        1_700_000_000_000_000, 1_700_000_000_000_126, 1_700_000_000_000_206, 1_700_000_000_000_408, 0,
    )


def test_phases_of_stamps_matches_pre_application_phases():
    for mode in (MODE_DAEMON, MODE_EMBEDDED, MODE_NONE):
        for stamps in ((1000, 1126, 1206, 1408), (1000, None, 1200, 1300), (None, None, None, None),
                       (1_000_000, 1_000_500, 1_000_300, 1_000_400)):
            assert phases_of_stamps(mode, *stamps) == pre_application_phases(mode, RequestStamps(*stamps))
