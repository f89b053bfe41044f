/*
 * wasi_path.c — the WASI sandbox: resolving guest paths inside a directory
 * fd, and every path_* function (path_open, create/remove directory,
 * unlink, rename, link, symlink, readlink, filestat get/set_times).
 *
 * The rule every function here keeps: the host kernel is only ever handed
 * one path component at a time, never a trailing slash, and never a name
 * it may follow.  Resolution walks the guest path component by component
 * with openat(O_PATH | O_DIRECTORY | O_NOFOLLOW) relative to the starting
 * directory, keeping the stack of opened directories so `..` pops one level
 * and can never climb above the start (ENOTCAPABLE).  Absolute paths are
 * refused (ENOTCAPABLE).  Symlinks are never followed by the host: the
 * resolver reads them with readlinkat() and splices the target into the
 * remaining path (absolute targets are refused; relative ones are subject
 * to the same `..` rule), at most ZW_MAX_SYMLINKS times (ELOOP).
 * Intermediate symlinks are always followed, the final component only with
 * LOOKUP_FOLLOW or, for lookups, a trailing slash.
 *
 * The result is a (directory fd, final name) pair in which the name is a
 * single component without a slash (or "." for the directory itself), plus
 * `must_dir` when the guest wrote a trailing slash.  The final host call
 * uses the *at() form on that name with a no-follow flag (O_NOFOLLOW,
 * AT_SYMLINK_NOFOLLOW, or a call that never follows its last component:
 * mkdirat, unlinkat, renameat, symlinkat, linkat without AT_SYMLINK_FOLLOW).
 * If the name turns into a symlink after it was checked, that call acts on
 * the link itself or fails (ELOOP); it never leaves the directory.  What
 * the kernel would do for a trailing slash (require a directory, EISDIR,
 * ENOTDIR, ...) is reproduced here with an fstatat() of the bare name.
 *
 * Where the kernel has openat2() (Linux 5.6), the directory the walk ended
 * in is checked once more: the canonical path the walk took (real
 * directory names only, `..` and links already resolved) is opened from the
 * start directory with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
 * RESOLVE_NO_MAGICLINKS and must be the same directory (device and inode);
 * if the tree changed under the walk the call fails with EAGAIN after a
 * few retries.  This is a second wall, not the only one.
 *
 * What the sandbox does not guarantee: a host process that concurrently
 * moves a directory from inside a preopen to outside it can make a guest
 * call that is already past the walk act in the moved directory (the
 * resolver holds a descriptor of it).  It can never make the guest follow
 * a symlink or `..` out of the preopen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#if defined(__linux__) && defined(SYS_openat2)
#include <linux/openat2.h>
#define ZW_HAVE_OPENAT2 1
#else
#define ZW_HAVE_OPENAT2 0
#endif

#include "wasi/wasi.h"

#define ZW_MAX_SYMLINKS 32
#define ZW_MAX_PATH 4096
#define ZW_MAX_RETRIES 4

typedef struct {
    int dirfd;     /* directory holding the final component */
    bool own;      /* dirfd must be closed */
    bool must_dir; /* the guest wrote a trailing slash */
    char *name;    /* final component (no '/'), "." for the directory itself */
    char *buf;     /* storage of name */
    const zw_alloc *al; /* buf's allocator (the WASI context's) */
} zw_rpath;

static void rpath_free(zw_rpath *r) {
    if (r->own) close(r->dirfd);
    zw_free(r->al, r->buf);
    r->own = false;
    r->buf = r->name = NULL;
}

/* The directories opened by a walk: fd[0] is the caller's (never closed
 * here); canon[i] is the length of the canonical path of fd[i]. */
typedef struct {
    ZW_VEC(int) fd;
    ZW_VEC(uint32_t) canon;
    const zw_alloc *al;
} walk_stack;

static void stack_free(walk_stack *s) {
    for (uint32_t i = 1; i < s->fd.n; i++) close(s->fd.v[i]);
    ZW_VEC_FREE(s->al, &s->fd);
    ZW_VEC_FREE(s->al, &s->canon);
}

