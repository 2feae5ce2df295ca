/*
 * Read-only access to Apache httpd 2.4's scoreboard from a separate process.
 *
 * This header and apache_layout.c are the one place where the scoreboard's binary
 * layout is written down.  Sources: httpd's include/scoreboard.h at each 2.4.x tag, and
 * sizeof/offsetof measured against Debian 12's httpd 2.4.71 headers on x86_64
 * (APR_HAS_THREADS = 1, HAVE_TIMES defined, struct tms = 4 × 8-byte clock_t).
 *
 * The payload is global_score once, then process_score × server_limit, then
 * worker_score × server_limit × thread_limit (worker (i, j) at i·thread_limit + j).
 * Each record is strided at its sizeof rounded up to 8 bytes.
 *
 * Functions return 0 on success or an errno value; they never allocate on the copy and
 * record-reading paths.
 */
#ifndef CSCOREBOARD_H
#define CSCOREBOARD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------
 * Storage mechanisms and mappings
 * ---------------------------------------------------------------------------------- */

/** The mechanism APR used to store the scoreboard. */
typedef enum {
    /** `shm_open` object `/dev/shm/ShM.<h1>H<h2>` (APR ≥ 1.7.1 with ScoreboardFile). */
    SC_MECHANISM_POSIX = 1,
    /** SysV segment keyed by `ftok(path, times33(path))` (APR ≤ 1.7.0 with ScoreboardFile). */
    SC_MECHANISM_SYSV = 2,
    /** `MAP_SHARED|MAP_ANONYMOUS` mapping of the parent, reached via /proc/<pid>/map_files. */
    SC_MECHANISM_ANONYMOUS = 3,
} sc_mechanism;

/** Size of APR's header before the payload in POSIX objects and anonymous mappings. */
#define SC_APR_SIZE_HEADER 8

/** A read-only view of a scoreboard segment. */
typedef struct {
    /** First mapped byte (PROT_READ); NULL when detached. */
    const unsigned char *base;
    /** Bytes mapped. */
    size_t mapping_size;
    /** Offset of global_score inside the mapping: 8 for POSIX and anonymous, 0 for SysV. */
    size_t payload_offset;
    /** Scoreboard bytes after the header, as stated by APR's size header or `shm_segsz`. */
    size_t payload_size;
    /** One of sc_mechanism. */
    int mechanism;
    /** POSIX and anonymous: the descriptor kept open to watch `st_nlink`; otherwise -1. */
    int fd;
    /** SysV: the segment id; otherwise -1. */
    int shmid;
    /** POSIX and anonymous: `st_dev` and `st_ino` of the object when attached. */
    uint64_t device;
    uint64_t inode;
} sc_mapping;

/**
 * Attaches read-only to a POSIX shared-memory object (`shm_open(O_RDONLY)` and
 * `mmap(PROT_READ, MAP_SHARED)`). `name` is the object name with its leading slash.
 * Returns EINVAL when the size header disagrees with the object's size.
 */
int sc_attach_posix(const char *name, sc_mapping *out);

/** Attaches to a SysV segment with `shmat(SHM_RDONLY)`; the payload starts at offset 0. */
int sc_attach_sysv(int shmid, sc_mapping *out);

/**
 * Attaches read-only to a file that starts with APR's 8-byte size header followed by the payload,
 * such as `/proc/<pid>/map_files/<start>-<end>` for the anonymous scoreboard.
 */
int sc_attach_header_file(const char *path, sc_mapping *out);

/** Unmaps and closes; safe to call on a detached or zeroed mapping. */
void sc_detach(sc_mapping *mapping);

/** Lifecycle states of an attached segment. */
typedef enum {
    /** The segment is still the live one. */
    SC_SEGMENT_CURRENT = 0,
    /** POSIX: the object was unlinked and nothing has its name. SysV: `SHM_DEST` is set or the id is gone. */
    SC_SEGMENT_REMOVED = 1,
    /** POSIX: another object now has the name. SysV: the key now resolves to another id. */
    SC_SEGMENT_REPLACED = 2,
} sc_segment_state;

/**
 * Checks a POSIX mapping: an object with links is current; an unlinked one is replaced
 * when `name` now has a different inode, else removed. Returns a sc_segment_state, or -errno on failure.
 */
int sc_posix_segment_state(const sc_mapping *mapping, const char *name);

/**
 * Checks a SysV mapping with `IPC_STAT`. `SHM_DEST` (mode bit 01000), key 0 or EINVAL mean
 * removed. When `key` is not -1 and `shmget(key, 0, 0)` returns another id, it was replaced.
 * Returns a sc_segment_state, or -errno on failure.
 */
int sc_sysv_segment_state(const sc_mapping *mapping, key_t key);

