"""WSGI application of the private test Apache: /hello answers at once, /sleep?seconds=S waits."""
import time
from urllib.parse import parse_qs


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/sleep":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        seconds = float(query.get("seconds", ["1"])[0])
        time.sleep(min(max(seconds, 0.0), 60.0))
        body = b"slept\n"
    else:
        body = b"hello\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