/* Replace the already-consumed prefix: rest := target [+ "/" + rest]. */
static int splice_link(const zw_alloc *al, char **rest, const char *target, size_t tlen, const char *after, bool slash) {
    size_t alen = strlen(after);
    if (tlen == 0) return ZW_E_NOENT;
    if (target[0] == '/') return ZW_E_NOTCAPABLE;
    if (tlen + alen + 2 > ZW_MAX_PATH) return ZW_E_NAMETOOLONG;
    char *n = zw_malloc(al, tlen + alen + 2);
    if (!n) return ZW_E_NOMEM;
    memcpy(n, target, tlen);
    size_t k = tlen;
    if (slash || alen) n[k++] = '/';
    memcpy(n + k, after, alen + 1);
    zw_free(al, *rest);
    *rest = n;
    return ZW_E_SUCCESS;
}

/* Read symlink `name` in dir into buf (NUL-terminated); -1 if not a symlink. */
static ssize_t read_link(int dir, const char *name, char *buf, size_t cap) {
    ssize_t n = readlinkat(dir, name, buf, cap - 1);
    if (n < 0) return -1;
    buf[n] = 0;
    return n;
}

/* The second wall: the directory `got` reached by the walk must be what the
 * kernel itself reaches from `start` along the canonical path without
 * following any link or leaving `start`.  Returns an errno (AGAIN when the
 * tree changed during the walk). */
static int check_beneath(int start, const char *canon, int got) {
#if ZW_HAVE_OPENAT2
    struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC,
                           .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
                                      RESOLVE_NO_MAGICLINKS};
    int fd = (int)syscall(SYS_openat2, start, canon, &how, sizeof how);
    if (fd < 0) {
        if (errno == ENOSYS || errno == EPERM) return ZW_E_SUCCESS; /* no openat2 (or filtered) */
        return errno == EXDEV ? ZW_E_NOTCAPABLE : ZW_E_AGAIN;
    }
    struct stat a, b;
    bool same = fstat(fd, &a) == 0 && fstat(got, &b) == 0 && a.st_dev == b.st_dev &&
                a.st_ino == b.st_ino;
    close(fd);
    return same ? ZW_E_SUCCESS : ZW_E_AGAIN;
#else
    (void)start; (void)canon; (void)got;
    return ZW_E_SUCCESS;
#endif
}

/* resolve() flags */
enum {
    RES_FOLLOW = 1,  /* follow a final symlink (LOOKUP_FOLLOW) */
    RES_SLASH_NAME = 2, /* a trailing slash does not follow a final symlink
                         * (create/remove operations act on the name) */
};

