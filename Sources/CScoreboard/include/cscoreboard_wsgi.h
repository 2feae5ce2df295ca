#ifndef CSCOREBOARD_WSGI_H
#define CSCOREBOARD_WSGI_H

/*
 * Read-only access to WSGI scoreboard segments, the files that the Python package
 * scoreboard_collector_wsgi writes inside mod_wsgi processes.
 *
 * Layout source: docs/wsgi-scoreboard.md, section "Byte layout" (format version 1). The Python
 * writer (python/scoreboard_collector_wsgi/layout.py) follows the same table; change both
 * together. All integers are little-endian; this reader assumes a little-endian host.
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CSB_WSGI_MAGIC_SIZE 8
#define CSB_WSGI_VERSION 1
#define CSB_WSGI_HEADER_SIZE 128
#define CSB_WSGI_PROCESS_RECORD_SIZE 10360
#define CSB_WSGI_THREAD_RECORD_SIZE 256
#define CSB_WSGI_METHOD_SIZE 16
#define CSB_WSGI_PATH_SIZE 176
#define CSB_WSGI_GROUP_NAME_SIZE 64
#define CSB_WSGI_HISTOGRAM_BUCKET_COUNT 413
#define CSB_WSGI_HISTOGRAM_COUNT 3
#define CSB_WSGI_HISTOGRAM_LOWEST_US 10.0
#define CSB_WSGI_HISTOGRAM_RATIO 1.04
/* Upper bound on thread records per segment; a larger count is rejected as implausible. */
#define CSB_WSGI_MAX_THREAD_RECORDS 65536
/* Attempts to get a consistent copy of one record of a live writer before it is reported torn.
 * A writer that is gone cannot finish a write, so one attempt is enough for its segment. */
#define CSB_WSGI_COPY_ATTEMPTS 64

/* Segment header, at file offset 0. */
typedef struct {
    char magic[CSB_WSGI_MAGIC_SIZE];         /* "SCBWSGI\0" */
    uint32_t version;
    uint32_t header_size;
    uint32_t process_record_offset;
    uint32_t process_record_size;
    uint32_t thread_record_offset;
    uint32_t thread_record_size;
    uint32_t thread_record_count;
    uint32_t histogram_bucket_count;
    double histogram_lowest_us;
    double histogram_ratio;
    uint64_t segment_size;
    uint32_t method_size;
    uint32_t path_size;
    uint32_t group_name_size;
    uint32_t histogram_count;
    uint8_t reserved[48];
} csb_wsgi_header;

/* Values of csb_wsgi_process_record.mode. */
enum {
    CSB_WSGI_MODE_NONE = 0,      /* not running under mod_wsgi */
    CSB_WSGI_MODE_EMBEDDED = 1,
    CSB_WSGI_MODE_DAEMON = 2,
};

/* Values of csb_wsgi_thread_record.state. */
enum {
    CSB_WSGI_THREAD_UNUSED = 0,
    CSB_WSGI_THREAD_IDLE = 1,
    CSB_WSGI_THREAD_BUSY = 2,
};

/* Process record, one per segment. Times are µs; stamps are µs since the epoch. */
typedef struct {
    uint64_t seq;                            /* seqlock: odd while the writer is updating */
    uint32_t pid;
    uint32_t mode;
    uint64_t start_time_ticks;               /* field 22 of /proc/<pid>/stat */
    uint32_t configured_processes;           /* 0 = unknown */
    uint32_t configured_threads;             /* 0 = unknown */
    int64_t created_us;
    int64_t updated_us;                      /* 0 = no request completed */
    char process_group[CSB_WSGI_GROUP_NAME_SIZE];
    char application_group[CSB_WSGI_GROUP_NAME_SIZE];
    uint64_t requests;
    uint64_t status_1xx;
    uint64_t status_2xx;
    uint64_t status_3xx;
    uint64_t status_4xx;
    uint64_t status_5xx;
    uint64_t status_other;
    uint64_t exceptions;
    uint64_t negative_server;
    uint64_t negative_queue;
    uint64_t negative_daemon;
    uint64_t negative_application;
    uint64_t malformed_timestamps;
    uint64_t requests_without_thread_record;
    uint64_t bytes_in;
    uint64_t bytes_out;
    uint64_t server_us_sum;
    uint64_t queue_us_sum;
    uint64_t daemon_us_sum;
    uint64_t application_us_sum;
    uint64_t total_us_sum;
    uint64_t server_count;
    uint64_t queue_count;
    uint64_t daemon_count;
    uint64_t application_count;
    uint64_t total_count;
    uint8_t reserved[64];
    uint64_t application_histogram[CSB_WSGI_HISTOGRAM_BUCKET_COUNT];
    uint64_t queue_histogram[CSB_WSGI_HISTOGRAM_BUCKET_COUNT];
    uint64_t total_histogram[CSB_WSGI_HISTOGRAM_BUCKET_COUNT];
} csb_wsgi_process_record;

