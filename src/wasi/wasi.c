/*
 * wasi.c — WASI preview 1: the public zwasm_wasi_* API (configuration,
 * context, import resolution), the guest fd table, the table of
 * wasi_snapshot_preview1 functions with their signatures and the trampoline
 * that calls them, host->WASI errno mapping, and the small functions:
 * args_*, environ_*, clock_*, random_get, proc_exit, proc_raise, sched_yield.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "wasi/wasi.h"

extern char **environ;

/* ---- configuration --------------------------------------------------------------- */
typedef struct {
    int fd;        /* host fd (directory or socket), owned by the config */
    char *guest;   /* guest path of a directory, NULL for a socket */
} zw_cfg_open;

struct zwasm_wasi_config {
    ZW_VEC(char *) args;
    ZW_VEC(char *) env;
    ZW_VEC(zw_cfg_open) opens;
    int stdio[3];
};

static void free_strv(const zw_alloc *al, char **v, uint32_t n) {
    if (!v) return; /* a copy that failed */
    for (uint32_t i = 0; i < n; i++) zw_free(al, v[i]);
    zw_free(al, v);
}

ZWASM_API zwasm_wasi_config_t *zwasm_wasi_config_new(void) {
    zwasm_wasi_config_t *c = zw_calloc(NULL, 1, sizeof *c);
    if (!c) return NULL;
    c->stdio[0] = 0;
    c->stdio[1] = 1;
    c->stdio[2] = 2;
    return c;
}

ZWASM_API void zwasm_wasi_config_delete(zwasm_wasi_config_t *c) {
    if (!c) return;
    free_strv(NULL, c->args.v, c->args.n);
    free_strv(NULL, c->env.v, c->env.n);
    for (uint32_t i = 0; i < c->opens.n; i++) {
        close(c->opens.v[i].fd);
        zw_free(NULL, c->opens.v[i].guest);
    }
    zw_free(NULL, c->opens.v);
    zw_free(NULL, c);
}

ZWASM_API bool zwasm_wasi_config_set_args(zwasm_wasi_config_t *c, size_t argc,
                                          const char *const *argv) {
    if (!c || (argc && !argv)) return false;
    for (size_t i = 0; i < argc; i++)
        if (!argv[i]) return false;
    free_strv(NULL, c->args.v, c->args.n);
    c->args.v = NULL;
    c->args.n = c->args.cap = 0;
    for (size_t i = 0; i < argc; i++) {
        char *s = zw_strdup(NULL, argv[i]);
        if (!s || !ZW_VEC_PUSH(NULL, &c->args, s)) {
            zw_free(NULL, s);
            return false;
        }
    }
    return true;
}

static bool push_env(zwasm_wasi_config_t *c, const char *kv, size_t klen, const char *value) {
    size_t vlen = strlen(value);
    char *s = zw_malloc(NULL, klen + vlen + 2);
    if (!s) return false;
    memcpy(s, kv, klen);
    s[klen] = '=';
    memcpy(s + klen + 1, value, vlen + 1);
    /* a later definition of the same key replaces the earlier one */
    for (uint32_t i = 0; i < c->env.n; i++) {
        if (strncmp(c->env.v[i], s, klen + 1) == 0) {
            zw_free(NULL, c->env.v[i]);
            c->env.v[i] = s;
            return true;
        }
    }
    if (!ZW_VEC_PUSH(NULL, &c->env, s)) {
        zw_free(NULL, s);
        return false;
    }
    return true;
}

ZWASM_API bool zwasm_wasi_config_add_env(zwasm_wasi_config_t *c, const char *key,
                                         const char *value) {
    if (!c || !key || !value) return false;
    return push_env(c, key, strlen(key), value);
}

ZWASM_API bool zwasm_wasi_config_inherit_env(zwasm_wasi_config_t *c) {
    if (!c) return false;
    for (char **e = environ; e && *e; e++) {
        const char *eq = strchr(*e, '=');
        if (!eq) continue;
        if (!push_env(c, *e, (size_t)(eq - *e), eq + 1)) return false;
    }
    return true;
}

static zwasm_result_t arg_err(zwasm_error_t *err, const char *what) {
    return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%s", what);
}

