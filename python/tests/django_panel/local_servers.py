"""Small HTTP servers on 127.0.0.1 that misbehave like a broken collector would."""

import contextlib
import http.server
import socket
import threading


@contextlib.contextmanager
def serve(handle_get):
    """Run a threading HTTP server whose GET handler is `handle_get(handler)`; yield its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            handle_get(self)

        def log_message(self, format, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="panel-test-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def send(handler, status, body, content_type="application/json"):
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class SlowCollector:
    """A collector that responds only after `release()`. It records the requests it received and answered."""

    def __init__(self):
        self.released = threading.Event()
        self.received = []
        self.answered = []
        self.lock = threading.Lock()

    def handle(self, handler):
        with self.lock:
            self.received.append(handler.path)
        self.released.wait(60)
        with self.lock:
            self.answered.append(handler.path)
        send(handler, 200, b'{"sequence": 1}')

    def release(self):
        self.released.set()


def unused_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
