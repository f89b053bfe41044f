/*
 * wasi.h — internal interface of the WASI preview 1 implementation
 * (wasi_snapshot_preview1).  Owns the context object every host function
 * receives as its env (args, environment, the guest fd table, the exit
 * status), the ABI constants (errno values, rights, flags, struct layouts)
 * and the checked guest-memory accessors.
 *
 *   wasi.c       configuration, context, fd table, import table and the
 *                host-function trampoline; args_*, environ_*, clock_*,
 *                random_get, proc_*, sched_yield; errno mapping
 *   wasi_fs.c    fd_* (read/write/seek/stat/readdir/...)
 *   wasi_path.c  the sandboxed path resolver and path_* (incl. path_open)
 *   wasi_poll.c  poll_oneoff and sock_*
 *
 * Nothing here holds global mutable state: all state is in zw_wasi.
 */
#ifndef ZW_WASI_H
#define ZW_WASI_H

#include <dirent.h>
#include <pthread.h>
#include <time.h>

#include "common.h"

/* ---- ABI constants (WASI preview 1 witx) ------------------------------------ */
enum {
    ZW_E_SUCCESS = 0, ZW_E_2BIG = 1, ZW_E_ACCES = 2, ZW_E_ADDRINUSE = 3, ZW_E_ADDRNOTAVAIL = 4,
    ZW_E_AFNOSUPPORT = 5, ZW_E_AGAIN = 6, ZW_E_ALREADY = 7, ZW_E_BADF = 8, ZW_E_BADMSG = 9,
    ZW_E_BUSY = 10, ZW_E_CANCELED = 11, ZW_E_CHILD = 12, ZW_E_CONNABORTED = 13,
    ZW_E_CONNREFUSED = 14, ZW_E_CONNRESET = 15, ZW_E_DEADLK = 16, ZW_E_DESTADDRREQ = 17,
    ZW_E_DOM = 18, ZW_E_DQUOT = 19, ZW_E_EXIST = 20, ZW_E_FAULT = 21, ZW_E_FBIG = 22,
    ZW_E_HOSTUNREACH = 23, ZW_E_IDRM = 24, ZW_E_ILSEQ = 25, ZW_E_INPROGRESS = 26, ZW_E_INTR = 27,
    ZW_E_INVAL = 28, ZW_E_IO = 29, ZW_E_ISCONN = 30, ZW_E_ISDIR = 31, ZW_E_LOOP = 32,
    ZW_E_MFILE = 33, ZW_E_MLINK = 34, ZW_E_MSGSIZE = 35, ZW_E_MULTIHOP = 36,
    ZW_E_NAMETOOLONG = 37, ZW_E_NETDOWN = 38, ZW_E_NETRESET = 39, ZW_E_NETUNREACH = 40,
    ZW_E_NFILE = 41, ZW_E_NOBUFS = 42, ZW_E_NODEV = 43, ZW_E_NOENT = 44, ZW_E_NOEXEC = 45,
    ZW_E_NOLCK = 46, ZW_E_NOLINK = 47, ZW_E_NOMEM = 48, ZW_E_NOMSG = 49, ZW_E_NOPROTOOPT = 50,
    ZW_E_NOSPC = 51, ZW_E_NOSYS = 52, ZW_E_NOTCONN = 53, ZW_E_NOTDIR = 54, ZW_E_NOTEMPTY = 55,
    ZW_E_NOTRECOVERABLE = 56, ZW_E_NOTSOCK = 57, ZW_E_NOTSUP = 58, ZW_E_NOTTY = 59,
    ZW_E_NXIO = 60, ZW_E_OVERFLOW = 61, ZW_E_OWNERDEAD = 62, ZW_E_PERM = 63, ZW_E_PIPE = 64,
    ZW_E_PROTO = 65, ZW_E_PROTONOSUPPORT = 66, ZW_E_PROTOTYPE = 67, ZW_E_RANGE = 68,
    ZW_E_ROFS = 69, ZW_E_SPIPE = 70, ZW_E_SRCH = 71, ZW_E_STALE = 72, ZW_E_TIMEDOUT = 73,
    ZW_E_TXTBSY = 74, ZW_E_XDEV = 75, ZW_E_NOTCAPABLE = 76,
};

