"""scripts/accuracy.sh --quick against a private Apache: two 6-second load levels (about 30 s).

It runs here, in the sequential Python step of `make test`, and not among the Swift tests, which
run their unit suites in parallel with the integration suite. CPU contention lengthens the
hand-back from the mod_wsgi daemon to Apache, which the access log's %D includes, so the
comparison would measure the contention. It needs root (Apache's User www-data), wrk, and the
collector built by `swift build`.
"""

import json
import math
import os
import subprocess
import tempfile

import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(REPOSITORY, ".build", "debug", "scoreboard-collector")


@pytest.fixture
def summary():
    if not os.path.exists(BINARY):
        pytest.fail("%s not found; run 'swift build' first" % BINARY)
    with tempfile.TemporaryDirectory(prefix="sbc-accuracy-test-") as directory:
        summary_path = os.path.join(directory, "accuracy.json")
        result = subprocess.run(
            [os.path.join(REPOSITORY, "scripts", "accuracy.sh"), "--quick", "--output",
             os.path.join(directory, "accuracy.md"), "--json", summary_path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        assert os.path.exists(summary_path), result.stdout
        with open(summary_path) as summary_file:
            yield {"status": result.returncode, "output": result.stdout, **json.load(summary_file)}


def test_quick_accuracy_run_meets_bounds(summary):
    assert summary["failures"] == [], summary["output"]
    assert summary["status"] == 0, summary["output"]
    assert [level["concurrency"] for level in summary["levels"]] == [4, 16]
    for level in summary["levels"]:
        logged = level["access_log_requests"]
        assert logged > 50
        assert level["apache_interval_requests"] == logged
        assert level["wsgi_requests_total"] == logged
        assert abs(level["apache_mean_error"]) <= 0.01, level
        for row in level["percentiles"]:
            # A total time ends before Apache logs the request: never more than a bucket above %D.
            assert row["wsgi_error"] <= math.sqrt(1.04) - 1, (level["concurrency"], row)
            if row["percentile"] != "p99":
                assert abs(row["wsgi_error"]) <= 0.025, (level["concurrency"], row)