/**
 * Opens a process file descriptor for `pid` with `pidfd_open` (Linux 5.3 and later).  It
 * refers to that one process even if its PID is reused later.  Returns the descriptor, or
 * -errno (-ENOSYS on older kernels).
 */
int sc_pidfd_open(pid_t pid);

/**
 * Returns 1 when the process behind `pidfd` has terminated (a zombie counts), 0 while it
 * runs, or -errno.  One `poll` with a zero timeout; it never blocks.
 */
int sc_pidfd_exited(int pidfd);

/** Returns the size of SysV segment `shmid` in `*size` (`IPC_STAT` `shm_segsz`). */
int sc_sysv_segment_size(int shmid, size_t *size);

/**
 * Copies the payload into `destination` with one memcpy.  Returns the number of bytes
 * copied, which is `payload_size` unless `capacity` is smaller (then 0 is returned and
 * nothing is copied).
 */
size_t sc_copy_payload(const sc_mapping *mapping, void *destination, size_t capacity);

/* ------------------------------------------------------------------------------------
 * APR names and keys
 * ---------------------------------------------------------------------------------- */

/** APR's default "times 33" hash of a string (apr_hashfunc_default), modulo 2^32. */
uint32_t sc_apr_times33(const char *string);

/**
 * Writes APR's POSIX object name for `path` ("/ShM.<h1>H<h2>") into `out`.  `path` must be
 * the absolute, normalised ScoreboardFile path Apache hashed.  Returns 0 or ENAMETOOLONG.
 */
int sc_apr_posix_name(const char *path, char *out, size_t capacity);

/** Computes APR's SysV key `ftok(path, times33(path))`; returns -1 and sets errno on failure. */
key_t sc_apr_sysv_key(const char *path);

/* ------------------------------------------------------------------------------------
 * Layout groups
 * ---------------------------------------------------------------------------------- */

/** Layout groups of httpd 2.4.x, oldest first; fields were only ever appended. */
typedef enum {
    SC_LAYOUT_UNKNOWN = 0,
    /** 2.4.1 – 2.4.16: global 24, process 32, worker 248. */
    SC_LAYOUT_L1 = 1,
    /** 2.4.17 – 2.4.18: process `bucket`, stride 40. */
    SC_LAYOUT_L2 = 2,
    /** 2.4.19 – 2.4.34: worker `protocol[16]` at 248, stride 264. */
    SC_LAYOUT_L3 = 3,
    /** 2.4.35: global `times`, worker `duration` at 264, stride 272. */
    SC_LAYOUT_L4 = 4,
    /** 2.4.36 – 2.4.71: worker `client64[64]` at 272, stride 336 (L6 adds process `wait_io` in former padding). */
    SC_LAYOUT_L5_L6 = 5,
} sc_layout_group;

/** Geometry of one scoreboard, recognised from its size. */
typedef struct {
    int group;
    int server_limit;
    int thread_limit;
    size_t global_stride;
    size_t process_stride;
    size_t worker_stride;
    /** Payload bytes the geometry accounts for. */
    size_t payload_size;
} sc_layout;

/** Number of layout candidates tried by sc_detect_layout. */
#define SC_LAYOUT_CANDIDATES 5

/**
 * Recognises the layout group from `server_limit` and `thread_limit` at payload offsets 0
 * and 4 and the size identity A(global) + SL·A(process) + SL·TL·A(worker) = payload size.
 * On success returns 0.  Otherwise returns EINVAL and, when `expected_sizes` is not NULL,
 * stores the payload size each candidate group would need (SC_LAYOUT_CANDIDATES entries,
 * newest group first) so the caller can name expected and actual sizes.
 */
int sc_detect_layout(const void *payload, size_t payload_size, sc_layout *out, size_t *expected_sizes);

/** Returns the payload size a layout group needs for the given limits (0 on overflow or an unknown group). */
size_t sc_layout_payload_size(int group, int server_limit, int thread_limit);

/** Fills `out` with the strides of `group` for the given limits. */
int sc_layout_make(int group, int server_limit, int thread_limit, sc_layout *out);

/* ------------------------------------------------------------------------------------
 * Records (numeric fields; strings are read separately and bounded)
 * ---------------------------------------------------------------------------------- */

/** global_score. */
typedef struct {
    int32_t server_limit;
    int32_t thread_limit;
    /** Incremented on every graceful or hard restart. */
    int32_t running_generation;
    /** µs since the epoch; changes only on start and hard restart. */
    int64_t restart_time;
    /** Parent's `struct tms` (tms_utime, tms_stime, tms_cutime, tms_cstime) in clock ticks; 0 before L4. */
    int64_t times[4];
} sc_global_score;