/* Returned by a host function implementation instead of an errno when the
 * guest called proc_exit (the code is in zw_wasi.exit_code). */
#define ZW_WASI_EXIT (-1)

/* rights */
#define ZW_R_FD_DATASYNC (1ull << 0)
#define ZW_R_FD_READ (1ull << 1)
#define ZW_R_FD_SEEK (1ull << 2)
#define ZW_R_FD_FDSTAT_SET_FLAGS (1ull << 3)
#define ZW_R_FD_SYNC (1ull << 4)
#define ZW_R_FD_TELL (1ull << 5)
#define ZW_R_FD_WRITE (1ull << 6)
#define ZW_R_FD_ADVISE (1ull << 7)
#define ZW_R_FD_ALLOCATE (1ull << 8)
#define ZW_R_PATH_CREATE_DIRECTORY (1ull << 9)
#define ZW_R_PATH_CREATE_FILE (1ull << 10)
#define ZW_R_PATH_LINK_SOURCE (1ull << 11)
#define ZW_R_PATH_LINK_TARGET (1ull << 12)
#define ZW_R_PATH_OPEN (1ull << 13)
#define ZW_R_FD_READDIR (1ull << 14)
#define ZW_R_PATH_READLINK (1ull << 15)
#define ZW_R_PATH_RENAME_SOURCE (1ull << 16)
#define ZW_R_PATH_RENAME_TARGET (1ull << 17)
#define ZW_R_PATH_FILESTAT_GET (1ull << 18)
#define ZW_R_PATH_FILESTAT_SET_SIZE (1ull << 19)
#define ZW_R_PATH_FILESTAT_SET_TIMES (1ull << 20)
#define ZW_R_FD_FILESTAT_GET (1ull << 21)
#define ZW_R_FD_FILESTAT_SET_SIZE (1ull << 22)
#define ZW_R_FD_FILESTAT_SET_TIMES (1ull << 23)
#define ZW_R_PATH_SYMLINK (1ull << 24)
#define ZW_R_PATH_REMOVE_DIRECTORY (1ull << 25)
#define ZW_R_PATH_UNLINK_FILE (1ull << 26)
#define ZW_R_POLL_FD_READWRITE (1ull << 27)
#define ZW_R_SOCK_SHUTDOWN (1ull << 28)
#define ZW_R_SOCK_ACCEPT (1ull << 29)
#define ZW_R_ALL ((1ull << 30) - 1)

/* Rights that make sense on a regular file / a directory / a socket / a tty. */
#define ZW_R_FILE                                                                          \
    (ZW_R_FD_DATASYNC | ZW_R_FD_READ | ZW_R_FD_SEEK | ZW_R_FD_FDSTAT_SET_FLAGS | ZW_R_FD_SYNC | \
     ZW_R_FD_TELL | ZW_R_FD_WRITE | ZW_R_FD_ADVISE | ZW_R_FD_ALLOCATE | ZW_R_FD_FILESTAT_GET |  \
     ZW_R_FD_FILESTAT_SET_SIZE | ZW_R_FD_FILESTAT_SET_TIMES | ZW_R_POLL_FD_READWRITE)