/* One walk of guest path `path` (NUL-terminated, relative) from `start`. */
static int walk(int start, const char *path, int flags, zw_rpath *out) {
    const zw_alloc *al = out->al;
    char *rest = zw_strdup(al, path);
    if (!rest) return ZW_E_NOMEM;
    walk_stack st = {.al = al};
    char canon[ZW_MAX_PATH];
    uint32_t clen = 0;
    int e = ZW_E_SUCCESS;
    if (!ZW_VEC_PUSH(al, &st.fd, start) || !ZW_VEC_PUSH(al, &st.canon, 0)) {
        e = ZW_E_NOMEM;
        goto fail;
    }
    int links = 0;
    char link[ZW_MAX_PATH];
    size_t pos = 0;
    for (;;) {
        char *s = rest + pos;
        while (*s == '/') s++;
        if (!*s) { /* nothing left: the directory itself */
            out->buf = zw_strdup(al, ".");
            break;
        }
        char *end = strchr(s, '/');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        char *after = end;
        while (after && *after == '/') after++;
        bool last = !after || !*after;
        bool slash = end != NULL; /* on the last component: a trailing slash */
        if (n == 1 && s[0] == '.') {
            if (last) {
                out->buf = zw_strdup(al, ".");
                out->must_dir = slash;
                break;
            }
            pos = (size_t)(after - rest);
            continue;
        }
        if (n == 2 && s[0] == '.' && s[1] == '.') {
            if (st.fd.n <= 1) {
                e = ZW_E_NOTCAPABLE;
                goto fail;
            }
            close(st.fd.v[--st.fd.n]);
            clen = st.canon.v[--st.canon.n - 1];
            if (last) {
                out->buf = zw_strdup(al, ".");
                out->must_dir = slash;
                break;
            }
            pos = (size_t)(after - rest);
            continue;
        }
        if (n > 255) {
            e = ZW_E_NAMETOOLONG;
            goto fail;
        }
        char comp[256];
        memcpy(comp, s, n);
        comp[n] = 0;
        int top = st.fd.v[st.fd.n - 1];
        if (last) {
            bool follow = (flags & RES_FOLLOW) || (slash && !(flags & RES_SLASH_NAME));
            ssize_t k = follow ? read_link(top, comp, link, sizeof link) : -1;
            if (k >= 0) {
                if (++links > ZW_MAX_SYMLINKS) {
                    e = ZW_E_LOOP;
                    goto fail;
                }
                if ((e = splice_link(al, &rest, link, (size_t)k, "", slash))) goto fail;
                pos = 0;
                continue;
            }
            out->buf = zw_strdup(al, comp);
            out->must_dir = slash;
            break;
        }
        int fd = openat(top, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            int he = errno;
            ssize_t k = (he == ELOOP || he == ENOTDIR) ? read_link(top, comp, link, sizeof link) : -1;
            if (k < 0) {
                e = zw_wasi_errno(he);
                goto fail;
            }
            if (++links > ZW_MAX_SYMLINKS) {
                e = ZW_E_LOOP;
                goto fail;
            }
            char *tail = zw_strdup(al, after);
            if (!tail) {
                e = ZW_E_NOMEM;
                goto fail;
            }
            e = splice_link(al, &rest, link, (size_t)k, tail, true);
            zw_free(al, tail);
            if (e) goto fail;
            pos = 0;
            continue;
        }
        if (clen + n + 2 > sizeof canon) {
            close(fd);
            e = ZW_E_NAMETOOLONG;
            goto fail;
        }
        if (clen) canon[clen++] = '/';
        memcpy(canon + clen, comp, n);
        clen += (uint32_t)n;
        if (st.fd.n > 1024 || !ZW_VEC_PUSH(al, &st.fd, fd) || !ZW_VEC_PUSH(al, &st.canon, clen)) {
            if (st.fd.n && st.fd.v[st.fd.n - 1] == fd) st.fd.n--;
            close(fd);
            e = ZW_E_NOMEM;
            goto fail;
        }
        pos = (size_t)(after - rest);
    }
    zw_free(al, rest);
    rest = NULL;
    if (!out->buf) {
        e = ZW_E_NOMEM;
        goto fail;
    }
    if (st.fd.n > 1) {
        canon[clen] = 0;
        if ((e = check_beneath(start, canon, st.fd.v[st.fd.n - 1]))) goto fail;
    }
    out->name = out->buf;
    out->dirfd = st.fd.v[st.fd.n - 1];
    out->own = st.fd.n > 1;
    if (out->own) st.fd.n--; /* keep the final directory open */
    stack_free(&st);
    return ZW_E_SUCCESS;
fail:
    zw_free(al, rest);
    stack_free(&st);
    zw_free(al, out->buf);
    memset(out, 0, sizeof *out);
    out->al = al; /* a retry (resolve) allocates with it again */
    return e;
}

/* Resolve guest path [p, p+len) relative to host directory `start`. */
static int resolve(const zw_alloc *al, int start, const uint8_t *p, uint32_t len, int flags,
                   zw_rpath *out) {
    memset(out, 0, sizeof *out);
    out->al = al;
    if (len == 0) return ZW_E_NOENT;
    if (memchr(p, 0, len)) return ZW_E_ILSEQ;
    if (!zw_utf8_valid(p, len)) return ZW_E_ILSEQ;
    if (p[0] == '/') return ZW_E_NOTCAPABLE;
    if (len >= ZW_MAX_PATH) return ZW_E_NAMETOOLONG;
    char path[ZW_MAX_PATH];
    memcpy(path, p, len);
    path[len] = 0;
    int e = ZW_E_AGAIN;
    for (int i = 0; i < ZW_MAX_RETRIES && e == ZW_E_AGAIN; i++) e = walk(start, path, flags, out);
    return e;
}

/* What the kernel answers for a trailing slash on `name` in dir where a
 * directory is required: SUCCESS if it is one (a symlink is not), else
 * NOENT, NOTDIR, ... */
static int need_dir(int dir, const char *name) {
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return zw_wasi_errno(errno);
    return S_ISDIR(st.st_mode) ? ZW_E_SUCCESS : ZW_E_NOTDIR;
}