/** process_score. */
typedef struct {
    /** 0 means the slot is empty. */
    int32_t pid;
    int32_t generation;
    /** 1 while the process is stopping gracefully. */
    uint8_t quiescing;
    uint8_t not_accepting;
    /** Event MPM connection counters, refreshed only when the listener runs its queue maintenance. */
    uint32_t connections;
    uint32_t write_completion;
    uint32_t lingering_close;
    uint32_t keep_alive;
    uint32_t suspended;
    /** 0 before L6 (2.4.63). */
    uint32_t wait_io;
} sc_process_score;

/** worker_score, numeric fields. */
typedef struct {
    uint64_t tid;
    int32_t thread_num;
    /** Set by event and worker; 0 on prefork (use process_score.pid). */
    int32_t pid;
    int32_t generation;
    /** SERVER_DEAD … SERVER_IDLE_KILL (0 – 10); any other byte is not a valid status. */
    uint8_t status;
    uint16_t conn_count;
    uint64_t conn_bytes;
    /** Lifetime requests and bytes of the slot; they survive replacement of the process. */
    uint64_t access_count;
    uint64_t bytes_served;
    /** Requests and bytes of the process now in the slot. */
    uint64_t my_access_count;
    uint64_t my_bytes_served;
    /** µs since the epoch; `start_time > stop_time` means a request is in flight. */
    int64_t start_time;
    int64_t stop_time;
    int64_t last_used;
    /** Cumulative µs of request processing of the slot; 0 before L4 (2.4.35). */
    int64_t duration;
    /** The process's `struct tms` at its last request, in clock ticks. */
    int64_t times[4];
} sc_worker_score;

/** String fields of worker_score. */
typedef enum {
    SC_WORKER_CLIENT = 0,
    SC_WORKER_REQUEST = 1,
    SC_WORKER_VHOST = 2,
    /** From L3 (2.4.19). */
    SC_WORKER_PROTOCOL = 3,
    /** From L5 (2.4.36); full client address, safe for IPv6. */
    SC_WORKER_CLIENT64 = 4,
} sc_worker_string;

void sc_read_global(const void *payload, const sc_layout *layout, sc_global_score *out);
void sc_read_process(const void *payload, const sc_layout *layout, int process, sc_process_score *out);
void sc_read_worker(const void *payload, const sc_layout *layout, int process, int thread, sc_worker_score *out);

/**
 * Points `*out` at a string field of worker (process, thread) and returns its length: up to
 * the first NUL, never past the field's size.  Returns 0 with `*out` NULL when the layout
 * lacks the field.  The bytes may be torn or invalid UTF-8, because Apache writes them
 * without locking.
 */
size_t sc_worker_string_field(const void *payload, const sc_layout *layout, int process, int thread,
                              int field, const char **out);

/**
 * The worker_score fields the per-sample metrics read, packed so a sample walks one dense
 * array instead of every full record.  Each field mirrors the worker_score field of the same
 * name; `duration` is 0 before L4 (2.4.35).
 */
typedef struct {
    uint64_t access_count;
    uint64_t bytes_served;
    int64_t start_time;
    int64_t stop_time;
    int64_t last_used;
    int64_t duration;
    int32_t pid;
    uint8_t status;
} sc_worker_digest;

/**
 * Writes the digest of every worker record of `payload`, in slot order (process ·
 * thread_limit + thread), into `out`.  Returns the number written, or 0 when `capacity` is
 * smaller than server_limit · thread_limit.
 */
size_t sc_digest_workers(const void *payload, const sc_layout *layout, sc_worker_digest *out, size_t capacity);

/**
 * Copies the payload like sc_copy_payload and digests the worker records in the same pass:
 * each process's row of worker records is digested right after it is copied, while it is
 * still in the CPU cache.  `layout` must describe the mapping's payload.  Returns the bytes
 * copied, or 0 (nothing copied) when a capacity is too small or the layout's size differs
 * from the mapping's.
 */
size_t sc_copy_payload_digesting(const sc_mapping *mapping, const sc_layout *layout, void *destination,
                                 size_t capacity, sc_worker_digest *digests, size_t digest_capacity);

/* Writers used by tests and benchmarks to build synthetic segments with the real layout. */
void sc_write_global(void *payload, const sc_layout *layout, const sc_global_score *in);
void sc_write_process(void *payload, const sc_layout *layout, int process, const sc_process_score *in);
void sc_write_worker(void *payload, const sc_layout *layout, int process, int thread, const sc_worker_score *in);
/** Copies `length` bytes (truncated to the field size, NUL-terminated when shorter) into a string field. */
void sc_write_worker_string(void *payload, const sc_layout *layout, int process, int thread, int field,
                            const char *value, size_t length);

#ifdef __cplusplus
}
#endif

/* SwiftPM uses this header as the module's umbrella, so it carries the WSGI reader too. */
#include "cscoreboard_wsgi.h"

#endif
