#!/usr/bin/env bash
# Starts or stops a private Apache httpd on 127.0.0.1 for the demo, the tests and the
# benchmarks. Everything it writes lives under one directory; nothing in /etc/apache2 changes.
#
#   apache-instance.sh start DIR --port N [--mpm event|prefork|worker] [--scoreboard-file PATH]
#                            [--no-extended-status] [--max-connections-per-child N]
#                            [--server-limit N] [--threads-per-child N] [--max-request-workers N]
#                            [--wsgi-daemon GROUP:PROCESSES:THREADS]... [--wsgi-embedded]
#                            [--wsgi-writer DIR [--wsgi-writer-by-hand]]
#                            [--wsgi-module PATH [--wsgi-python-home DIR]]
#   apache-instance.sh stop DIR           graceful-stop is not used: stop means stop now
#   apache-instance.sh signal DIR graceful|restart|stop
#   apache-instance.sh pid DIR
#
# The instance serves /index.html (static), /status (mod_status), and a WSGI app under /app
# with /app/sleep?seconds=S and /app/hello. The app runs in daemon group "app" (1 process,
# 4 threads) unless --wsgi-daemon lists groups (each also served under /GROUP) or
# --wsgi-embedded selects embedded mode; prefork defaults to embedded mode. Embedded mode
# under a threaded MPM makes "stop" wait about 10 s for a child to exit.
#
# --wsgi-writer DIR loads the WSGI scoreboard writer from python/ in this repository into every
# WSGI process (WSGIImportScript), with its segments in DIR (created 2770 root:www-data).
# --wsgi-writer-by-hand wraps the application in ScoreboardMiddleware inside app.wsgi instead, so
# mod_wsgi publishes no events for the writer.
# --wsgi-module PATH loads another mod_wsgi build (such as mod_wsgi 6 from PyPI, whose path
# `mod_wsgi-express module-location` prints) in place of Debian's; --wsgi-python-home DIR sets
# WSGIPythonHome to the Python (or virtual environment) that build was compiled for.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
template="$here/../demo/apache/httpd.conf.in"
app="$here/../demo/apache/app.wsgi"

usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 2 ] || usage
command=$1 dir=$2
shift 2

apache() { /usr/sbin/apache2 -d /etc/apache2 -f "$dir/httpd.conf" "$@"; }

wait_for_pid_gone() {
    local pid=$1
    for _ in $(seq 1 100); do
        # kill -0 succeeds on a zombie too, so the state letter decides.
        if ! kill -0 "$pid" 2>/dev/null; then return 0; fi
        if [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = "Z" ]; then return 0; fi
        sleep 0.1
    done
    echo "apache-instance: PID $pid did not exit within 10 s" >&2
    return 1
}

