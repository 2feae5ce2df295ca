"""Bucket scheme of the latency histograms: log buckets with ratio 1.04 from 10 µs.

Source: docs/wsgi-scoreboard.md, section "Histograms". The geometric midpoint of a bucket is within
√1.04 − 1 ≈ 1.98 % of any value in it, for values from 10 µs to 100 s.
"""

import math

from .layout import HISTOGRAM_BUCKET_COUNT, HISTOGRAM_LOG_BUCKETS, HISTOGRAM_LOWEST_US, HISTOGRAM_RATIO

UNDERFLOW_BUCKET = 0
OVERFLOW_BUCKET = HISTOGRAM_BUCKET_COUNT - 1

_LOG_LOWEST = math.log(HISTOGRAM_LOWEST_US)
_LOG_RATIO = math.log(HISTOGRAM_RATIO)


def bucket_index(value_us):
    """Return the bucket of a duration in µs (any non-negative number)."""
    if value_us < HISTOGRAM_LOWEST_US:
        return UNDERFLOW_BUCKET
    index = int((math.log(value_us) - _LOG_LOWEST) / _LOG_RATIO) + 1
    if index > HISTOGRAM_LOG_BUCKETS:
        return OVERFLOW_BUCKET
    return index


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
