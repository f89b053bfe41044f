/*
 * wasi_fs.c — WASI preview 1 operations on open file descriptors: fd_read,
 * fd_write, fd_pread, fd_pwrite, fd_seek, fd_tell, fd_sync, fd_datasync,
 * fd_advise, fd_allocate, fd_close, fd_renumber, fd_fdstat_*, fd_filestat_*,
 * fd_readdir (cookies are entry indexes) and fd_prestat_*.
 * Each checks the fd's rights first, then every guest pointer.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "wasi/wasi.h"

#define FD(var, rights)                                        \
    int e_;                                                    \
    zw_wasi_fd *var = zw_wasi_get_fd(w, (uint32_t)a[0], (rights), &e_); \
    if (!var) return e_

/* ---- read / write ------------------------------------------------------------------ */
static int rw(zw_wasi *w, const zw_wmem *m, const uint64_t *a, bool write, bool positioned) {
    uint64_t rights = (write ? ZW_R_FD_WRITE : ZW_R_FD_READ) | (positioned ? ZW_R_FD_SEEK : 0);
    FD(f, rights);
    uint32_t iovs = (uint32_t)a[1], niovs = (uint32_t)a[2];
    uint32_t outp = (uint32_t)(positioned ? a[4] : a[3]);
    if (!zw_wm_ok(m, outp, 4)) return ZW_E_FAULT;
    if (f->type == ZW_FT_DIR) return ZW_E_ISDIR;
    struct iovec *v;
    int n;
    int e = zw_wasi_iovecs(m, iovs, niovs, (void **)&v, &n);
    if (e) return e;
    ssize_t r;
    if (positioned) {
        if (a[3] > INT64_MAX) {
            zw_free(m->al, v);
            return ZW_E_INVAL;
        }
        r = write ? pwritev(f->host, v, n, (off_t)a[3]) : preadv(f->host, v, n, (off_t)a[3]);
    } else {
        /* a stream (pipe, terminal, socket) may block for ever: see
         * zw_wasi_stream_begin (f may go meanwhile); a regular file does not */
        int host = f->host, h = f->type != ZW_FT_REG ? zw_wasi_stream_begin(w, host) : host;
        r = write ? writev(h, v, n) : readv(h, v, n);
        zw_wasi_stream_end(w, host, h);
    }
    int err = errno;
    zw_free(m->al, v);
    if (r < 0) return zw_wasi_errno(err);
    zw_wm_put32(m, outp, (uint32_t)r);
    return ZW_E_SUCCESS;
}

int zw_wasi_fd_read(zw_wasi *w, const zw_wmem *m, const uint64_t *a) { return rw(w, m, a, false, false); }
int zw_wasi_fd_write(zw_wasi *w, const zw_wmem *m, const uint64_t *a) { return rw(w, m, a, true, false); }
int zw_wasi_fd_pread(zw_wasi *w, const zw_wmem *m, const uint64_t *a) { return rw(w, m, a, false, true); }

int zw_wasi_fd_pwrite(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    /* On Linux pwrite() ignores the offset on an O_APPEND fd; WASI writes at
     * the offset, so drop O_APPEND for the duration of the call. */
    FD(f, ZW_R_FD_WRITE | ZW_R_FD_SEEK);
    int fl = fcntl(f->host, F_GETFL);
    bool app = fl >= 0 && (fl & O_APPEND);
    if (app) fcntl(f->host, F_SETFL, fl & ~O_APPEND);
    int e = rw(w, m, a, true, true);
    if (app) fcntl(f->host, F_SETFL, fl);
    return e;
}

