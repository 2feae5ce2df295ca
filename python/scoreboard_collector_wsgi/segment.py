"""One WSGI scoreboard segment file: creation, seqlock-protected writes, stale-file removal.

Layout: docs/wsgi-scoreboard.md, section "Byte layout" (mirrored in layout.py). The writer never
uses multiprocessing.shared_memory, whose resource tracker unlinks the segment at exit.
"""

import mmap
import os
import re

from . import layout
from .procstat import process_start_time

FILE_MODE = 0o640
_PROCESS_SEQ_WORD = (layout.PROCESS_RECORD_OFFSET + layout.SEQ_OFFSET) // 8
_SEGMENT_NAME = re.compile(r"^(\d+)-(\d+)\.wsb(\.tmp)?$")


class ProcessIdentity:
    """Identity fields of the process record, fixed for the life of a segment."""

    __slots__ = ("pid", "start_time_ticks", "mode", "configured_processes", "configured_threads",
                 "process_group", "application_group")

    def __init__(self, pid, start_time_ticks, mode, configured_processes, configured_threads,
                 process_group, application_group):
        self.pid = pid
        self.start_time_ticks = start_time_ticks
        self.mode = mode
        self.configured_processes = configured_processes
        self.configured_threads = configured_threads
        self.process_group = process_group
        self.application_group = application_group

    def file_name(self):
        return "%d-%d%s" % (self.pid, self.start_time_ticks, layout.SEGMENT_SUFFIX)


def _encode_text(text, size):
    return text.encode("utf-8", "replace")[:size]


def remove_stale_segments(directory, own_pid):
    """Remove segment files whose process is dead or whose pid now belongs to another process.

    Files this process cannot remove (another user's, in a directory without write access) are
    left for the collector, which marks them not live.
    """
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = _SEGMENT_NAME.match(name)
        if match is None:
            continue
        pid = int(match.group(1))
        if pid == own_pid:
            continue
        if process_start_time(pid) == int(match.group(2)):
            continue
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


