"""Parsing of mod_wsgi's environ timestamps and the phase formulas.

mod_wsgi 4.x stores the stamps as decimal strings of µs since the epoch; 6.x stores float seconds.
Phase formulas: docs/wsgi-scoreboard.md, section "Phases".
"""

import math

from .layout import MODE_DAEMON, MODE_EMBEDDED

REQUEST_START_KEY = "mod_wsgi.request_start"
QUEUE_START_KEY = "mod_wsgi.queue_start"
DAEMON_START_KEY = "mod_wsgi.daemon_start"
APPLICATION_START_KEY = "mod_wsgi.application_start"
SCRIPT_START_KEY = "mod_wsgi.script_start"

# A stamp further than this from the writer's clock is malformed, not a timestamp.
PLAUSIBLE_DISTANCE_US = 10 * 365 * 24 * 3600 * 1_000_000

MALFORMED = -1
"""Returned by parse_stamp for a value that is present but not a timestamp."""


def parse_stamp(value, now_us):
    """Convert one environ stamp to integer µs since the epoch.

    Returns None when the stamp is absent or 0 (mod_wsgi 6 writes 0.0 for phases that do not
    apply), MALFORMED when it cannot be a timestamp, else the µs value.
    """
    if value is None:
        return None
    value_type = type(value)
    if value_type is str:
        try:
            stamp = int(value)
        except ValueError:
            return MALFORMED
    elif value_type is float:
        if value != value or value in (math.inf, -math.inf):
            return MALFORMED
        stamp = int(round(value * 1_000_000))
    elif value_type is int:
        stamp = value
    else:
        return MALFORMED

    if stamp == 0:
        return None
    if stamp < 0 or not -PLAUSIBLE_DISTANCE_US < stamp - now_us < PLAUSIBLE_DISTANCE_US:
        return MALFORMED
    return stamp


class RequestStamps:
    """The four mod_wsgi start stamps of one request, µs since the epoch, None when unknown."""

    __slots__ = ("request_start", "queue_start", "daemon_start", "application_start", "malformed")

    def __init__(self, request_start=None, queue_start=None, daemon_start=None, application_start=None, malformed=0):
        self.request_start = request_start
        self.queue_start = queue_start
        self.daemon_start = daemon_start
        self.application_start = application_start
        self.malformed = malformed


def read_stamps(environ, now_us):
    """Read the mod_wsgi stamps from a WSGI environ; `malformed` counts rejected values."""
    get = environ.get
    application_value = get(APPLICATION_START_KEY)
    if application_value is None:
        application_value = get(SCRIPT_START_KEY)

    stamps = RequestStamps(
        parse_stamp(get(REQUEST_START_KEY), now_us),
        parse_stamp(get(QUEUE_START_KEY), now_us),
        parse_stamp(get(DAEMON_START_KEY), now_us),
        parse_stamp(application_value, now_us),
    )
    if MALFORMED in (stamps.request_start, stamps.queue_start, stamps.daemon_start, stamps.application_start):
        _clear_malformed(stamps)
    return stamps


def _clear_malformed(stamps):
    for name in ("request_start", "queue_start", "daemon_start", "application_start"):
        if getattr(stamps, name) == MALFORMED:
            setattr(stamps, name, None)
            stamps.malformed += 1


def _difference(later, earlier):
    if later is None or earlier is None:
        return None
    return later - earlier


def pre_application_phases(mode, stamps):
    """Return (server, queue, daemon) in µs for a mode; None for an unknown phase.

    Values may be negative; the caller clamps them and counts the anomaly. Outside mod_wsgi every
    phase is unknown.
    """
    if mode == MODE_DAEMON:
        return (
            _difference(stamps.queue_start, stamps.request_start),
            _difference(stamps.daemon_start, stamps.queue_start),
            _difference(stamps.application_start, stamps.daemon_start),
        )
    if mode == MODE_EMBEDDED:
        return (_difference(stamps.application_start, stamps.request_start), 0, 0)
    return (None, None, None)
