"""Bucket scheme of the latency histograms: log buckets with ratio 1.04 from 10 µs.

Source: docs/wsgi-scoreboard.md, section "Histograms". The geometric midpoint of a bucket is within
√1.04 − 1 ≈ 1.98 % of any value in it, for values from 10 µs to 100 s.
"""

import bisect
import math

from .layout import HISTOGRAM_BUCKET_COUNT, HISTOGRAM_LOG_BUCKETS, HISTOGRAM_LOWEST_US, HISTOGRAM_RATIO

UNDERFLOW_BUCKET = 0
OVERFLOW_BUCKET = HISTOGRAM_BUCKET_COUNT - 1

_LOG_LOWEST = math.log(HISTOGRAM_LOWEST_US)
_LOG_RATIO = math.log(HISTOGRAM_RATIO)


def bucket_index_by_log(value_us):
    """Return the bucket of a duration in µs by the formula in docs/wsgi-scoreboard.md.

    This is the definition of the bucket scheme. bucket_index() returns the same index for every
    finite value and is cheaper, because it only searches a list of precomputed boundaries.
    """
    if value_us < HISTOGRAM_LOWEST_US:
        return UNDERFLOW_BUCKET
    index = int((math.log(value_us) - _LOG_LOWEST) / _LOG_RATIO) + 1
    if index > HISTOGRAM_LOG_BUCKETS:
        return OVERFLOW_BUCKET
    return index


def _first_value_of_bucket(index):
    """Return the smallest float that bucket_index_by_log() puts in bucket `index` or above.

    The search starts at 10 · 1.04^(index − 1) and moves by one ulp at a time, because rounding in
    the logarithm shifts the formula's boundary a few ulps away from the exact power.
    """
    value = HISTOGRAM_LOWEST_US * HISTOGRAM_RATIO ** (index - 1)
    if bucket_index_by_log(value) >= index:
        below = math.nextafter(value, 0.0)
        while bucket_index_by_log(below) >= index:
            value, below = below, math.nextafter(below, 0.0)
        return value
    value = math.nextafter(value, math.inf)
    while bucket_index_by_log(value) < index:
        value = math.nextafter(value, math.inf)
    return value


# FIRST_VALUES[i] is the smallest float of bucket i + 1, so the bucket of a value is the number of
# entries at or below it. FIRST_INTEGERS contains the same boundaries rounded up, for integer values.
FIRST_VALUES = tuple(_first_value_of_bucket(index) for index in range(1, HISTOGRAM_BUCKET_COUNT))
FIRST_INTEGERS = tuple(math.ceil(value) for value in FIRST_VALUES)

# Bucket of each integer below SMALL_INTEGER_LIMIT (1 ms), for a lookup in place of a search.
SMALL_INTEGER_LIMIT = 1024
BUCKET_OF_SMALL_INTEGER = tuple(bisect.bisect_right(FIRST_INTEGERS, value) for value in range(SMALL_INTEGER_LIMIT))


def bucket_index(value_us):
    """Return the bucket of a finite duration in µs; the same index as bucket_index_by_log()."""
    if type(value_us) is int:
        if 0 <= value_us < SMALL_INTEGER_LIMIT:
            return BUCKET_OF_SMALL_INTEGER[value_us]
        return bisect.bisect_right(FIRST_INTEGERS, value_us)
    return bisect.bisect_right(FIRST_VALUES, value_us)


def lower_bound(index):
    """Return the smallest µs value of a bucket (0 for underflow)."""
    if index == UNDERFLOW_BUCKET:
        return 0.0
    return HISTOGRAM_LOWEST_US * HISTOGRAM_RATIO ** (index - 1)


def upper_bound(index):
    """Return the exclusive upper µs bound of a bucket (infinity for overflow)."""
    if index == OVERFLOW_BUCKET:
        return math.inf
    return HISTOGRAM_LOWEST_US * HISTOGRAM_RATIO ** index


def representative_value(index):
    """Return the µs value that stands for a bucket: its geometric midpoint.

    The underflow bucket stands for 5 µs; the overflow bucket, which has no upper bound, stands for
    its lower bound.
    """
    if index == UNDERFLOW_BUCKET:
        return HISTOGRAM_LOWEST_US / 2
    if index == OVERFLOW_BUCKET:
        return lower_bound(index)
    return HISTOGRAM_LOWEST_US * HISTOGRAM_RATIO ** (index - 0.5)


def quantile(counts, q):
    """Return the representative µs value at quantile q (nearest rank), or None when empty."""
    total = sum(counts)
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for index, count in enumerate(counts):
        seen += count
        if seen >= rank:
            return representative_value(index)
    return representative_value(len(counts) - 1)
