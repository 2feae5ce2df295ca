import math
import random

from scoreboard_collector_wsgi import histogram, layout


def test_midpoint_within_two_percent_from_10us_to_100s():
    worst = 0.0
    value = 10.0
    while value <= 100e6:
        bucket = histogram.bucket_index(value)
        representative = histogram.representative_value(bucket)
        error = abs(representative - value) / value
        assert error <= 0.02, (value, bucket, representative)
        worst = max(worst, error)
        value *= 1.0007
    assert worst > 0.019


def test_value_lies_inside_its_bucket():
    for value in (10.0, 10.4, 123.0, 9_999.0, 1e6, 5e7, 99.9e6):
        bucket = histogram.bucket_index(value)
        assert histogram.lower_bound(bucket) <= value * (1 + 1e-12)
        assert value < histogram.upper_bound(bucket) * (1 + 1e-12)


def test_underflow_and_overflow_buckets():
    assert histogram.bucket_index(0) == 0
    assert histogram.bucket_index(9.99) == 0
    assert histogram.bucket_index(10.0) == 1
    assert histogram.bucket_index(100e6) == layout.HISTOGRAM_LOG_BUCKETS
    assert histogram.bucket_index(1e12) == layout.HISTOGRAM_BUCKET_COUNT - 1
    assert math.isinf(histogram.upper_bound(layout.HISTOGRAM_BUCKET_COUNT - 1))


def test_geometry_covers_100_seconds_with_413_buckets():
    assert layout.HISTOGRAM_BUCKET_COUNT == 413
    assert histogram.upper_bound(layout.HISTOGRAM_LOG_BUCKETS) >= 100e6
    assert histogram.upper_bound(layout.HISTOGRAM_LOG_BUCKETS - 1) < 100e6


def test_quantile_nearest_rank_of_known_mix():
    counts = [0] * layout.HISTOGRAM_BUCKET_COUNT
    for value_us, repeat in ((100_000, 5), (200_000, 10), (500_000, 5)):
        counts[histogram.bucket_index(value_us)] += repeat
    assert abs(histogram.quantile(counts, 0.50) - 200_000) / 200_000 <= 0.02
    assert abs(histogram.quantile(counts, 0.90) - 500_000) / 500_000 <= 0.02
    assert abs(histogram.quantile(counts, 0.25) - 100_000) / 100_000 <= 0.02
    assert histogram.quantile([0] * layout.HISTOGRAM_BUCKET_COUNT, 0.5) is None


def formula_bucket(value_us):
    """The bucket formula of docs/wsgi-scoreboard.md, written out independently of the module."""
    if value_us < 10.0:
        return 0
    index = int((math.log(value_us) - math.log(10.0)) / math.log(1.04)) + 1
    return min(index, layout.HISTOGRAM_BUCKET_COUNT - 1)


def test_boundaries_are_increasing_and_complete():
    assert len(histogram.FIRST_VALUES) == layout.HISTOGRAM_BUCKET_COUNT - 1
    assert histogram.FIRST_VALUES[0] == 10.0
    assert all(a < b for a, b in zip(histogram.FIRST_VALUES, histogram.FIRST_VALUES[1:]))


def test_bucket_index_matches_formula_around_every_boundary():
    for boundary in histogram.FIRST_VALUES:
        below = math.nextafter(boundary, 0.0)
        above = math.nextafter(boundary, math.inf)
        for value in (below, boundary, above):
            assert histogram.bucket_index(value) == formula_bucket(value), value
            assert histogram.bucket_index_by_log(value) == formula_bucket(value), value
        # The formula switches exactly at the boundary, one ulp below is the bucket before.
        assert formula_bucket(boundary) == formula_bucket(below) + 1, boundary
        for integer in range(math.floor(boundary) - 2, math.ceil(boundary) + 3):
            if integer >= 0:
                assert histogram.bucket_index(integer) == formula_bucket(integer), integer


def test_bucket_index_matches_formula_for_random_values():
    generator = random.Random(20261205)
    for _ in range(20_000):
        value = 10 ** generator.uniform(-1, 9)
        assert histogram.bucket_index(value) == formula_bucket(value), value
        integer = generator.randrange(0, 200_000_000)
        assert histogram.bucket_index(integer) == formula_bucket(integer), integer


def test_small_integer_table_matches_formula():
    for integer in range(histogram.SMALL_INTEGER_LIMIT + 5):
        assert histogram.bucket_index(integer) == formula_bucket(integer), integer
        assert histogram.bucket_index(float(integer)) == formula_bucket(integer), integer


def test_bucket_index_of_huge_and_negative_values():
    assert histogram.bucket_index(-5) == 0
    assert histogram.bucket_index(-5.0) == 0
    assert histogram.bucket_index(2 ** 70) == layout.HISTOGRAM_BUCKET_COUNT - 1
    assert histogram.bucket_index(1e300) == layout.HISTOGRAM_BUCKET_COUNT - 1
