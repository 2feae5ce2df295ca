#!/bin/bash
# Runs a command next to a private systemd-journald and prints what the journal stored.
#
# Usage: systemd-journal-roundtrip.sh COMMAND [ARG]...
#
# Inside a private mount namespace (unshare -m), the script mounts tmpfs over /run/systemd,
# /run/log and /var/log/journal and starts systemd-journald there. It runs COMMAND with its
# stdout and stderr saved. Then it prints every journal entry except kernel messages on
# stdout as JSON, one per line (journalctl -o json). COMMAND's stdout and stderr follow on this script's stderr,
# between "--- command stdout ---" / "--- command stderr ---" markers. Nothing reaches the
# host's journal and the host's /run/systemd is left untouched, because the mounts exist
# only in the namespace.
#
# Needs root with CAP_SYS_ADMIN (for unshare and mount). Exit status: COMMAND's status, 77
# when the environment cannot run the check (not root, unshare -m not permitted, or
# systemd-journald missing), or 1 when journald did not start.
set -euo pipefail

if [ "$#" -lt 1 ]; then
    echo "usage: $0 COMMAND [ARG]..." >&2
    exit 2
fi

skip() {
    echo "skipped: $1" >&2
    exit 77
}

JOURNALD=${JOURNALD:-/lib/systemd/systemd-journald}
[ "$(id -u)" -eq 0 ] || skip "needs root for unshare -m and mount"
command -v unshare >/dev/null || skip "unshare not found; install util-linux"
command -v journalctl >/dev/null || skip "journalctl not found; install systemd"
[ -x "$JOURNALD" ] || skip "$JOURNALD not found; install systemd"
# A container's root may lack CAP_SYS_ADMIN, which unshare -m needs.
unshare -m --propagation private true 2>/dev/null || skip "unshare -m failed; run as root with CAP_SYS_ADMIN"

# The inner script gets the command as its positional parameters, so no quoting is lost.
exec unshare -m --propagation private bash -euo pipefail -c '
    journald=$1
    shift

    for dir in /run/systemd /run/log /var/log/journal; do
        if [ -d "$dir" ]; then
            mount -t tmpfs tmpfs "$dir"
        fi
    done
    [ -d /run/systemd ] || mount -t tmpfs tmpfs /run
    mkdir -p /run/systemd /run/log

    # Keep this journald away from the kernel ring buffer: it neither imports /dev/kmsg
    # nor logs its own messages there.
    mkdir -p /run/systemd/journald.conf.d
    printf "[Journal]\nStorage=volatile\nReadKMsg=no\nForwardToSyslog=no\nForwardToKMsg=no\nForwardToConsole=no\nForwardToWall=no\n" \
        >/run/systemd/journald.conf.d/roundtrip.conf

    work=$(mktemp -d)
    SYSTEMD_LOG_TARGET=console "$journald" >"$work/journald.out" 2>&1 &
    journald_pid=$!
    stop_journald() {
        kill -TERM "$journald_pid" 2>/dev/null || true
        wait "$journald_pid" 2>/dev/null || true
        rm -rf "$work"
    }
    trap stop_journald EXIT

    # journald creates the socket within a fraction of a second; give up after 10 s.
    for _ in $(seq 100); do
        [ -S /run/systemd/journal/socket ] && break
        kill -0 "$journald_pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -S /run/systemd/journal/socket ]; then
        echo "systemd-journald did not create /run/systemd/journal/socket:" >&2
        cat "$work/journald.out" >&2
        exit 1
    fi

    status=0
    "$@" >"$work/stdout" 2>"$work/stderr" || status=$?

    # journald writes entries asynchronously; --sync makes it flush them to the file.
    journalctl --sync 2>/dev/null || true
    journalctl --no-pager -o json _TRANSPORT=journal _TRANSPORT=stdout _TRANSPORT=syslog

    { echo "--- command stdout ---"; cat "$work/stdout"; echo "--- command stderr ---"; cat "$work/stderr"; } >&2
    exit "$status"
' roundtrip "$JOURNALD" "$@"
