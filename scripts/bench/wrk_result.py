"""Turn `wrk --latency` output into one result line.

    wrk_result.py WRK_OUTPUT KEY=VALUE...

prints `wrk KEY=VALUE... requests_per_second=... p50_us=... p99_us=... non_2xx=...
[socket_errors=...]`, where the KEY=VALUE arguments label the line.
"""

import re
import sys

UNITS_US = {"us": 1.0, "ms": 1e3, "s": 1e6}


def _microseconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if match is None:
        raise ValueError("unrecognised wrk latency %r" % text)
    return float(match.group(1)) * UNITS_US[match.group(2)]


def main():
    output_path, labels = sys.argv[1], sys.argv[2:]
    with open(output_path) as output:
        text = output.read()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if rate is None:
        sys.exit("wrk_result: no Requests/sec in %s:\n%s" % (output_path, text))
    fields = labels + ["requests_per_second=%s" % rate.group(1)]
    for percentile in ("50", "99"):
        match = re.search(r"^\s+%s%%\s+(\S+)" % percentile, text, re.MULTILINE)
        if match is not None:
            fields.append("p%s_us=%.1f" % (percentile, _microseconds(match.group(1))))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    fields.append("non_2xx=%s" % (errors.group(1) if errors else "0"))
    if socket_errors:
        fields.append("socket_errors=%s" % socket_errors.group(1).replace(" ", "").replace(",", "/"))
    print("wrk " + " ".join(fields))


if __name__ == "__main__":
    main()