ZWASM_API zwasm_result_t zwasm_wasi_config_preopen_dir(zwasm_wasi_config_t *c,
                                                       const char *host_path,
                                                       const char *guest_path,
                                                       zwasm_error_t *err) {
    if (!c || !host_path || !guest_path)
        return arg_err(err, "zwasm_wasi_config_preopen_dir: NULL argument");
    int fd = open(host_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return zw_err_set(err, ZWASM_ERR_IO, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "cannot open directory %s: %s", host_path, strerror(errno));
    zw_cfg_open o = {fd, zw_strdup(NULL, guest_path)};
    if (!o.guest || !ZW_VEC_PUSH(NULL, &c->opens, o)) {
        close(fd);
        zw_free(NULL, o.guest);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    return ZWASM_OK;
}

ZWASM_API void zwasm_wasi_config_set_stdio(zwasm_wasi_config_t *c, int in_fd, int out_fd,
                                           int err_fd) {
    if (!c) return;
    c->stdio[0] = in_fd;
    c->stdio[1] = out_fd;
    c->stdio[2] = err_fd;
}

ZWASM_API zwasm_result_t zwasm_wasi_config_add_socket(zwasm_wasi_config_t *c, int host_fd,
                                                      zwasm_error_t *err) {
    if (!c) return arg_err(err, "zwasm_wasi_config_add_socket: NULL config");
    int fd = fcntl(host_fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return zw_err_set(err, ZWASM_ERR_IO, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "bad socket fd %d: %s",
                          host_fd, strerror(errno));
    zw_cfg_open o = {fd, NULL};
    if (!ZW_VEC_PUSH(NULL, &c->opens, o)) {
        close(fd);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    return ZWASM_OK;
}

/* ---- errno ------------------------------------------------------------------------- */
int zw_wasi_errno(int e) {
    switch (e) {
    case 0: return ZW_E_SUCCESS;
    case E2BIG: return ZW_E_2BIG;
    case EACCES: return ZW_E_ACCES;
    case EADDRINUSE: return ZW_E_ADDRINUSE;
    case EADDRNOTAVAIL: return ZW_E_ADDRNOTAVAIL;
    case EAFNOSUPPORT: return ZW_E_AFNOSUPPORT;
    case EAGAIN: return ZW_E_AGAIN;
    case EALREADY: return ZW_E_ALREADY;
    case EBADF: return ZW_E_BADF;
    case EBADMSG: return ZW_E_BADMSG;
    case EBUSY: return ZW_E_BUSY;
    case ECANCELED: return ZW_E_CANCELED;
    case ECHILD: return ZW_E_CHILD;
    case ECONNABORTED: return ZW_E_CONNABORTED;
    case ECONNREFUSED: return ZW_E_CONNREFUSED;
    case ECONNRESET: return ZW_E_CONNRESET;
    case EDEADLK: return ZW_E_DEADLK;
    case EDESTADDRREQ: return ZW_E_DESTADDRREQ;
    case EDOM: return ZW_E_DOM;
    case EDQUOT: return ZW_E_DQUOT;
    case EEXIST: return ZW_E_EXIST;
    case EFAULT: return ZW_E_FAULT;
    case EFBIG: return ZW_E_FBIG;
    case EHOSTUNREACH: return ZW_E_HOSTUNREACH;
    case EIDRM: return ZW_E_IDRM;
    case EILSEQ: return ZW_E_ILSEQ;
    case EINPROGRESS: return ZW_E_INPROGRESS;
    case EINTR: return ZW_E_INTR;
    case EINVAL: return ZW_E_INVAL;
    case EIO: return ZW_E_IO;
    case EISCONN: return ZW_E_ISCONN;
    case EISDIR: return ZW_E_ISDIR;
    case ELOOP: return ZW_E_LOOP;
    case EMFILE: return ZW_E_MFILE;
    case EMLINK: return ZW_E_MLINK;
    case EMSGSIZE: return ZW_E_MSGSIZE;
    case EMULTIHOP: return ZW_E_MULTIHOP;
    case ENAMETOOLONG: return ZW_E_NAMETOOLONG;
    case ENETDOWN: return ZW_E_NETDOWN;
    case ENETRESET: return ZW_E_NETRESET;
    case ENETUNREACH: return ZW_E_NETUNREACH;
    case ENFILE: return ZW_E_NFILE;
    case ENOBUFS: return ZW_E_NOBUFS;
    case ENODEV: return ZW_E_NODEV;
    case ENOENT: return ZW_E_NOENT;
    case ENOEXEC: return ZW_E_NOEXEC;
    case ENOLCK: return ZW_E_NOLCK;
    case ENOLINK: return ZW_E_NOLINK;
    case ENOMEM: return ZW_E_NOMEM;
    case ENOMSG: return ZW_E_NOMSG;
    case ENOPROTOOPT: return ZW_E_NOPROTOOPT;
    case ENOSPC: return ZW_E_NOSPC;
    case ENOSYS: return ZW_E_NOSYS;
    case ENOTCONN: return ZW_E_NOTCONN;
    case ENOTDIR: return ZW_E_NOTDIR;
    case ENOTEMPTY: return ZW_E_NOTEMPTY;
    case ENOTRECOVERABLE: return ZW_E_NOTRECOVERABLE;
    case ENOTSOCK: return ZW_E_NOTSOCK;
    case ENOTSUP: return ZW_E_NOTSUP; /* == EOPNOTSUPP on Linux */
    case ENOTTY: return ZW_E_NOTTY;
    case ENXIO: return ZW_E_NXIO;
    case EOVERFLOW: return ZW_E_OVERFLOW;
    case EOWNERDEAD: return ZW_E_OWNERDEAD;
    case EPERM: return ZW_E_PERM;
    case EPIPE: return ZW_E_PIPE;
    case EPROTO: return ZW_E_PROTO;
    case EPROTONOSUPPORT: return ZW_E_PROTONOSUPPORT;
    case EPROTOTYPE: return ZW_E_PROTOTYPE;
    case ERANGE: return ZW_E_RANGE;
    case EROFS: return ZW_E_ROFS;
    case ESPIPE: return ZW_E_SPIPE;
    case ESRCH: return ZW_E_SRCH;
    case ESTALE: return ZW_E_STALE;
    case ETIMEDOUT: return ZW_E_TIMEDOUT;
    case ETXTBSY: return ZW_E_TXTBSY;
    case EXDEV: return ZW_E_XDEV;
    default: return ZW_E_IO;
    }
}

/* ---- the fd table --------------------------------------------------------------------- */
uint8_t zw_wasi_filetype(unsigned mode) {
    switch (mode & S_IFMT) {
    case S_IFREG: return ZW_FT_REG;
    case S_IFDIR: return ZW_FT_DIR;
    case S_IFCHR: return ZW_FT_CHAR;
    case S_IFBLK: return ZW_FT_BLOCK;
    case S_IFLNK: return ZW_FT_SYMLINK;
    case S_IFSOCK: return ZW_FT_SOCK_STREAM;
    default: return ZW_FT_UNKNOWN;
    }
}

void zw_wasi_put_filestat(uint8_t *out, const void *stp) {
    const struct stat *st = stp;
    memset(out, 0, 64);
    zw_st64(out + 0, (uint64_t)st->st_dev);
    zw_st64(out + 8, (uint64_t)st->st_ino);
    out[16] = zw_wasi_filetype(st->st_mode);
    zw_st64(out + 24, (uint64_t)st->st_nlink);
    zw_st64(out + 32, (uint64_t)st->st_size);
    zw_st64(out + 40, (uint64_t)st->st_atim.tv_sec * 1000000000u + (uint64_t)st->st_atim.tv_nsec);
    zw_st64(out + 48, (uint64_t)st->st_mtim.tv_sec * 1000000000u + (uint64_t)st->st_mtim.tv_nsec);
    zw_st64(out + 56, (uint64_t)st->st_ctim.tv_sec * 1000000000u + (uint64_t)st->st_ctim.tv_nsec);
}

zw_wasi_fd *zw_wasi_get_fd(zw_wasi *w, uint32_t fd, uint64_t rights, int *e) {
    if (fd >= w->fds.n || w->fds.v[fd].host < 0) {
        *e = ZW_E_BADF;
        return NULL;
    }
    zw_wasi_fd *f = &w->fds.v[fd];
    if ((f->rights & rights) != rights) {
        *e = ZW_E_NOTCAPABLE;
        return NULL;
    }
    *e = ZW_E_SUCCESS;
    return f;
}

int64_t zw_wasi_add_fd(zw_wasi *w, int host, uint8_t type, uint64_t rights, uint64_t inheriting) {
    uint32_t i = 0;
    while (i < w->fds.n && w->fds.v[i].host >= 0) i++;
    if (i == w->fds.n) {
        zw_wasi_fd blank = {.host = -1};
        if (w->fds.n >= ZW_WASI_MAX_FDS) {
            close(host);
            return -ZW_E_MFILE;
        }
        if (!ZW_VEC_PUSH(&w->al, &w->fds, blank)) {
            close(host);
            return -ZW_E_NOMEM;
        }
    }
    zw_wasi_fd *f = &w->fds.v[i];
    memset(f, 0, sizeof *f);
    f->host = host;
    f->type = type;
    f->rights = rights;
    f->inheriting = inheriting;
    return i;
}

void zw_wasi_close_entry(zw_wasi *w, zw_wasi_fd *f) {
    if (f->dir) {
        closedir(f->dir);
        w->ndirs--;
    }
    if (f->host >= 0) close(f->host);
    zw_free(&w->al, f->preopen);
    memset(f, 0, sizeof *f);
    f->host = -1;
}

/* Rights for a host fd of the given type. */
static uint64_t rights_for(uint8_t type, int host) {
    switch (type) {
    case ZW_FT_REG: return ZW_R_FILE;
    case ZW_FT_DIR: return ZW_R_DIR;
    case ZW_FT_SOCK_STREAM:
    case ZW_FT_SOCK_DGRAM: return ZW_R_SOCK;
    case ZW_FT_CHAR: return isatty(host) ? ZW_R_TTY : ZW_R_FILE;
    default: return ZW_R_TTY;
    }
}

/* WASI filetype of a host fd (datagram sockets told apart from stream ones). */
static uint8_t host_type(int host) {
    struct stat st;
    if (fstat(host, &st) != 0) return ZW_FT_UNKNOWN;
    uint8_t type = zw_wasi_filetype(st.st_mode);
    int so = 0;
    socklen_t len = sizeof so;
    if (type == ZW_FT_SOCK_STREAM && getsockopt(host, SOL_SOCKET, SO_TYPE, &so, &len) == 0 &&
        so == SOCK_DGRAM)
        type = ZW_FT_SOCK_DGRAM;
    return type;
}

/* Append a guest fd for host (-1: a closed placeholder) at the end of the
 * table, so the context's fds keep their numbers even when a stdio slot
 * before them is closed.  preopen: the guest path of a preopened directory,
 * which may pass on any right (narrowed per file type at path_open); stdio:
 * host fd 0, 1 or 2 (narrower rights, see below).  False on OOM (host is
 * closed then, or owned by the table). */
static bool append_fd(zw_wasi *w, int host, const char *preopen, bool stdio) {
    zw_wasi_fd f = {.host = host};
    if (host >= 0) {
        f.type = host_type(host);
        f.rights = rights_for(f.type, host);
        f.inheriting = preopen ? ZW_R_ALL : f.type == ZW_FT_DIR ? ZW_R_DIR | ZW_R_FILE : 0;
        if (stdio) {
            /* stdio is the host's: a file (`> log`, `>> log`) is a stream
             * the guest may not seek, truncate, pwrite or retime (it never
             * destroys what was there); a pipe or terminal keeps its
             * status flags (O_NONBLOCK would outlive the guest in the
             * shell); a directory (`< dir`) gives no rights at all */
            if (f.type == ZW_FT_REG) f.rights &= ZW_R_STDIO_FILE;
            else if (f.type == ZW_FT_DIR) f.rights = f.inheriting = 0;
            else f.rights &= ~ZW_R_FD_FDSTAT_SET_FLAGS;
        }
    }
    if (!ZW_VEC_PUSH(&w->al, &w->fds, f)) {
        if (host >= 0) close(host);
        return false;
    }
    return !preopen || (w->fds.v[w->fds.n - 1].preopen = zw_strdup(&w->al, preopen)) != NULL;
}

int zw_wasi_iovecs(const zw_wmem *m, uint32_t iovs, uint32_t n, void **out, int *nout) {
    *out = NULL;
    *nout = 0;
    const uint8_t *p = zw_wm_ptr(m, iovs, (uint64_t)n * 8);
    if (!p) return ZW_E_FAULT;
    if (n > 1024) return ZW_E_INVAL; /* IOV_MAX */
    struct iovec *v = zw_calloc(m->al, n ? n : 1, sizeof *v);
    if (!v) return ZW_E_NOMEM;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t buf = zw_ld32(p + 8 * i), len = zw_ld32(p + 8 * i + 4);
        uint8_t *hp = zw_wm_ptr(m, buf, len);
        if (!hp) {
            zw_free(m->al, v);
            return ZW_E_FAULT;
        }
        total += len;
        if (total > INT32_MAX) {
            zw_free(m->al, v);
            return ZW_E_INVAL;
        }
        v[i].iov_base = hp;
        v[i].iov_len = len;
    }
    *out = v;
    *nout = (int)n;
    return ZW_E_SUCCESS;
}

int zw_wasi_times(uint64_t atim, uint64_t mtim, uint32_t fst, void *ts2) {
    struct timespec *ts = ts2;
    if (fst & ~0xfu) return ZW_E_INVAL;
    if ((fst & ZW_FST_ATIM) && (fst & ZW_FST_ATIM_NOW)) return ZW_E_INVAL;
    if ((fst & ZW_FST_MTIM) && (fst & ZW_FST_MTIM_NOW)) return ZW_E_INVAL;
    ts[0].tv_sec = 0;
    ts[1].tv_sec = 0;
    ts[0].tv_nsec = fst & ZW_FST_ATIM_NOW ? UTIME_NOW : UTIME_OMIT;
    ts[1].tv_nsec = fst & ZW_FST_MTIM_NOW ? UTIME_NOW : UTIME_OMIT;
    if (fst & ZW_FST_ATIM) {
        ts[0].tv_sec = (time_t)(atim / 1000000000u);
        ts[0].tv_nsec = (long)(atim % 1000000000u);
    }
    if (fst & ZW_FST_MTIM) {
        ts[1].tv_sec = (time_t)(mtim / 1000000000u);
        ts[1].tv_nsec = (long)(mtim % 1000000000u);
    }
    return ZW_E_SUCCESS;
}

/* ---- args / environ ---------------------------------------------------------------------- */
static int strv_sizes(const zw_wmem *m, char **v, size_t n, uint32_t count_ptr, uint32_t size_ptr) {
    uint64_t size = 0;
    for (size_t i = 0; i < n; i++) size += strlen(v[i]) + 1;
    if (!zw_wm_ok(m, count_ptr, 4) || !zw_wm_ok(m, size_ptr, 4)) return ZW_E_FAULT;
    zw_wm_put32(m, count_ptr, (uint32_t)n);
    zw_wm_put32(m, size_ptr, (uint32_t)size);
    return ZW_E_SUCCESS;
}

static int strv_get(const zw_wmem *m, char **v, size_t n, uint32_t ptrs, uint32_t buf) {
    uint64_t size = 0;
    for (size_t i = 0; i < n; i++) size += strlen(v[i]) + 1;
    uint8_t *pp = zw_wm_ptr(m, ptrs, (uint64_t)n * 4);
    uint8_t *bp = zw_wm_ptr(m, buf, size);
    if (!pp || !bp) return ZW_E_FAULT;
    uint32_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(v[i]) + 1;
        zw_st32(pp + 4 * i, buf + off);
        memcpy(bp + off, v[i], l);
        off += (uint32_t)l;
    }
    return ZW_E_SUCCESS;
}

static int args_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    return strv_get(m, w->argv, w->argc, (uint32_t)a[0], (uint32_t)a[1]);
}
static int args_sizes_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    return strv_sizes(m, w->argv, w->argc, (uint32_t)a[0], (uint32_t)a[1]);
}
static int environ_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    return strv_get(m, w->envp, w->envc, (uint32_t)a[0], (uint32_t)a[1]);
}
static int environ_sizes_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    return strv_sizes(m, w->envp, w->envc, (uint32_t)a[0], (uint32_t)a[1]);
}