case $command in
start)
    port="" mpm=event scoreboard="" extended=On mcpc=0 server_limit=4 tpc=5 mrw=20 wsgi_daemons=() writer="" by_hand=0 embedded=0 wsgi_module=/usr/lib/apache2/modules/mod_wsgi.so python_home=""
    while [ $# -gt 0 ]; do
        case $1 in
        --port) port=$2; shift 2 ;;
        --mpm) mpm=$2; shift 2 ;;
        --scoreboard-file) scoreboard=$2; shift 2 ;;
        --no-extended-status) extended=Off; shift ;;
        --max-connections-per-child) mcpc=$2; shift 2 ;;
        --server-limit) server_limit=$2; shift 2 ;;
        --threads-per-child) tpc=$2; shift 2 ;;
        --max-request-workers) mrw=$2; shift 2 ;;
        --wsgi-daemon) wsgi_daemons+=("$2"); shift 2 ;;
        --wsgi-writer) writer=$2; shift 2 ;;
        --wsgi-writer-by-hand) by_hand=1; shift ;;
        --wsgi-embedded) embedded=1; shift ;;
        --wsgi-module) wsgi_module=$2; shift 2 ;;
        --wsgi-python-home) python_home=$2; shift 2 ;;
        *) echo "apache-instance: unknown option '$1'" >&2; usage ;;
        esac
    done
    [ -n "$port" ] || { echo "apache-instance: --port is required" >&2; exit 2; }
    case $mpm in event|worker|prefork) ;; *) echo "apache-instance: invalid --mpm '$mpm': use event, worker or prefork" >&2; exit 2 ;; esac
    [ -f "$wsgi_module" ] || { echo "apache-instance: --wsgi-module '$wsgi_module' not found; install libapache2-mod-wsgi-py3 or pass the path of a mod_wsgi.so" >&2; exit 2; }
    [ -z "$python_home" ] || [ -d "$python_home" ] || { echo "apache-instance: --wsgi-python-home '$python_home' is not a directory" >&2; exit 2; }
    [ -x /usr/sbin/apache2 ] || { echo "apache-instance: /usr/sbin/apache2 not found; run 'make deps'" >&2; exit 2; }

    mkdir -p "$dir/htdocs" "$dir/run"
    chmod 755 "$dir" "$dir/htdocs"
    chmod 777 "$dir/run"
    echo "<html><body>scoreboard-collector test page</body></html>" > "$dir/htdocs/index.html"
    cp "$app" "$dir/app.wsgi"
    [ $by_hand = 0 ] || [ -n "$writer" ] || { echo "apache-instance: --wsgi-writer-by-hand is missing --wsgi-writer DIR; add it" >&2; exit 2; }
    if [ $by_hand = 1 ]; then
        printf '\nfrom scoreboard_collector_wsgi import ScoreboardMiddleware\napplication = ScoreboardMiddleware(application)\n' \
            >> "$dir/app.wsgi"
    fi

    if [ "$mpm" = prefork ]; then tpc_line="" ; threads_line=""
    else tpc_line="ThreadsPerChild $tpc"; threads_line="ThreadLimit $tpc"; fi
    [ "$mpm" = prefork ] && mrw_value=$server_limit || mrw_value=$mrw

    if [ ${#wsgi_daemons[@]} -eq 0 ] && [ $embedded = 0 ] && [ "$mpm" != prefork ]; then
        wsgi_daemons=("app:1:4")
    fi
    python_dir=$(cd "$here/../python" && pwd)
    import_script="$python_dir/scoreboard_collector_wsgi/import_script.py"
    wsgi_lines=""
    if [ -n "$python_home" ]; then wsgi_lines+="WSGIPythonHome $python_home"$'\n'; fi
    if [ ${#wsgi_daemons[@]} -eq 0 ]; then
        wsgi_lines+="WSGIApplicationGroup %{GLOBAL}"$'\n'"WSGIScriptAlias /app $dir/app.wsgi"$'\n'
        if [ -n "$writer" ]; then
            wsgi_lines+="WSGIPythonPath $python_dir"$'\n'
            [ $by_hand = 1 ] || wsgi_lines+="WSGIImportScript $import_script process-group=%{GLOBAL} application-group=%{GLOBAL}"$'\n'
        fi
    else
        first=1
        for spec in "${wsgi_daemons[@]}"; do
            IFS=: read -r group processes threads <<< "$spec"
            wsgi_lines+="WSGIDaemonProcess $group processes=$processes threads=$threads display-name=%{GROUP} python-path=$python_dir"$'\n'
            if [ -n "$writer" ] && [ $by_hand = 0 ]; then
                wsgi_lines+="WSGIImportScript $import_script process-group=$group application-group=%{GLOBAL}"$'\n'
            fi
            wsgi_lines+="WSGIScriptAlias /$group $dir/app.wsgi process-group=$group application-group=%{GLOBAL}"$'\n'
            if [ $first = 1 ]; then
                wsgi_lines+="WSGIScriptAlias /app $dir/app.wsgi process-group=$group application-group=%{GLOBAL}"$'\n'
                first=0
            fi
        done
    fi
    if [ -n "$writer" ]; then
        install -d -m 2770 -g www-data "$writer"
        # The writer finds its directory in the environment mod_wsgi processes inherit from apache2.
        export SCOREBOARD_WSGI_DIR="$writer"
    fi

    sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" -e "s|@MPM@|$mpm|g" -e "s|@EXTENDED@|$extended|g" \
        -e "s|@MCPC@|$mcpc|g" -e "s|@SERVER_LIMIT@|$server_limit|g" -e "s|@TPC_LINE@|$tpc_line|g" \
        -e "s|@THREADS_LINE@|$threads_line|g" -e "s|@MRW@|$mrw_value|g" \
        -e "s|/usr/lib/apache2/modules/mod_wsgi.so|$wsgi_module|" "$template" > "$dir/httpd.conf"
    if [ -n "$scoreboard" ]; then echo "ScoreboardFile $scoreboard" >> "$dir/httpd.conf"; fi
    printf '%s\n' "$wsgi_lines" >> "$dir/httpd.conf"

    apache -t >/dev/null 2>"$dir/configtest.log" || { cat "$dir/configtest.log" >&2; exit 1; }
    # apache2 daemonizes; its descriptors must not keep the caller's pipes open.
    apache -k start </dev/null >>"$dir/start.log" 2>&1 || { cat "$dir/start.log" >&2; exit 1; }
    for _ in $(seq 1 100); do
        if [ -s "$dir/run/apache2.pid" ] && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "apache-instance: Apache PID $(cat "$dir/run/apache2.pid") on 127.0.0.1:$port ($mpm)"
            exit 0
        fi
        sleep 0.1
    done
    echo "apache-instance: Apache did not start within 10 s; see $dir/error.log" >&2
    tail -n 20 "$dir/error.log" >&2 || true
    exit 1
    ;;
stop)
    [ -s "$dir/run/apache2.pid" ] || exit 0
    pid=$(cat "$dir/run/apache2.pid")
    apache -k stop </dev/null >>"$dir/start.log" 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    wait_for_pid_gone "$pid"
    ;;
signal)
    [ $# -eq 1 ] || usage
    case $1 in graceful|restart|stop) apache -k "$1" ;; *) usage ;; esac
    ;;
pid)
    cat "$dir/run/apache2.pid"
    ;;
*)
    usage
    ;;
esac