class Segment:
    """A created, mapped segment. Methods write only; callers hold the locks the doc requires."""

    def __init__(self, directory, identity, thread_record_count, created_us, counters, histograms):
        """Create, fill and publish the segment file.

        The counters and histograms so far are written before the rename, so the file never shows
        a process record whose seq is still 0.
        """
        self.path = os.path.join(directory, identity.file_name())
        self.thread_record_count = thread_record_count
        self.process_seq = 0
        self.thread_seqs = [0] * thread_record_count

        size = layout.segment_size(thread_record_count)
        temporary_path = self.path + ".tmp"
        descriptor = self._create_exclusive(temporary_path)
        try:
            os.fchmod(descriptor, FILE_MODE)
            os.ftruncate(descriptor, size)
            self.memory = mmap.mmap(descriptor, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
            self.inode = os.fstat(descriptor).st_ino
        except BaseException:
            os.close(descriptor)
            _unlink_quietly(temporary_path)
            raise
        os.close(descriptor)
        # struct.pack_into zeroes its destination before storing the value, so a reader could see
        # a transient 0. Inside the odd seq window that is harmless, but seq itself must change in
        # one store: a memoryview item assignment stores all 8 bytes with one memcpy of a local.
        self._words = memoryview(self.memory).cast("Q")

        try:
            self._write_header(thread_record_count, size)
            self._write_identity(identity, created_us)
            self.write_all_histograms(histograms)
            self.write_process_update(counters, 0, ())
            os.rename(temporary_path, self.path)
        except BaseException:
            self.close()
            _unlink_quietly(temporary_path)
            raise

    @staticmethod
    def _create_exclusive(path):
        flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW
        try:
            return os.open(path, flags, FILE_MODE)
        except FileExistsError:
            # Left by an earlier attempt of this same process (same pid and start time).
            os.unlink(path)
            return os.open(path, flags, FILE_MODE)

    def _write_header(self, thread_record_count, size):
        layout.HEADER.pack_into(
            self.memory, 0,
            layout.MAGIC, layout.VERSION, layout.HEADER_SIZE,
            layout.PROCESS_RECORD_OFFSET, layout.PROCESS_RECORD_SIZE,
            layout.THREAD_RECORD_OFFSET, layout.THREAD_RECORD_SIZE, thread_record_count,
            layout.HISTOGRAM_BUCKET_COUNT, layout.HISTOGRAM_LOWEST_US, layout.HISTOGRAM_RATIO,
            size, layout.METHOD_SIZE, layout.PATH_SIZE, layout.GROUP_NAME_SIZE, layout.HISTOGRAM_COUNT,
        )

    def _write_identity(self, identity, created_us):
        base = layout.PROCESS_RECORD_OFFSET
        layout.PROCESS_IDENTITY.pack_into(
            self.memory, base + layout.PROCESS_IDENTITY_OFFSET,
            identity.pid, identity.mode, identity.start_time_ticks,
            identity.configured_processes, identity.configured_threads, created_us,
        )
        group_size = layout.GROUP_NAME_SIZE
        self.memory[base + layout.PROCESS_GROUP_OFFSET:base + layout.PROCESS_GROUP_OFFSET + group_size] = \
            _encode_text(identity.process_group, group_size).ljust(group_size, b"\0")
        self.memory[base + layout.APPLICATION_GROUP_OFFSET:base + layout.APPLICATION_GROUP_OFFSET + group_size] = \
            _encode_text(identity.application_group, group_size).ljust(group_size, b"\0")

    def is_current(self):
        """Return whether the segment's path still names this segment's file."""
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def write_process_update(self, counters, updated_us, bucket_updates):
        """Store all counters and some histogram buckets under the process record's seqlock.

        `bucket_updates` is a sequence of (file offset, count). The caller holds the process lock.
        """
        memory = self.memory
        words = self._words
        seq = self.process_seq + 1
        words[_PROCESS_SEQ_WORD] = seq
        layout.COUNTERS.pack_into(memory, layout.PROCESS_RECORD_OFFSET + layout.COUNTERS_OFFSET, *counters)
        layout.UPDATED_US.pack_into(memory, layout.PROCESS_RECORD_OFFSET + layout.UPDATED_US_OFFSET, updated_us)
        for offset, count in bucket_updates:
            layout.BUCKET.pack_into(memory, offset, count)
        self.process_seq = seq + 1
        words[_PROCESS_SEQ_WORD] = seq + 1

    def write_all_histograms(self, histograms):
        """Store whole histograms (after re-creation) under the seqlock; caller holds the lock."""
        memory = self.memory
        seq = self.process_seq + 1
        self._words[_PROCESS_SEQ_WORD] = seq
        for index, counts in enumerate(histograms):
            offset = layout.PROCESS_RECORD_OFFSET + layout.HISTOGRAMS_OFFSET + index * layout.HISTOGRAM_BYTES
            layout.HISTOGRAM.pack_into(memory, offset, *counts)
        self.process_seq = seq + 1
        self._words[_PROCESS_SEQ_WORD] = seq + 1

    def write_thread(self, index, state, wsgi_thread_id, native_thread_id, request_start_us, queue_start_us,
                     daemon_start_us, application_start_us, requests, method, path):
        """Store a whole thread record under its seqlock; only the owning thread calls this."""
        memory = self.memory
        offset = layout.thread_record_offset(index)
        seq_word = offset // 8
        seq = self.thread_seqs[index] + 1
        self._words[seq_word] = seq
        layout.THREAD_BODY.pack_into(
            memory, offset + layout.THREAD_BODY_OFFSET,
            state, wsgi_thread_id, native_thread_id, request_start_us, queue_start_us,
            daemon_start_us, application_start_us, requests, method, path,
        )
        self.thread_seqs[index] = seq + 1
        self._words[seq_word] = seq + 1

    def write_thread_idle(self, index, requests):
        """Mark a thread record idle after a request; the start stamps stay as the last request's."""
        memory = self.memory
        offset = layout.thread_record_offset(index)
        seq_word = offset // 8
        seq = self.thread_seqs[index] + 1
        self._words[seq_word] = seq
        layout.THREAD_STATE.pack_into(memory, offset + layout.THREAD_STATE_OFFSET, layout.THREAD_IDLE)
        layout.THREAD_REQUESTS.pack_into(memory, offset + layout.THREAD_REQUESTS_OFFSET, requests)
        self.thread_seqs[index] = seq + 1
        self._words[seq_word] = seq + 1

    def write_thread_unused(self, index):
        """Mark a thread record unused when its thread ends."""
        memory = self.memory
        offset = layout.thread_record_offset(index)
        seq_word = offset // 8
        seq = self.thread_seqs[index] + 1
        self._words[seq_word] = seq
        layout.THREAD_STATE.pack_into(memory, offset + layout.THREAD_STATE_OFFSET, layout.THREAD_UNUSED)
        self.thread_seqs[index] = seq + 1
        self._words[seq_word] = seq + 1

    def close(self):
        """Unmap the segment; the file stays for the collector."""
        try:
            self._words.release()
            self.memory.close()
        except (OSError, ValueError, BufferError):
            pass


def _unlink_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