/* ---- position ---------------------------------------------------------------------------- */
int zw_wasi_fd_seek(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    int64_t off = (int64_t)a[1];
    uint32_t whence = (uint32_t)a[2];
    /* a pure "where am I" query needs only fd_tell */
    uint64_t enough = (off == 0 && whence == 1) ? ZW_R_FD_TELL | ZW_R_FD_SEEK : ZW_R_FD_SEEK;
    FD(f, 0);
    if (!(f->rights & enough)) return ZW_E_NOTCAPABLE;
    if (!zw_wm_ok(m, (uint32_t)a[3], 8)) return ZW_E_FAULT;
    int hw;
    switch (whence) {
    case 0: hw = SEEK_SET; break;
    case 1: hw = SEEK_CUR; break;
    case 2: hw = SEEK_END; break;
    default: return ZW_E_INVAL;
    }
    if (f->type == ZW_FT_DIR) return ZW_E_BADF;
    off_t r = lseek(f->host, (off_t)off, hw);
    if (r < 0) return zw_wasi_errno(errno);
    zw_wm_put64(m, (uint32_t)a[3], (uint64_t)r);
    return ZW_E_SUCCESS;
}

int zw_wasi_fd_tell(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    FD(f, ZW_R_FD_TELL);
    if (!zw_wm_ok(m, (uint32_t)a[1], 8)) return ZW_E_FAULT;
    if (f->type == ZW_FT_DIR) return ZW_E_BADF;
    off_t r = lseek(f->host, 0, SEEK_CUR);
    if (r < 0) return zw_wasi_errno(errno);
    zw_wm_put64(m, (uint32_t)a[1], (uint64_t)r);
    return ZW_E_SUCCESS;
}

/* ---- sync, advise, allocate ---------------------------------------------------------------- */
int zw_wasi_fd_sync(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, ZW_R_FD_SYNC);
    return fsync(f->host) == 0 ? ZW_E_SUCCESS : zw_wasi_errno(errno);
}

int zw_wasi_fd_datasync(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, ZW_R_FD_DATASYNC);
    return fdatasync(f->host) == 0 ? ZW_E_SUCCESS : zw_wasi_errno(errno);
}

int zw_wasi_fd_advise(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, ZW_R_FD_ADVISE);
    static const int adv[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                              POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    uint32_t advice = (uint32_t)a[3];
    if (advice >= ZW_ARRAY_LEN(adv)) return ZW_E_INVAL;
    if ((int64_t)a[1] < 0 || (int64_t)a[2] < 0) return ZW_E_INVAL;
    if (f->type == ZW_FT_DIR) return ZW_E_BADF;
    int r = posix_fadvise(f->host, (off_t)a[1], (off_t)a[2], adv[advice]);
    return r == 0 ? ZW_E_SUCCESS : zw_wasi_errno(r);
}

int zw_wasi_fd_allocate(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, ZW_R_FD_ALLOCATE);
    if ((int64_t)a[1] < 0 || (int64_t)a[2] <= 0 || a[1] + a[2] > INT64_MAX) return ZW_E_INVAL;
    if (f->type == ZW_FT_DIR) return ZW_E_BADF;
    int r = posix_fallocate(f->host, (off_t)a[1], (off_t)a[2]);
    return r == 0 ? ZW_E_SUCCESS : zw_wasi_errno(r);
}

/* ---- close, renumber ------------------------------------------------------------------------ */
int zw_wasi_fd_close(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, 0);
    zw_wasi_close_entry(w, f);
    return ZW_E_SUCCESS;
}

int zw_wasi_fd_renumber(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    int e;
    zw_wasi_fd *from = zw_wasi_get_fd(w, (uint32_t)a[0], 0, &e);
    if (!from) return e;
    zw_wasi_fd *to = zw_wasi_get_fd(w, (uint32_t)a[1], 0, &e);
    if (!to) return e;
    if (from == to) return ZW_E_SUCCESS;
    zw_wasi_close_entry(w, to);
    *to = *from;
    memset(from, 0, sizeof *from);
    from->host = -1;
    return ZW_E_SUCCESS;
}

