"""Typed reads from decoded collector JSON: a missing field or a value of the wrong type is None.

None means unknown. The collector writes null for unknown metrics, and the panel treats a value it
cannot use the same way instead of showing 0 or raising.
"""

import math


def member(document, *keys):
    """Follow `keys` through nested objects; None as soon as one level is missing or not an object."""
    value = document
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def number(value):
    """Return a finite int or float (not a bool) unchanged, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def non_negative(value):
    """Return a finite number that is not negative unchanged, else None."""
    value = number(value)
    if value is None or value < 0:
        return None
    return value


def count(value):
    """Return a non-negative int (not a bool) unchanged, else None.

    Counts, sequence numbers and pids are never negative.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def text(value):
    """Return a str unchanged, else None."""
    return value if isinstance(value, str) else None


def flag(value):
    """Return a bool unchanged, else None."""
    return value if isinstance(value, bool) else None


def objects(value):
    """Return the objects (dicts) of a JSON array, or an empty list when the value is not an array."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, dict)]