#define ZW_R_DIR                                                                             \
    (ZW_R_FD_FDSTAT_SET_FLAGS | ZW_R_FD_SYNC | ZW_R_FD_ADVISE | ZW_R_PATH_CREATE_DIRECTORY |   \
     ZW_R_PATH_CREATE_FILE | ZW_R_PATH_LINK_SOURCE | ZW_R_PATH_LINK_TARGET | ZW_R_PATH_OPEN |  \
     ZW_R_FD_READDIR | ZW_R_PATH_READLINK | ZW_R_PATH_RENAME_SOURCE |                         \
     ZW_R_PATH_RENAME_TARGET | ZW_R_PATH_FILESTAT_GET | ZW_R_PATH_FILESTAT_SET_SIZE |         \
     ZW_R_PATH_FILESTAT_SET_TIMES | ZW_R_FD_FILESTAT_GET | ZW_R_FD_FILESTAT_SET_TIMES |       \
     ZW_R_PATH_SYMLINK | ZW_R_PATH_REMOVE_DIRECTORY | ZW_R_PATH_UNLINK_FILE |                 \
     ZW_R_POLL_FD_READWRITE)
#define ZW_R_SOCK                                                                         \
    (ZW_R_FD_READ | ZW_R_FD_WRITE | ZW_R_FD_FDSTAT_SET_FLAGS | ZW_R_FD_FILESTAT_GET |       \
     ZW_R_POLL_FD_READWRITE | ZW_R_SOCK_SHUTDOWN | ZW_R_SOCK_ACCEPT)
#define ZW_R_TTY                                                                          \
    (ZW_R_FD_READ | ZW_R_FD_WRITE | ZW_R_FD_FDSTAT_SET_FLAGS | ZW_R_FD_FILESTAT_GET |       \
     ZW_R_FD_FILESTAT_SET_TIMES | ZW_R_POLL_FD_READWRITE | ZW_R_FD_SYNC | ZW_R_FD_DATASYNC)

/* A regular file as stdio: a stream (no seek, truncation, pwrite, times). */
#define ZW_R_STDIO_FILE                                                                   \
    (ZW_R_FD_READ | ZW_R_FD_WRITE | ZW_R_FD_FILESTAT_GET | ZW_R_POLL_FD_READWRITE |       \
     ZW_R_FD_SYNC | ZW_R_FD_DATASYNC)

/* filetype */
enum {
    ZW_FT_UNKNOWN = 0, ZW_FT_BLOCK = 1, ZW_FT_CHAR = 2, ZW_FT_DIR = 3, ZW_FT_REG = 4,
    ZW_FT_SOCK_DGRAM = 5, ZW_FT_SOCK_STREAM = 6, ZW_FT_SYMLINK = 7,
};
/* fdflags */
enum { ZW_FDF_APPEND = 1, ZW_FDF_DSYNC = 2, ZW_FDF_NONBLOCK = 4, ZW_FDF_RSYNC = 8, ZW_FDF_SYNC = 16 };
/* oflags */
enum { ZW_O_CREAT = 1, ZW_O_DIRECTORY = 2, ZW_O_EXCL = 4, ZW_O_TRUNC = 8 };
/* lookupflags */
enum { ZW_LOOKUP_FOLLOW = 1 };
/* fstflags */
enum { ZW_FST_ATIM = 1, ZW_FST_ATIM_NOW = 2, ZW_FST_MTIM = 4, ZW_FST_MTIM_NOW = 8 };

/* ---- guest memory ------------------------------------------------------------- */
/* The calling instance's memory 0 for the duration of one host call.  Every
 * guest pointer goes through zw_wm_ok / zw_wm_ptr: nothing is trusted. */
typedef struct zw_wmem {
    uint8_t *base;
    uint64_t size;
    const zw_alloc *al; /* the WASI context's allocator */
} zw_wmem;

