"""WSGI middleware that records each request into the process's WSGI scoreboard segment."""

from . import errors
from .recorder import default_recorder

ACTIVE_KEY = "scoreboard_collector_wsgi.active"
"""Environ key set while a request is recorded, so a second wrapper passes through."""


class ScoreboardMiddleware:
    """Wrap a WSGI application and record its requests.

    Application time runs from the call until the response iterable is closed. Pass `recorder` to
    use a specific Recorder; otherwise the process-wide one is used, created with `options`
    (directory, thread_record_count, record_paths, process_info) on first use.
    """

    def __init__(self, application, recorder=None, **options):
        self.application = application
        self.recorder = recorder if recorder is not None else default_recorder(**options)

    def __call__(self, environ, start_response):
        if environ.get(ACTIVE_KEY):
            return self.application(environ, start_response)

        recorder = self.recorder
        token = recorder.begin(environ)
        if token is None:
            return self.application(environ, start_response)
        environ[ACTIVE_KEY] = True

        response = _RecordedResponse(recorder, token)

        def recording_start_response(status, headers, exc_info=None):
            response.status = status
            if exc_info is None:
                response.server_write = start_response(status, headers)
            else:
                response.server_write = start_response(status, headers, exc_info)
            return response.write

        # NOTE: wrapping the response hides a wsgi.file_wrapper from the server, so mod_wsgi's
        # sendfile shortcut no longer applies; the body is still sent, through iteration.
        try:
            response.result = self.application(environ, recording_start_response)
        except BaseException:
            recorder.finish(token, response.status, True, response.bytes_out)
            raise
        return response


class _RecordedResponse:
    """The application's response iterable, counting body bytes and finishing the request on close."""

    __slots__ = ("recorder", "token", "result", "status", "bytes_out", "raised", "server_write")

    def __init__(self, recorder, token):
        self.recorder = recorder
        self.token = token
        self.result = ()
        self.status = None
        self.bytes_out = 0
        self.raised = False
        self.server_write = None

    def write(self, data):
        """Count the bytes, then pass them to the server's `write`; handed to the application."""
        self.bytes_out += len(data)
        return self.server_write(data)

    def __iter__(self):
        try:
            for chunk in self.result:
                self.bytes_out += len(chunk)
                yield chunk
        except BaseException:
            self.raised = True
            raise

    def close(self):
        try:
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        except BaseException:
            self.raised = True
            raise
        finally:
            self.recorder.finish(self.token, self.status, self.raised, self.bytes_out)

    def __del__(self):
        # A server that never calls close() breaks PEP 3333; count the request anyway.
        try:
            if not self.token.finished:
                errors.log_once(
                    "no-close",
                    "the WSGI server did not call close() on a response; its request was counted "
                    "when the response was garbage-collected",
                )
                self.recorder.finish(self.token, self.status, self.raised, self.bytes_out)
        except Exception:
            pass
