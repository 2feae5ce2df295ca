#!/bin/bash
# Checks systemd/scoreboard-collector.service offline, the way "make check-unit" runs it.
#
# Usage: systemd-check-unit.sh [BINDIR]
#
# The unit's ExecStart is @BINDIR@/scoreboard-collector; "make install" substitutes the
# real directory. This script substitutes BINDIR (default /usr/local/bin), which must
# contain scoreboard-collector, into a temporary copy, then runs
#   systemd-analyze --offline=yes --threshold=15 security   (fails above exposure 1.5)
#   systemd-analyze verify                                  (must print nothing)
# verify also checks that Documentation=man:scoreboard-collector(8) resolves, so MANPATH
# points at a temporary tree holding docs/scoreboard-collector.8.
#
# Then the same checks run once per drop-in in systemd/drop-ins/, installed next to the
# unit as scoreboard-collector.service.d/, with a threshold of 2.0: the drop-ins grant more
# capabilities, so they score worse.
#
# Prints "exposure: <score>" and one "exposure with <drop-in>: <score>" per drop-in on
# success. Exit status 0 when every check passes, 1 otherwise, 77 when systemd-analyze is
# not installed.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bindir=${1:-/usr/local/bin}

command -v systemd-analyze >/dev/null || { echo "skipped: systemd-analyze not found; install systemd" >&2; exit 77; }
if [ ! -x "$bindir/scoreboard-collector" ]; then
    echo "$bindir/scoreboard-collector not found: verify checks that ExecStart exists; build it" \
        "(swift build) and pass its directory (swift build --show-bin-path)" >&2
    exit 1
fi

work=$(mktemp -d)
# "security" leaves an empty marker file /run/systemd/systemd-units-load behind; remove it
# again unless it was there before.
marker=/run/systemd/systemd-units-load
marker_existed=no
[ -e "$marker" ] && marker_existed=yes
cleanup() {
    rm -rf "$work"
    if [ "$marker_existed" = no ] && [ -e "$marker" ] && [ ! -s "$marker" ]; then
        rm -f "$marker"
    fi
}
trap cleanup EXIT

unit="$work/scoreboard-collector.service"
sed "s|@BINDIR@|$bindir|g" "$root/systemd/scoreboard-collector.service" >"$unit"
mkdir -p "$work/man/man8"
cp "$root/docs/scoreboard-collector.8" "$work/man/man8/"

# check_unit THRESHOLD LABEL: runs both checks on $unit and prints "exposure<LABEL>: <score>".
check_unit() {
    local threshold=$1 label=$2 security verify score
    security=$(systemd-analyze --offline=yes --threshold="$threshold" security "$unit" 2>&1) || {
        echo "$security" | grep -E '✗|Overall' >&2
        echo "systemd-analyze security$label: exposure above the threshold of $threshold tenths" >&2
        exit 1
    }
    score=$(echo "$security" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')

    verify=$(MANPATH="$work/man" systemd-analyze verify "$unit" 2>&1) || {
        echo "$verify" >&2
        echo "systemd-analyze verify$label failed" >&2
        exit 1
    }
    if [ -n "$verify" ]; then
        echo "$verify" >&2
        echo "systemd-analyze verify$label printed warnings" >&2
        exit 1
    fi
    echo "exposure$label: $score"
}

check_unit 15 ""

mkdir "$work/scoreboard-collector.service.d"
for dropin in "$root"/systemd/drop-ins/*.conf; do
    rm -f "$work/scoreboard-collector.service.d/"*
    cp "$dropin" "$work/scoreboard-collector.service.d/"
    check_unit 20 " with $(basename "$dropin")"
done