/* ---- fdstat ----------------------------------------------------------------------------------- */
int zw_wasi_fd_fdstat_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    FD(f, 0);
    uint8_t *p = zw_wm_ptr(m, (uint32_t)a[1], 24);
    if (!p) return ZW_E_FAULT;
    uint16_t flags = f->fdflags & ZW_FDF_RSYNC;
    int fl = fcntl(f->host, F_GETFL);
    if (fl >= 0) {
        if (fl & O_APPEND) flags |= ZW_FDF_APPEND;
        if (fl & O_NONBLOCK) flags |= ZW_FDF_NONBLOCK;
        if ((fl & O_SYNC) == O_SYNC) flags |= ZW_FDF_SYNC;
        else if (fl & O_DSYNC) flags |= ZW_FDF_DSYNC;
    }
    memset(p, 0, 24);
    p[0] = f->type;
    zw_st16(p + 2, flags);
    zw_st64(p + 8, f->rights);
    zw_st64(p + 16, f->inheriting);
    return ZW_E_SUCCESS;
}

int zw_wasi_fd_fdstat_set_flags(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, ZW_R_FD_FDSTAT_SET_FLAGS);
    uint32_t flags = (uint32_t)a[1];
    if (flags & ~0x1fu) return ZW_E_INVAL;
    /* only append and nonblock can change on an open Linux fd */
    if (flags & (ZW_FDF_DSYNC | ZW_FDF_RSYNC | ZW_FDF_SYNC)) return ZW_E_NOTSUP;
    int fl = fcntl(f->host, F_GETFL);
    if (fl < 0) return zw_wasi_errno(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (flags & ZW_FDF_APPEND) fl |= O_APPEND;
    if (flags & ZW_FDF_NONBLOCK) fl |= O_NONBLOCK;
    if (fcntl(f->host, F_SETFL, fl) < 0) return zw_wasi_errno(errno);
    f->fdflags = (uint16_t)((f->fdflags & ~(ZW_FDF_APPEND | ZW_FDF_NONBLOCK)) | flags);
    return ZW_E_SUCCESS;
}

int zw_wasi_fd_fdstat_set_rights(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, 0);
    uint64_t base = a[1], inh = a[2];
    /* rights can only be dropped */
    if ((base & ~f->rights) || (inh & ~f->inheriting)) return ZW_E_NOTCAPABLE;
    f->rights = base;
    f->inheriting = inh;
    return ZW_E_SUCCESS;
}

/* ---- filestat ----------------------------------------------------------------------------------- */
int zw_wasi_fd_filestat_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    FD(f, ZW_R_FD_FILESTAT_GET);
    uint8_t *p = zw_wm_ptr(m, (uint32_t)a[1], 64);
    if (!p) return ZW_E_FAULT;
    struct stat st;
    if (fstat(f->host, &st) != 0) return zw_wasi_errno(errno);
    zw_wasi_put_filestat(p, &st);
    if (f->type == ZW_FT_SOCK_DGRAM) p[16] = ZW_FT_SOCK_DGRAM;
    return ZW_E_SUCCESS;
}

int zw_wasi_fd_filestat_set_size(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, ZW_R_FD_FILESTAT_SET_SIZE);
    if (a[1] > INT64_MAX) return ZW_E_INVAL;
    if (f->type == ZW_FT_DIR) return ZW_E_ISDIR;
    return ftruncate(f->host, (off_t)a[1]) == 0 ? ZW_E_SUCCESS : zw_wasi_errno(errno);
}

int zw_wasi_fd_filestat_set_times(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    (void)m;
    FD(f, ZW_R_FD_FILESTAT_SET_TIMES);
    struct timespec ts[2];
    int e = zw_wasi_times(a[1], a[2], (uint32_t)a[3], ts);
    if (e) return e;
    return futimens(f->host, ts) == 0 ? ZW_E_SUCCESS : zw_wasi_errno(errno);
}

/* ---- readdir ---------------------------------------------------------------------------------------- */
/* At most ZW_WASI_MAX_DIR_STREAMS streams stay open: close the one used
 * least recently (the next fd_readdir on its fd reopens and skips). */
static void evict_dir_stream(zw_wasi *w) {
    zw_wasi_fd *lru = NULL;
    for (uint32_t i = 0; i < w->fds.n; i++) {
        zw_wasi_fd *f = &w->fds.v[i];
        if (f->host >= 0 && f->dir && (!lru || f->dir_used < lru->dir_used)) lru = f;
    }
    if (!lru) return;
    closedir(lru->dir);
    lru->dir = NULL;
    w->ndirs--;
}

