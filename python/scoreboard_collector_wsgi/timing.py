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
    return RequestStamps(*read_stamp_values(environ, now_us))


def read_stamp_values(environ, now_us):
    """Read the mod_wsgi stamps as a tuple (request, queue, daemon, application, malformed).

    The values are those of read_stamps() without the object, for the recorder's per-request path.
    """
    get = environ.get
    request_value = get(REQUEST_START_KEY)
    queue_value = get(QUEUE_START_KEY)
    daemon_value = get(DAEMON_START_KEY)
    application_value = get(APPLICATION_START_KEY)
    if application_value is None:
        application_value = get(SCRIPT_START_KEY)

    # Fast path for daemon mode, where mod_wsgi sets all four stamps with one type: it gives the
    # same result as parse_stamp() when every stamp converts and is plausible.
    value_type = type(request_value)
    if value_type is type(queue_value) and value_type is type(daemon_value) and value_type is type(application_value):
        try:
            if value_type is str:
                stamps = (int(request_value), int(queue_value), int(daemon_value), int(application_value))
            elif value_type is float:
                stamps = (round(request_value * 1_000_000), round(queue_value * 1_000_000),
                          round(daemon_value * 1_000_000), round(application_value * 1_000_000))
            else:
                stamps = None
        except (ValueError, OverflowError):
            stamps = None
        if stamps is not None:
            earliest = min(stamps)
            if 0 < earliest and -PLAUSIBLE_DISTANCE_US < earliest - now_us \
                    and max(stamps) - now_us < PLAUSIBLE_DISTANCE_US:
                return stamps + (0,)

    request_start = parse_stamp(request_value, now_us)
    queue_start = parse_stamp(queue_value, now_us)
    daemon_start = parse_stamp(daemon_value, now_us)
    application_start = parse_stamp(application_value, now_us)
    if MALFORMED not in (request_start, queue_start, daemon_start, application_start):
        return request_start, queue_start, daemon_start, application_start, 0

    stamps = [request_start, queue_start, daemon_start, application_start]
    malformed = stamps.count(MALFORMED)
    request_start, queue_start, daemon_start, application_start = [
        None if stamp == MALFORMED else stamp for stamp in stamps
    ]
    return request_start, queue_start, daemon_start, application_start, malformed


def pre_application_phases(mode, stamps):
    """Return (server, queue, daemon) in µs for a mode; None for an unknown phase.

    Values may be negative; the caller clamps them and counts the anomaly. Outside mod_wsgi every
    phase is unknown.
    """
    return phases_of_stamps(mode, stamps.request_start, stamps.queue_start, stamps.daemon_start,
                            stamps.application_start)


def phases_of_stamps(mode, request_start, queue_start, daemon_start, application_start):
    """Return pre_application_phases() for stamps given as separate values (None when unknown)."""
    if mode == MODE_DAEMON:
        if request_start is not None and queue_start is not None and daemon_start is not None \
                and application_start is not None:
            return (queue_start - request_start, daemon_start - queue_start, application_start - daemon_start)
        return (
            _difference(queue_start, request_start),
            _difference(daemon_start, queue_start),
            _difference(application_start, daemon_start),
        )
    if mode == MODE_EMBEDDED:
        return (_difference(application_start, request_start), 0, 0)
    return _UNKNOWN_PHASES


_UNKNOWN_PHASES = (None, None, None)


def _difference(later, earlier):
    if later is None or earlier is None:
        return None
    return later - earlier
