"""WSGI middleware that records each request into the process's WSGI scoreboard segment."""

from . import errors
from .recorder import RequestToken, default_recorder

ACTIVE_KEY = "scoreboard_collector_wsgi.active"
"""Environ key set while a request is recorded, so a second wrapper passes through."""

_SEQUENCE_TYPES = (list, tuple)


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
        response = _RecordedResponse(recorder, start_response)
        if not recorder.begin_into(response, environ):
            return self.application(environ, start_response)
        environ[ACTIVE_KEY] = True

        # NOTE: wrapping the response hides a wsgi.file_wrapper from the server, so mod_wsgi's
        # sendfile shortcut no longer applies; the body is still sent, through iteration.
        try:
            response.result = self.application(environ, response.start_response)
        except BaseException:
            recorder.finish(response, response.status, True, response.bytes_out)
            raise
        return response


class _RecordedResponse(RequestToken):
    """The application's response iterable, counting body bytes and finishing the request on close.

    It is also the request's token for the recorder, so a request allocates one object.
    """

    __slots__ = ("recorder", "result", "status", "bytes_out", "raised", "server_start_response", "server_write",
                 "sequence_iterator")

    def __init__(self, recorder, server_start_response):
        self.recorder = recorder
        self.result = ()
        self.status = None
        self.bytes_out = 0
        self.raised = False
        self.server_start_response = server_start_response
        self.server_write = None
        self.sequence_iterator = None

    def start_response(self, status, headers, exc_info=None):
        """Note the status, then call the server's `start_response`; handed to the application."""
        self.status = status
        if exc_info is None:
            self.server_write = self.server_start_response(status, headers)
        else:
            self.server_write = self.server_start_response(status, headers, exc_info)
        return self.write

    def write(self, data):
        """Count the bytes, then pass them to the server's `write`; handed to the application."""
        self.bytes_out += len(data)
        return self.server_write(data)

    def __iter__(self):
        result = self.result
        if type(result) in _SEQUENCE_TYPES:
            # A list or tuple cannot raise while iterated, so the server iterates it directly and
            # close() counts the bytes of the chunks the iterator handed out.
            iterator = iter(result)
            self.sequence_iterator = iterator
            return iterator
        return self._counting_iterator(result)

    def _counting_iterator(self, result):
        try:
            for chunk in result:
                self.bytes_out += len(chunk)
                yield chunk
        except BaseException:
            self.raised = True
            raise

    def _count_sequence_bytes(self):
        """Add the lengths of the list or tuple chunks that the server took from the iterator."""
        result = self.result
        chunks_taken = len(result) - self.sequence_iterator.__length_hint__()
        self.sequence_iterator = None
        for chunk in result[:chunks_taken] if chunks_taken < len(result) else result:
            try:
                self.bytes_out += len(chunk)
            except TypeError:
                # The counting iterator raises here, on the chunk the server could not send.
                self.raised = True
                return

    def close(self):
        try:
            if self.sequence_iterator is not None:
                self._count_sequence_bytes()
            close = getattr(self.result, "close", None)
            if close is not None:
                close()
        except BaseException:
            self.raised = True
            raise
        finally:
            self.recorder.finish(self, self.status, self.raised, self.bytes_out)

    def __del__(self):
        # A server that never calls close() breaks PEP 3333; count the request anyway.
        try:
            if not self.finished:
                errors.log_once(
                    "no-close",
                    "the WSGI server did not call close() on a response; its request was counted "
                    "when the response was garbage-collected",
                )
                self.recorder.finish(self, self.status, self.raised, self.bytes_out)
        except Exception:
            pass