/* ---- clocks, random, proc, sched ---------------------------------------------------------- */
bool zw_wasi_clock(uint32_t id, clockid_t *out) {
    switch (id) {
    case 0: *out = CLOCK_REALTIME; return true;
    case 1: *out = CLOCK_MONOTONIC; return true;
    case 2: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case 3: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
    }
}

/* clock_res_get / clock_time_get: store the resolution or the time of
 * clock `id` (ns) at guest address outp. */
static int clock_query(const zw_wmem *m, uint32_t id, bool res, uint32_t outp) {
    clockid_t c;
    struct timespec ts;
    if (!zw_wasi_clock(id, &c)) return ZW_E_INVAL;
    if ((res ? clock_getres(c, &ts) : clock_gettime(c, &ts)) != 0) return zw_wasi_errno(errno);
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    if (res && !ns) ns = 1;
    return zw_wm_put64(m, outp, ns) ? ZW_E_SUCCESS : ZW_E_FAULT;
}

static int clock_res_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)w;
    return clock_query(m, (uint32_t)a[0], true, (uint32_t)a[1]);
}

static int clock_time_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)w; /* a[1], the precision, is a hint */
    return clock_query(m, (uint32_t)a[0], false, (uint32_t)a[2]);
}

static int random_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)w;
    uint32_t len = (uint32_t)a[1];
    uint8_t *p = zw_wm_ptr(m, (uint32_t)a[0], len);
    if (!p) return ZW_E_FAULT;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            return zw_wasi_errno(errno);
        }
        p += n;
        len -= (uint32_t)n;
    }
    return ZW_E_SUCCESS;
}