/* Whether `name` exists in dir (as anything, links not followed). */
static bool exists(int dir, const char *name) {
    struct stat st;
    return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Look up directory fd `fd` with `rights`, bounds-check the path and resolve it. */
static int lookup(zw_wasi *w, const zw_wmem *m, uint32_t fd, uint64_t rights, uint32_t path,
                  uint32_t path_len, int flags, zw_rpath *out) {
    memset(out, 0, sizeof *out);
    out->al = &w->al;
    int e;
    zw_wasi_fd *f = zw_wasi_get_fd(w, fd, 0, &e);
    if (!f) return e;
    const uint8_t *p = zw_wm_ptr(m, path, path_len);
    if (!p) return ZW_E_FAULT;
    if (f->type != ZW_FT_DIR) return ZW_E_NOTDIR;
    if ((f->rights & rights) != rights) return ZW_E_NOTCAPABLE;
    return resolve(&w->al, f->host, p, path_len, flags, out);
}

static int result(int r) { return r == 0 ? ZW_E_SUCCESS : zw_wasi_errno(errno); }

/* resolve() flags for a guest lookupflags argument. */
static int follow(uint64_t lookupflags) { return (uint32_t)lookupflags & ZW_LOOKUP_FOLLOW ? RES_FOLLOW : 0; }

/* ---- path_open ------------------------------------------------------------------------------ */
int zw_wasi_path_open(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    uint32_t dirfd = (uint32_t)a[0], lookupf = (uint32_t)a[1];
    uint32_t oflags = (uint32_t)a[4], fdflags = (uint32_t)a[7], outp = (uint32_t)a[8];
    uint64_t base = a[5], inh = a[6];
    int e;
    zw_wasi_fd *d = zw_wasi_get_fd(w, dirfd, 0, &e);
    if (!d) return e;
    if (!zw_wm_ok(m, outp, 4)) return ZW_E_FAULT;
    if (oflags & ~0xfu || fdflags & ~0x1fu) return ZW_E_INVAL;
    uint64_t need = ZW_R_PATH_OPEN;
    if (oflags & ZW_O_CREAT) need |= ZW_R_PATH_CREATE_FILE;
    if (oflags & ZW_O_TRUNC) need |= ZW_R_PATH_FILESTAT_SET_SIZE;
    if (d->type == ZW_FT_DIR && (base & ~d->inheriting || inh & ~d->inheriting))
        return ZW_E_NOTCAPABLE;
    zw_rpath rp;
    if ((e = lookup(w, m, dirfd, need, (uint32_t)a[2], (uint32_t)a[3],
                    follow(lookupf), &rp)))
        return e;
    /* O_NOFOLLOW on a single component: a name that became a symlink after
     * the walk checked it gives ELOOP, never a descriptor elsewhere. */
    int hf = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
    bool rd = base & (ZW_R_FD_READ | ZW_R_FD_READDIR);
    bool wr = base & (ZW_R_FD_WRITE | ZW_R_FD_ALLOCATE | ZW_R_FD_FILESTAT_SET_SIZE);
    hf |= rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
    if (oflags & ZW_O_DIRECTORY) {
        /* write access to a directory fails with EISDIR like on the host */
        if (oflags & (ZW_O_CREAT | ZW_O_TRUNC)) {
            rpath_free(&rp);
            return ZW_E_INVAL;
        }
    }
    if (rp.must_dir && (oflags & ZW_O_CREAT)) { /* "name/" can never be created as a file */
        rpath_free(&rp);
        return ZW_E_ISDIR;
    }
    if ((oflags & ZW_O_DIRECTORY) || rp.must_dir) hf |= O_DIRECTORY;
    if (oflags & ZW_O_CREAT) hf |= O_CREAT;
    if (oflags & ZW_O_EXCL) hf |= O_EXCL;
    if (oflags & ZW_O_TRUNC) hf |= O_TRUNC;
    if (fdflags & ZW_FDF_APPEND) hf |= O_APPEND;
    if (fdflags & ZW_FDF_DSYNC) hf |= O_DSYNC;
    if (fdflags & ZW_FDF_NONBLOCK) hf |= O_NONBLOCK;
    if (fdflags & ZW_FDF_RSYNC) hf |= O_RSYNC;
    if (fdflags & ZW_FDF_SYNC) hf |= O_SYNC;
    int h = openat(rp.dirfd, rp.name, hf, 0666);
    if (h < 0 && errno == EISDIR && !(oflags & ZW_O_CREAT) && (hf & O_ACCMODE) != O_RDONLY) {
        /* a directory opened with write rights: open it read-only instead */
        h = openat(rp.dirfd, rp.name, (hf & ~O_ACCMODE) | O_RDONLY, 0666);
        if (h >= 0) {
            close(h);
            h = -1;
            errno = EISDIR;
        }
    }
    e = h < 0 ? zw_wasi_errno(errno) : 0;
    rpath_free(&rp);
    if (h < 0) return e;
    struct stat st;
    if (fstat(h, &st) != 0) {
        e = zw_wasi_errno(errno);
        close(h);
        return e;
    }
    uint8_t type = zw_wasi_filetype(st.st_mode);
    if (type == ZW_FT_DIR) base &= ZW_R_DIR;
    else if (type == ZW_FT_REG) base &= ZW_R_FILE;
    int64_t g = zw_wasi_add_fd(w, h, type, base, inh);
    if (g < 0) return (int)-g;
    w->fds.v[g].fdflags = (uint16_t)fdflags;
    zw_wm_put32(m, outp, (uint32_t)g);
    return ZW_E_SUCCESS;
}

/* ---- directories, files, links ------------------------------------------------------------------- */
/* mkdir, rmdir and unlink: one name (fd, path, path_len).  A trailing slash
 * acts on the name itself (a link is not followed), with Linux's answers. */
typedef enum { NAME_MKDIR, NAME_RMDIR, NAME_UNLINK } name_op;

static int on_name(zw_wasi *w, const zw_wmem *m, const uint64_t *a, uint64_t rights, name_op op) {
    zw_rpath rp;
    int e = lookup(w, m, (uint32_t)a[0], rights, (uint32_t)a[1], (uint32_t)a[2], RES_SLASH_NAME, &rp);
    if (e) return e;
    if (op == NAME_MKDIR) {
        e = result(mkdirat(rp.dirfd, rp.name, 0777));
    } else if (op == NAME_RMDIR) {
        e = result(unlinkat(rp.dirfd, rp.name, AT_REMOVEDIR));
    } else if (rp.must_dir) { /* "name/" is never a file to unlink */
        e = need_dir(rp.dirfd, rp.name);
        if (e == ZW_E_SUCCESS) e = ZW_E_ISDIR;
    } else {
        e = result(unlinkat(rp.dirfd, rp.name, 0));
    }
    rpath_free(&rp);
    return e;
}

int zw_wasi_path_create_directory(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    return on_name(w, m, a, ZW_R_PATH_CREATE_DIRECTORY, NAME_MKDIR);
}

int zw_wasi_path_remove_directory(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    return on_name(w, m, a, ZW_R_PATH_REMOVE_DIRECTORY, NAME_RMDIR);
}

int zw_wasi_path_unlink_file(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    return on_name(w, m, a, ZW_R_PATH_UNLINK_FILE, NAME_UNLINK);
}

/* A new name written "name/" for link and symlink: it cannot be created
 * (ENOENT), or exists already (EEXIST). */
static int new_name_slash(const zw_rpath *to) {
    return exists(to->dirfd, to->name) ? ZW_E_EXIST : ZW_E_NOENT;
}

int zw_wasi_path_rename(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    zw_rpath from, to;
    int e = lookup(w, m, (uint32_t)a[0], ZW_R_PATH_RENAME_SOURCE, (uint32_t)a[1], (uint32_t)a[2],
                   RES_SLASH_NAME, &from);
    if (e) return e;
    e = lookup(w, m, (uint32_t)a[3], ZW_R_PATH_RENAME_TARGET, (uint32_t)a[4], (uint32_t)a[5],
               RES_SLASH_NAME, &to);
    if (e) {
        rpath_free(&from);
        return e;
    }
    /* a trailing slash on either name: the source must be a directory */
    if (from.must_dir || to.must_dir) e = need_dir(from.dirfd, from.name);
    if (!e) e = result(renameat(from.dirfd, from.name, to.dirfd, to.name));
    rpath_free(&from);
    rpath_free(&to);
    return e;
}

int zw_wasi_path_link(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    zw_rpath from, to;
    int e = lookup(w, m, (uint32_t)a[0], ZW_R_PATH_LINK_SOURCE, (uint32_t)a[2], (uint32_t)a[3],
                   follow(a[1]), &from);
    if (e) return e;
    e = lookup(w, m, (uint32_t)a[4], ZW_R_PATH_LINK_TARGET, (uint32_t)a[5], (uint32_t)a[6],
               RES_SLASH_NAME, &to);
    if (e) {
        rpath_free(&from);
        return e;
    }
    if (from.must_dir) { /* "dir/": directories cannot be hard-linked */
        e = need_dir(from.dirfd, from.name);
        if (e == ZW_E_SUCCESS) e = ZW_E_PERM;
    } else if (to.must_dir) {
        e = new_name_slash(&to);
    } else {
        e = result(linkat(from.dirfd, from.name, to.dirfd, to.name, 0));
    }
    rpath_free(&from);
    rpath_free(&to);
    return e;
}

int zw_wasi_path_symlink(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    uint32_t old = (uint32_t)a[0], old_len = (uint32_t)a[1];
    const uint8_t *op = zw_wm_ptr(m, old, old_len);
    if (!op) return ZW_E_FAULT;
    if (memchr(op, 0, old_len) || !zw_utf8_valid(op, old_len)) return ZW_E_ILSEQ;
    if (old_len >= ZW_MAX_PATH) return ZW_E_NAMETOOLONG;
    /* an absolute target could never be followed inside the sandbox */
    if (old_len > 0 && op[0] == '/') return ZW_E_NOTCAPABLE;
    char target[ZW_MAX_PATH];
    memcpy(target, op, old_len);
    target[old_len] = 0;
    zw_rpath rp;
    int e = lookup(w, m, (uint32_t)a[2], ZW_R_PATH_SYMLINK, (uint32_t)a[3], (uint32_t)a[4],
                   RES_SLASH_NAME, &rp);
    if (e) return e;
    e = rp.must_dir ? new_name_slash(&rp) : result(symlinkat(target, rp.dirfd, rp.name));
    rpath_free(&rp);
    return e;
}

int zw_wasi_path_readlink(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    uint32_t buf = (uint32_t)a[3], buf_len = (uint32_t)a[4], usedp = (uint32_t)a[5];
    uint8_t *out = zw_wm_ptr(m, buf, buf_len);
    if (!out || !zw_wm_ok(m, usedp, 4)) return ZW_E_FAULT;
    zw_rpath rp;
    int e = lookup(w, m, (uint32_t)a[0], ZW_R_PATH_READLINK, (uint32_t)a[1], (uint32_t)a[2], 0, &rp);
    if (e) return e;
    if (rp.must_dir) { /* "link/" was followed: what is left is a directory, not a link */
        e = need_dir(rp.dirfd, rp.name);
        rpath_free(&rp);
        return e == ZW_E_SUCCESS ? ZW_E_INVAL : e;
    }
    char link[ZW_MAX_PATH];
    ssize_t n = readlinkat(rp.dirfd, rp.name, link, sizeof link);
    e = n < 0 ? zw_wasi_errno(errno) : 0;
    rpath_free(&rp);
    if (n < 0) return e;
    uint32_t k = (uint64_t)n < buf_len ? (uint32_t)n : buf_len;
    memcpy(out, link, k);
    zw_wm_put32(m, usedp, k);
    return ZW_E_SUCCESS;
}

/* ---- filestat --------------------------------------------------------------------------------- */
int zw_wasi_path_filestat_get(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    uint8_t *out = zw_wm_ptr(m, (uint32_t)a[4], 64);
    if (!out) return ZW_E_FAULT;
    zw_rpath rp;
    int e = lookup(w, m, (uint32_t)a[0], ZW_R_PATH_FILESTAT_GET, (uint32_t)a[2], (uint32_t)a[3],
                   follow(a[1]), &rp);
    if (e) return e;
    struct stat st;
    e = result(fstatat(rp.dirfd, rp.name, &st, AT_SYMLINK_NOFOLLOW));
    if (!e && rp.must_dir && !S_ISDIR(st.st_mode)) e = ZW_E_NOTDIR;
    rpath_free(&rp);
    if (!e) zw_wasi_put_filestat(out, &st);
    return e;
}

int zw_wasi_path_filestat_set_times(zw_wasi *w, const zw_wmem *m, const uint64_t *a) {
    struct timespec ts[2];
    int e = zw_wasi_times(a[4], a[5], (uint32_t)a[6], ts);
    if (e) return e;
    zw_rpath rp;
    e = lookup(w, m, (uint32_t)a[0], ZW_R_PATH_FILESTAT_SET_TIMES, (uint32_t)a[2], (uint32_t)a[3],
               follow(a[1]), &rp);
    if (e) return e;
    if (rp.must_dir) e = need_dir(rp.dirfd, rp.name);
    if (!e) e = result(utimensat(rp.dirfd, rp.name, ts, AT_SYMLINK_NOFOLLOW));
    rpath_free(&rp);
    return e;
}