static inline bool zw_wm_ok(const zw_wmem *m, uint64_t ptr, uint64_t len) {
    return m->base && ptr <= m->size && len <= m->size - ptr;
}
/* The host address of [ptr, ptr+len), or NULL when out of bounds. */
static inline uint8_t *zw_wm_ptr(const zw_wmem *m, uint64_t ptr, uint64_t len) {
    return zw_wm_ok(m, ptr, len) ? m->base + ptr : NULL;
}
static inline void zw_st16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void zw_st32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline void zw_st64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint16_t zw_ld16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t zw_ld32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t zw_ld64(const uint8_t *p) {
    return (uint64_t)zw_ld32(p) | (uint64_t)zw_ld32(p + 4) << 32;
}
/* Store a u32/u64 result at a guest pointer; false (EFAULT) when out of bounds. */
static inline bool zw_wm_put32(const zw_wmem *m, uint32_t ptr, uint32_t v) {
    uint8_t *p = zw_wm_ptr(m, ptr, 4);
    if (p) zw_st32(p, v);
    return p != NULL;
}
static inline bool zw_wm_put64(const zw_wmem *m, uint32_t ptr, uint64_t v) {
    uint8_t *p = zw_wm_ptr(m, ptr, 8);
    if (p) zw_st64(p, v);
    return p != NULL;
}

/* ---- the context ------------------------------------------------------------------ */
typedef struct zw_wasi_fd {
    int host;             /* host fd; -1: this guest fd number is free */
    uint8_t type;         /* ZW_FT_* */
    uint16_t fdflags;     /* the ZW_FDF_* the guest asked for (RSYNC is not observable) */
    uint64_t rights, inheriting;
    char *preopen;        /* guest path of a preopened directory, else NULL */
    /* fd_readdir state: an open stream, the cookie of its next entry, and
     * when it was last used (zw_wasi.dir_clock) */
    DIR *dir;
    uint64_t dir_next;
    uint64_t dir_used;
} zw_wasi_fd;

/* The context's memory outlives zwasm_wasi_delete while host functions
 * made from it still exist in their store: refs counts the handle and each
 * such function (released by the function's finalizer when the store dies);
 * a call after zwasm_wasi_delete finds `deleted` and traps instead of
 * touching freed state.
 * A context shared with another store (zwasm_wasi_share: wasi-threads, one
 * store per thread) is a second zwasm_wasi whose `state` is the first one:
 * it has its own store and functions and holds a reference to the first,
 * whose args, environment, fds and exit status every thread uses, one call
 * at a time (mu; refs change atomically, from any thread). */
struct zwasm_wasi {
    zw_alloc al;         /* its store's engine's allocator: every allocation of the context */
    uint32_t refs;
    bool deleted;
    zwasm_store_t *store;
    struct zwasm_wasi *state; /* a shared handle: the context it shares; NULL: itself */
    pthread_mutex_t mu;       /* (the state) held during every call but its blocking
                                 waits (a sleep, a poll; reads and writes of pipes,
                                 terminals, sockets) */
    bool shared;              /* (the state, under mu) zwasm_wasi_share made a handle */
    char **argv, **envp; /* envp entries are "KEY=VALUE" */
    size_t argc, envc;
    ZW_VEC(zw_wasi_fd) fds;
    uint32_t ndirs;        /* fds with an open directory stream */
    uint64_t dir_clock;    /* ticks once per fd_readdir */
    bool exited;
    int32_t exit_code;
    zwasm_func_t **funcs;  /* per import-table entry, created on first lookup */
    struct zw_wasi_fnenv *fnenv;
};
typedef struct zwasm_wasi zw_wasi;

/* Around a call's blocking wait that touches no state (poll_oneoff on
 * clocks alone, i.e. a sleep): other threads' calls go on meanwhile.  The
 * fd table may change meanwhile: no zw_wasi_fd pointer survives it. */
void zw_wasi_unlock(zw_wasi *w);
void zw_wasi_relock(zw_wasi *w);
/* Around a transfer on a stream that may block for ever (fd_read and
 * fd_write of a pipe or terminal, sock_recv, sock_send, sock_accept): in a
 * shared context (threads) a duplicate of host fd, the lock released, so
 * that other threads' calls go on and a concurrent fd_close or fd_renumber
 * cannot close or replace the fd under the transfer; else (or when no
 * duplicate can be made) host itself, locked.  zw_wasi_stream_end keeps
 * errno; as for zw_wasi_unlock, no zw_wasi_fd pointer survives. */