/* Thread record, one per request thread. The stamps are µs since the epoch, 0 = unknown. */
typedef struct {
    uint64_t seq;                            /* seqlock: odd while the writer is updating */
    uint32_t state;
    uint32_t wsgi_thread_id;                 /* mod_wsgi.thread_id, 0 = unknown */
    uint64_t native_thread_id;
    int64_t request_start_us;
    int64_t queue_start_us;
    int64_t daemon_start_us;
    int64_t application_start_us;
    uint64_t requests;
    char method[CSB_WSGI_METHOD_SIZE];       /* NUL-padded UTF-8, no NUL when full */
    char path[CSB_WSGI_PATH_SIZE];
} csb_wsgi_thread_record;

/* Result of csb_wsgi_open and csb_wsgi_validate_header; each failure has its own code. */
typedef enum {
    CSB_WSGI_OK = 0,
    CSB_WSGI_ERROR_OPEN = 1,                 /* open(2) failed; errno in error_number */
    CSB_WSGI_ERROR_STAT = 2,                 /* fstat(2) failed; errno in error_number */
    CSB_WSGI_ERROR_NOT_REGULAR_FILE = 3,
    CSB_WSGI_ERROR_TOO_SMALL = 4,            /* shorter than the header */
    CSB_WSGI_ERROR_MAP = 5,                  /* mmap(2) failed; errno in error_number */
    CSB_WSGI_ERROR_MAGIC = 6,
    CSB_WSGI_ERROR_VERSION = 7,
    CSB_WSGI_ERROR_HEADER_SIZE = 8,
    CSB_WSGI_ERROR_RECORD_SIZE = 9,          /* a record is smaller than version 1 defines */
    CSB_WSGI_ERROR_HISTOGRAM_GEOMETRY = 10,  /* bucket count, lowest bound, ratio or histogram count */
    CSB_WSGI_ERROR_FIELD_SIZE = 11,          /* method, path or group name size */
    CSB_WSGI_ERROR_OFFSETS = 12,             /* records overlap or lie outside the segment */
    CSB_WSGI_ERROR_SEGMENT_SIZE = 13,        /* header segment_size differs from the file size */
} csb_wsgi_status;

/* An open, validated, read-only mapping of one segment file. */
typedef struct {
    const uint8_t *base;                     /* NULL unless status == CSB_WSGI_OK */
    size_t size;
    int fd;                                  /* kept open to detect truncation; -1 when closed */
    csb_wsgi_status status;
    int error_number;                        /* errno of the failing call, 0 when none */
    uint64_t device;
    uint64_t inode;
    csb_wsgi_header header;                  /* copy taken when the segment was opened */
} csb_wsgi_segment;

/* Counts from one copy call. */
typedef struct {
    uint32_t retries;                        /* attempts repeated because seq was odd or changed */
    uint32_t torn;                           /* records that stayed inconsistent: skipped */
} csb_wsgi_copy_stats;

/* Short English name of a status code, e.g. "bad magic". */
const char *csb_wsgi_status_name(csb_wsgi_status status);

/* Check a header image of `size` bytes (the file size). Copies the header to *out when valid. */
csb_wsgi_status csb_wsgi_validate_header(const void *bytes, size_t size, csb_wsgi_header *out);

/* Open and map `path` read-only (O_RDONLY, PROT_READ, MAP_SHARED) and validate it. */
csb_wsgi_segment csb_wsgi_open(const char *path);

/* Unmap and close; safe to call on a failed or already closed segment. */
void csb_wsgi_close(csb_wsgi_segment *segment);

/*
 * Return 1 while the file still has at least the mapped size, 0 when it was truncated (reading
 * it then would raise SIGBUS) or fstat failed. Call once per sample before copying.
 */
int csb_wsgi_still_readable(const csb_wsgi_segment *segment);

/*
 * Copy the process record under its seqlock, trying up to `attempts` times (at least once).
 * Returns 1 with *out consistent, 0 when the record stayed torn (then *out must not be used).
 * Never allocates.
 */
int csb_wsgi_copy_process(const csb_wsgi_segment *segment, csb_wsgi_process_record *out,
                          uint32_t attempts, csb_wsgi_copy_stats *stats);

/*
 * Copy thread records under their seqlocks into out[0 ..< capacity], each with up to `attempts`
 * tries. Copies min(capacity, thread_record_count) records and sets consistent[i] to 1 for a good
 * copy and 0 for a torn one. Returns the number of records examined. Never allocates.
 */
uint32_t csb_wsgi_copy_threads(const csb_wsgi_segment *segment, csb_wsgi_thread_record *out,
                               uint8_t *consistent, uint32_t capacity, uint32_t attempts,
                               csb_wsgi_copy_stats *stats);

#endif