static int proc_exit(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    w->exited = true;
    w->exit_code = (int32_t)(uint32_t)a[0];
    return ZW_WASI_EXIT;
}

static int proc_raise(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)w; (void)m; (void)a;
    return ZW_E_NOSYS;
}

static int sched_yield_(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)w; (void)m; (void)a;
    sched_yield();
    return ZW_E_SUCCESS;
}

/* ---- the import table ------------------------------------------------------------------- */
/* Signature: one letter per parameter, 'i' i32, 'I' i64; every function
 * returns an i32 errno except proc_exit, which returns nothing. */
typedef struct {
    const char *name;
    const char *params;
    zw_wasi_impl *fn;
} zw_wasi_def;

static const zw_wasi_def defs[] = {
    {"args_get", "ii", args_get},
    {"args_sizes_get", "ii", args_sizes_get},
    {"environ_get", "ii", environ_get},
    {"environ_sizes_get", "ii", environ_sizes_get},
    {"clock_res_get", "ii", clock_res_get},
    {"clock_time_get", "iIi", clock_time_get},
    {"fd_advise", "iIIi", zw_wasi_fd_advise},
    {"fd_allocate", "iII", zw_wasi_fd_allocate},
    {"fd_close", "i", zw_wasi_fd_close},
    {"fd_datasync", "i", zw_wasi_fd_datasync},
    {"fd_fdstat_get", "ii", zw_wasi_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", zw_wasi_fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", zw_wasi_fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", zw_wasi_fd_filestat_get},
    {"fd_filestat_set_size", "iI", zw_wasi_fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", zw_wasi_fd_filestat_set_times},
    {"fd_pread", "iiiIi", zw_wasi_fd_pread},
    {"fd_prestat_get", "ii", zw_wasi_fd_prestat_get},
    {"fd_prestat_dir_name", "iii", zw_wasi_fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", zw_wasi_fd_pwrite},
    {"fd_read", "iiii", zw_wasi_fd_read},
    {"fd_readdir", "iiiIi", zw_wasi_fd_readdir},
    {"fd_renumber", "ii", zw_wasi_fd_renumber},
    {"fd_seek", "iIii", zw_wasi_fd_seek},
    {"fd_sync", "i", zw_wasi_fd_sync},
    {"fd_tell", "ii", zw_wasi_fd_tell},
    {"fd_write", "iiii", zw_wasi_fd_write},
    {"path_create_directory", "iii", zw_wasi_path_create_directory},
    {"path_filestat_get", "iiiii", zw_wasi_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", zw_wasi_path_filestat_set_times},
    {"path_link", "iiiiiii", zw_wasi_path_link},
    {"path_open", "iiiiiIIii", zw_wasi_path_open},
    {"path_readlink", "iiiiii", zw_wasi_path_readlink},
    {"path_remove_directory", "iii", zw_wasi_path_remove_directory},
    {"path_rename", "iiiiii", zw_wasi_path_rename},
    {"path_symlink", "iiiii", zw_wasi_path_symlink},
    {"path_unlink_file", "iii", zw_wasi_path_unlink_file},
    {"poll_oneoff", "iiii", zw_wasi_poll_oneoff},
    {"proc_exit", "i", proc_exit},
    {"proc_raise", "i", proc_raise},
    {"sched_yield", "", sched_yield_},
    {"random_get", "ii", random_get},
    {"sock_accept", "iii", zw_wasi_sock_accept},
    {"sock_recv", "iiiiii", zw_wasi_sock_recv},
    {"sock_send", "iiiii", zw_wasi_sock_send},
    {"sock_shutdown", "ii", zw_wasi_sock_shutdown},
};
#define ZW_WASI_NDEFS ZW_ARRAY_LEN(defs)

struct zw_wasi_fnenv {
    zw_wasi *w;
    const zw_wasi_def *def;
};

static bool is_proc_exit(const zw_wasi_def *d) { return d->fn == proc_exit; }

void zw_wasi_unlock(zw_wasi *w) { pthread_mutex_unlock(&w->mu); }
void zw_wasi_relock(zw_wasi *w) { pthread_mutex_lock(&w->mu); }

int zw_wasi_stream_begin(zw_wasi *w, int host) {
    if (!w->shared) return host; /* one thread: nobody waits for the lock */
    int h = fcntl(host, F_DUPFD_CLOEXEC, 0);
    if (h < 0) return host; /* no fd to spare: the transfer runs locked */
    pthread_mutex_unlock(&w->mu);
    return h;
}

void zw_wasi_stream_end(zw_wasi *w, int host, int h) {
    if (h == host) return;
    int e = errno;
    pthread_mutex_lock(&w->mu);
    close(h);
    errno = e;
}

static zwasm_result_t trampoline(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                                 zwasm_val_t *results, zwasm_error_t *err) {
    const struct zw_wasi_fnenv *fe = env;
    zw_wasi *w = fe->w->state ? fe->w->state : fe->w; /* the state, of a shared handle */
    if (fe->w->deleted || w->deleted)
        return zw_trap_set(err, ZWASM_TRAP_HOST, "%s: the WASI context has been deleted",
                           fe->def->name);
    zw_wmem m = {NULL, 0, &w->al};
    zwasm_memory_t *mem = zwasm_caller_memory(caller, 0);
    if (mem) {
        m.base = zwasm_memory_data(mem);
        m.size = zwasm_memory_size(mem);
    }
    uint64_t a[9] = {0};
    size_t n = strlen(fe->def->params);
    for (size_t i = 0; i < n && i < ZW_ARRAY_LEN(a); i++)
        a[i] = fe->def->params[i] == 'I' ? (uint64_t)args[i].of.i64 : (uint64_t)(uint32_t)args[i].of.i32;
    pthread_mutex_lock(&w->mu);
    int e = fe->def->fn(w, &m, a);
    int32_t code = w->exit_code;
    pthread_mutex_unlock(&w->mu);
    if (e == ZW_WASI_EXIT) {
        zw_trap_set(err, ZWASM_TRAP_EXIT, "exit with status %d", (int)code);
        if (err) err->exit_code = code;
        return ZWASM_ERR_TRAP;
    }
    if (!is_proc_exit(fe->def)) {
        results[0].kind = ZWASM_I32;
        results[0].of.i32 = e;
    }
    return ZWASM_OK;
}

static void def_type(const zw_wasi_def *d, uint32_t *params, zwasm_functype_t *ft) {
    static const uint32_t i32_result[] = {ZWASM_I32};
    uint32_t n = (uint32_t)strlen(d->params);
    for (uint32_t i = 0; i < n; i++) params[i] = d->params[i] == 'I' ? ZWASM_I64 : ZWASM_I32;
    ft->nparams = n;
    ft->params = params;
    ft->nresults = is_proc_exit(d) ? 0 : 1;
    ft->results = is_proc_exit(d) ? NULL : i32_result;
}

static const zw_wasi_def *find_def(const char *name, size_t len, size_t *idx) {
    for (size_t i = 0; i < ZW_WASI_NDEFS; i++) {
        if (strlen(defs[i].name) == len && memcmp(defs[i].name, name, len) == 0) {
            *idx = i;
            return &defs[i];
        }
    }
    return NULL;
}

static void wasi_release(zw_wasi *w) {
    if (__atomic_sub_fetch(&w->refs, 1, __ATOMIC_ACQ_REL)) return;
    zw_free(&w->al, w->funcs);
    zw_free(&w->al, w->fnenv);
    if (w->state) wasi_release(w->state);
    else pthread_mutex_destroy(&w->mu);
    zw_alloc al = w->al;
    zw_free(&al, w);
}

/* A function of the context died with its store. */
static void fn_finalize(void *env) {
    struct zw_wasi_fnenv *fe = env;
    wasi_release(fe->w);
}

ZWASM_API bool zwasm_wasi_lookup(zwasm_wasi_t *w, const char *name, size_t name_len,
                                 zwasm_extern_t *out) {
    if (!w || w->deleted || !out || (!name && name_len)) return false;
    size_t i;
    const zw_wasi_def *d = find_def(name, name_len, &i);
    if (!d) return false;
    if (!w->funcs[i]) {
        uint32_t params[16];
        zwasm_functype_t ft;
        def_type(d, params, &ft);
        w->fnenv[i].w = w;
        w->fnenv[i].def = d;
        w->funcs[i] = zwasm_func_new(w->store, &ft, trampoline, &w->fnenv[i], fn_finalize);
        if (!w->funcs[i]) return false;
        __atomic_add_fetch(&w->refs, 1, __ATOMIC_ACQ_REL); /* released by fn_finalize */
    }
    out->kind = ZWASM_EXTERN_FUNC;
    out->of.func = w->funcs[i];
    return true;
}

static bool same_type(const zwasm_functype_t *a, const zwasm_functype_t *b) {
    if (a->nparams != b->nparams || a->nresults != b->nresults) return false;
    for (uint32_t i = 0; i < a->nparams; i++)
        if (a->params[i] != b->params[i]) return false;
    for (uint32_t i = 0; i < a->nresults; i++)
        if (a->results[i] != b->results[i]) return false;
    return true;
}

ZWASM_API zwasm_result_t zwasm_wasi_define_imports(zwasm_wasi_t *w, const zwasm_module_t *module,
                                                   zwasm_extern_t *imports, bool *resolved,
                                                   zwasm_error_t *err) {
    static const char wasi_mod[] = "wasi_snapshot_preview1";
    uint32_t n = zwasm_module_import_count(module);
    if (!w || !module || (n && !imports))
        return arg_err(err, "zwasm_wasi_define_imports: NULL argument");
    for (uint32_t i = 0; i < n; i++) {
        zwasm_importtype_t it;
        if (!zwasm_module_import(module, i, &it)) continue;
        if (it.module_len != sizeof wasi_mod - 1 || memcmp(it.module, wasi_mod, it.module_len) != 0)
            continue;
        size_t idx;
        const zw_wasi_def *d = find_def(it.name, it.name_len, &idx);
        int nl = it.name_len > 200 ? 200 : (int)it.name_len;
        if (!d || it.type.kind != ZWASM_EXTERN_FUNC)
            return zw_err_set(err, ZWASM_ERR_LINK, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                              "unknown import %s.%.*s", wasi_mod, nl, it.name);
        uint32_t params[16];
        zwasm_functype_t ft;
        def_type(d, params, &ft);
        if (!same_type(&ft, &it.type.of.func))
            return zw_err_set(err, ZWASM_ERR_LINK, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                              "import %s.%.*s has the wrong type", wasi_mod, nl, it.name);
        if (!zwasm_wasi_lookup(w, it.name, it.name_len, &imports[i]))
            return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                              "cannot create %s.%.*s: out of memory, or the context or its "
                              "store was deleted", wasi_mod, nl, it.name);
        if (resolved) resolved[i] = true;
    }
    return ZWASM_OK;
}

ZWASM_API bool zwasm_wasi_exited(const zwasm_wasi_t *h, int32_t *code) {
    if (!h) return false;
    zw_wasi *w = h->state ? h->state : (zw_wasi *)h;
    pthread_mutex_lock(&w->mu);
    bool exited = w->exited;
    if (exited && code) *code = w->exit_code;
    pthread_mutex_unlock(&w->mu);
    return exited;
}

/* ---- the context ---------------------------------------------------------------------------- */
static char **copy_strv(const zw_alloc *al, char *const *v, size_t n) {
    char **c = zw_calloc(al, n + 1, sizeof *c);
    if (!c) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!(c[i] = zw_strdup(al, v[i]))) {
            free_strv(al, c, (uint32_t)i);
            return NULL;
        }
    }
    return c;
}

ZWASM_API void zwasm_wasi_delete(zwasm_wasi_t *w) {
    if (!w || w->deleted) return;
    if (w->state) { /* a shared handle: the state stays with its other holders */
        w->deleted = true;
        wasi_release(w);
        return;
    }
    pthread_mutex_lock(&w->mu);
    for (uint32_t i = 0; i < w->fds.n; i++)
        if (w->fds.v[i].host >= 0) zw_wasi_close_entry(w, &w->fds.v[i]);
    zw_free(&w->al, w->fds.v);
    free_strv(&w->al, w->argv, (uint32_t)w->argc);
    free_strv(&w->al, w->envp, (uint32_t)w->envc);
    memset(&w->fds, 0, sizeof w->fds);
    w->argv = w->envp = NULL;
    w->argc = w->envc = 0;
    w->deleted = true;
    pthread_mutex_unlock(&w->mu);
    wasi_release(w);
}

ZWASM_API zwasm_result_t zwasm_wasi_share(zwasm_wasi_t *w, zwasm_store_t *store, zwasm_wasi_t **out,
                                          zwasm_error_t *err) {
    if (!out) return arg_err(err, "zwasm_wasi_share: NULL out");
    *out = NULL;
    if (!w || !store || w->deleted) return arg_err(err, "zwasm_wasi_share: NULL or deleted argument");
    zw_wasi *st = w->state ? w->state : w;
    if (zwasm_store_engine(store) != zwasm_store_engine(st->store))
        return arg_err(err, "zwasm_wasi_share: the store belongs to another engine");
    zw_wasi *h = zw_calloc(&st->al, 1, sizeof *h);
    if (h) {
        h->funcs = zw_calloc(&st->al, ZW_WASI_NDEFS, sizeof *h->funcs);
        h->fnenv = zw_calloc(&st->al, ZW_WASI_NDEFS, sizeof *h->fnenv);
    }
    if (!h || !h->funcs || !h->fnenv) {
        if (h) {
            zw_free(&st->al, h->funcs);
            zw_free(&st->al, h->fnenv);
        }
        zw_free(&st->al, h);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    h->al = st->al;
    h->refs = 1;
    h->store = store;
    h->state = st;
    __atomic_add_fetch(&st->refs, 1, __ATOMIC_ACQ_REL); /* released with h */
    pthread_mutex_lock(&st->mu);
    st->shared = true; /* from now on streams are read and written unlocked */
    pthread_mutex_unlock(&st->mu);
    *out = h;
    return ZWASM_OK;
}

ZWASM_API zwasm_result_t zwasm_wasi_new(zwasm_store_t *store, const zwasm_wasi_config_t *cfg,
                                        zwasm_wasi_t **out, zwasm_error_t *err) {
    if (!out) return arg_err(err, "zwasm_wasi_new: NULL out");
    *out = NULL;
    if (!store) return arg_err(err, "zwasm_wasi_new: NULL store");
    const zw_alloc *al = zwasm_engine_allocator(zwasm_store_engine(store));
    zw_wasi *w = zw_calloc(al, 1, sizeof *w);
    if (!w) goto nomem;
    w->al = *al;
    w->refs = 1;
    w->store = store;
    if (pthread_mutex_init(&w->mu, NULL) != 0) {
        zw_free(al, w);
        w = NULL;
        goto nomem;
    }
    w->funcs = zw_calloc(&w->al, ZW_WASI_NDEFS, sizeof *w->funcs);
    w->fnenv = zw_calloc(&w->al, ZW_WASI_NDEFS, sizeof *w->fnenv);
    w->argc = cfg ? cfg->args.n : 0;
    w->envc = cfg ? cfg->env.n : 0;
    w->argv = copy_strv(&w->al, cfg ? cfg->args.v : NULL, w->argc);
    w->envp = copy_strv(&w->al, cfg ? cfg->env.v : NULL, w->envc);
    if (!w->funcs || !w->fnenv || !w->argv || !w->envp) goto nomem;
    for (int i = 0; i < 3; i++) {
        int src = cfg ? cfg->stdio[i] : i;
        if (!append_fd(w, src >= 0 ? fcntl(src, F_DUPFD_CLOEXEC, 0) : -1, NULL, true)) goto nomem;
    }
    for (uint32_t i = 0; cfg && i < cfg->opens.n; i++) {
        const zw_cfg_open *o = &cfg->opens.v[i];
        int h = fcntl(o->fd, F_DUPFD_CLOEXEC, 0);
        if (h < 0) {
            int e = errno;
            zwasm_wasi_delete(w);
            return zw_err_set(err, ZWASM_ERR_IO, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                              "cannot duplicate host fd %d of %s%s: %s", o->fd,
                              o->guest ? "preopen " : "socket", o->guest ? o->guest : "",
                              strerror(e));
        }
        if (!append_fd(w, h, o->guest, false)) goto nomem;
    }
    *out = w;
    return ZWASM_OK;
nomem:
    zwasm_wasi_delete(w);
    return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
}