int zw_wasi_stream_begin(zw_wasi *w, int host);
void zw_wasi_stream_end(zw_wasi *w, int host, int h);

/* WASI clockid (realtime, monotonic, process / thread CPU time) -> host
 * clock; false for any other id. */
bool zw_wasi_clock(uint32_t id, clockid_t *out);
/* Host errno -> WASI errno. */
int zw_wasi_errno(int host_errno);
/* The fd entry for a guest fd with all of `rights`; NULL with *e set to
 * BADF (not open) or NOTCAPABLE (missing rights). */
zw_wasi_fd *zw_wasi_get_fd(zw_wasi *w, uint32_t fd, uint64_t rights, int *e);
/* Install host fd in the lowest free guest slot; returns the guest fd, or
 * minus a WASI errno (MFILE beyond ZW_WASI_MAX_FDS, NOMEM) after closing
 * host. */
int64_t zw_wasi_add_fd(zw_wasi *w, int host, uint8_t type, uint64_t rights, uint64_t inheriting);
void zw_wasi_close_entry(zw_wasi *w, zw_wasi_fd *f);

/* Most guest fds open at once, and directory streams (fd_readdir) kept
 * open at once: each stream holds a host fd and a 32 KiB buffer, so the
 * least recently used one is closed beyond the cap (its position is an
 * entry index, rebuilt when the guest reads on). */
#define ZW_WASI_MAX_FDS 65536u
#define ZW_WASI_MAX_DIR_STREAMS 64u
/* WASI filetype of a host st_mode. */
uint8_t zw_wasi_filetype(unsigned mode);
/* Write a 64-byte filestat from a host struct stat (passed as void*). */
void zw_wasi_put_filestat(uint8_t *out, const void *st);
/* Build host iovecs from a guest iovec array.  Returns an errno; *out is
 * malloc'ed (free it), *nout is the count; EFAULT for any range outside memory. */
int zw_wasi_iovecs(const zw_wmem *m, uint32_t iovs, uint32_t n, void **out, int *nout);

/* ---- the functions (arguments as raw u64 in import-signature order; called
 * with w->mu held) ---- */
typedef int zw_wasi_impl(zw_wasi *w, const zw_wmem *m, const uint64_t *a);

/* wasi_fs.c */
zw_wasi_impl zw_wasi_fd_advise, zw_wasi_fd_allocate, zw_wasi_fd_close, zw_wasi_fd_datasync,
    zw_wasi_fd_fdstat_get, zw_wasi_fd_fdstat_set_flags, zw_wasi_fd_fdstat_set_rights,
    zw_wasi_fd_filestat_get, zw_wasi_fd_filestat_set_size, zw_wasi_fd_filestat_set_times,
    zw_wasi_fd_pread, zw_wasi_fd_prestat_get, zw_wasi_fd_prestat_dir_name, zw_wasi_fd_pwrite,
    zw_wasi_fd_read, zw_wasi_fd_readdir, zw_wasi_fd_renumber, zw_wasi_fd_seek, zw_wasi_fd_sync,
    zw_wasi_fd_tell, zw_wasi_fd_write;
/* wasi_path.c */
zw_wasi_impl zw_wasi_path_create_directory, zw_wasi_path_filestat_get,
    zw_wasi_path_filestat_set_times, zw_wasi_path_link, zw_wasi_path_open, zw_wasi_path_readlink,
    zw_wasi_path_remove_directory, zw_wasi_path_rename, zw_wasi_path_symlink,
    zw_wasi_path_unlink_file;
/* wasi_poll.c */
zw_wasi_impl zw_wasi_poll_oneoff, zw_wasi_sock_accept, zw_wasi_sock_recv, zw_wasi_sock_send,
    zw_wasi_sock_shutdown;

/* Convert WASI timestamps + fstflags to a host timespec[2]; returns an errno. */
int zw_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, void *ts2);

#endif