/* The cookie of an entry is its index in the stream + 1 (0 starts over).
 * A request for another position than the stream's rewinds and skips. */
int zw_wasi_fd_readdir(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    FD(f, ZW_R_FD_READDIR);
    uint32_t buf = (uint32_t)a[1], len = (uint32_t)a[2], usedp = (uint32_t)a[4];
    uint64_t cookie = a[3];
    uint8_t *out = zw_wm_ptr(m, buf, len);
    if (!out || !zw_wm_ok(m, usedp, 4)) return ZW_E_FAULT;
    if (f->type != ZW_FT_DIR) return ZW_E_NOTDIR;
    if (!f->dir) {
        if (w->ndirs >= ZW_WASI_MAX_DIR_STREAMS) evict_dir_stream(w);
        int d = openat(f->host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d < 0) return zw_wasi_errno(errno);
        if (!(f->dir = fdopendir(d))) {
            int e = errno;
            close(d);
            return zw_wasi_errno(e);
        }
        w->ndirs++;
        f->dir_next = 0;
    }
    f->dir_used = ++w->dir_clock;
    if (cookie != f->dir_next) {
        rewinddir(f->dir);
        f->dir_next = 0;
        while (f->dir_next < cookie) {
            errno = 0;
            if (!readdir(f->dir)) {
                if (errno) return zw_wasi_errno(errno);
                break;
            }
            f->dir_next++;
        }
    } else if (cookie == 0) {
        rewinddir(f->dir);
    }
    uint32_t used = 0;
    for (;;) {
        errno = 0;
        struct dirent *de = readdir(f->dir);
        if (!de) {
            if (errno) return zw_wasi_errno(errno);
            break;
        }
        f->dir_next++;
        size_t nl = strlen(de->d_name);
        uint8_t type;
        if (de->d_type != DT_UNKNOWN) {
            type = zw_wasi_filetype((unsigned)DTTOIF(de->d_type));
        } else {
            struct stat st;
            type = fstatat(f->host, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
                       ? zw_wasi_filetype(st.st_mode) : ZW_FT_UNKNOWN;
        }
        uint8_t hdr[24] = {0};
        zw_st64(hdr, f->dir_next);
        zw_st64(hdr + 8, (uint64_t)de->d_ino);
        zw_st32(hdr + 16, (uint32_t)nl);
        hdr[20] = type;
        uint32_t room = len - used;
        uint32_t n1 = room < 24 ? room : 24;
        memcpy(out + used, hdr, n1);
        used += n1;
        room = len - used;
        uint32_t n2 = room < nl ? room : (uint32_t)nl;
        memcpy(out + used, de->d_name, n2);
        used += n2;
        if (used >= len) break; /* full: the guest asks again from a cookie */
    }
    zw_wm_put32(m, usedp, used);
    return ZW_E_SUCCESS;
}

/* ---- prestat ---------------------------------------------------------------------------------------- */
int zw_wasi_fd_prestat_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    FD(f, 0);
    if (!f->preopen) return ZW_E_BADF;
    uint8_t *p = zw_wm_ptr(m, (uint32_t)a[1], 8);
    if (!p) return ZW_E_FAULT;
    memset(p, 0, 8);
    zw_st32(p + 4, (uint32_t)strlen(f->preopen));
    return ZW_E_SUCCESS;
}

int zw_wasi_fd_prestat_dir_name(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    FD(f, 0);
    if (!f->preopen) return ZW_E_BADF;
    uint32_t len = (uint32_t)a[2];
    uint8_t *p = zw_wm_ptr(m, (uint32_t)a[1], len);
    if (!p) return ZW_E_FAULT;
    size_t nl = strlen(f->preopen);
    if (len < nl) return ZW_E_NAMETOOLONG;
    memcpy(p, f->preopen, nl);
    return ZW_E_SUCCESS;
}
