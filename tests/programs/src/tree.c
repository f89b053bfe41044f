/* tree.c — a small file-processing program for the WASI proof.
 *   tree IN_DIR OUT_FILE
 * Walks IN_DIR (a preopened directory), reads every regular file and computes
 * its line/word/byte counts and an FNV-1a checksum, writes a report sorted by
 * path into OUT_FILE (written as OUT_FILE.tmp, synced, then renamed), reads
 * the report back, exercises mkdir/unlink/rmdir, readdir of a large
 * directory, truncation, timestamps, links and error codes next to it, checks
 * that paths outside the preopens are refused, and prints a summary.  The output depends
 * only on the input tree, never on host directory order or timestamps. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
    char *path;          /* relative to IN_DIR, '/'-separated */
    int is_dir;
    long lines, words, bytes;
    long children;       /* directories: number of entries */
    uint32_t sum;        /* files: FNV-1a 32 of the contents */
};

static struct entry *entries;
static size_t n_entries, cap_entries;
static int errors;

static void *xmalloc(size_t n) {
    void *p = malloc(n);
    if (!p) { fprintf(stderr, "tree: out of memory\n"); exit(2); }
    return p;
}

static char *join(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    char *s = xmalloc(la + lb + 2);
    memcpy(s, a, la);
    s[la] = '/';
    memcpy(s + la + 1, b, lb + 1);
    return s;
}

static struct entry *add_entry(const char *rel, int is_dir) {
    if (n_entries == cap_entries) {
        cap_entries = cap_entries ? cap_entries * 2 : 16;
        entries = realloc(entries, cap_entries * sizeof *entries);
        if (!entries) { fprintf(stderr, "tree: out of memory\n"); exit(2); }
    }
    struct entry *e = &entries[n_entries++];
    memset(e, 0, sizeof *e);
    e->path = strdup(rel);
    e->is_dir = is_dir;
    return e;
}

/* Counts with the low-level read(2) in odd-sized chunks so that words and
 * lines straddle buffer boundaries. */
static void scan_file(const char *full, struct entry *e) {
    int fd = open(full, O_RDONLY);
    if (fd < 0) { fprintf(stderr, "tree: open %s: %s\n", full, strerror(errno)); errors++; return; }
    struct stat st;
    if (fstat(fd, &st) != 0) { fprintf(stderr, "tree: fstat %s failed\n", full); errors++; }
    unsigned char buf[97];
    uint32_t h = 2166136261u;
    int in_word = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = buf[i];
            h = (h ^ c) * 16777619u;
            if (c == '\n') e->lines++;
            if (isspace(c)) in_word = 0;
            else if (!in_word) { in_word = 1; e->words++; }
        }
        e->bytes += n;
    }
    if (n < 0) { fprintf(stderr, "tree: read %s: %s\n", full, strerror(errno)); errors++; }
    if (e->bytes != (long)st.st_size) {
        fprintf(stderr, "tree: %s: read %ld bytes, fstat says %lld\n", full, e->bytes, (long long)st.st_size);
        errors++;
    }
    /* Seek back and re-read the last byte through lseek. */
    if (e->bytes > 0) {
        unsigned char last;
        if (lseek(fd, -1, SEEK_END) != e->bytes - 1 || read(fd, &last, 1) != 1 || last != buf[(e->bytes - 1) % sizeof buf]) {
            fprintf(stderr, "tree: %s: lseek/read of the last byte failed\n", full);
            errors++;
        }
    }
    close(fd);
    e->sum = h;
}

static void walk(const char *root, const char *rel) {
    char *full = rel[0] ? join(root, rel) : strdup(root);
    DIR *d = opendir(full);
    if (!d) { fprintf(stderr, "tree: opendir %s: %s\n", full, strerror(errno)); errors++; free(full); return; }
    size_t dir_index = rel[0] ? (size_t)(add_entry(rel, 1) - entries) : (size_t)-1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        if (n == cap) { cap = cap ? cap * 2 : 8; names = realloc(names, cap * sizeof *names); }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (dir_index != (size_t)-1) entries[dir_index].children = (long)n;
    for (size_t i = 0; i < n; i++) {
        char *childrel = rel[0] ? join(rel, names[i]) : strdup(names[i]);
        char *childfull = join(full, names[i]);
        struct stat st;
        if (stat(childfull, &st) != 0) {
            fprintf(stderr, "tree: stat %s: %s\n", childfull, strerror(errno));
            errors++;
        } else if (S_ISDIR(st.st_mode)) {
            walk(root, childrel);
        } else if (S_ISREG(st.st_mode)) {
            scan_file(childfull, add_entry(childrel, 0));
        }
        free(childrel);
        free(childfull);
        free(names[i]);
    }
    free(names);
    free(full);
}

static int by_path(const void *a, const void *b) {
    return strcmp(((const struct entry *)a)->path, ((const struct entry *)b)->path);
}

static uint32_t fnv_stream(FILE *f, long *len) {
    uint32_t h = 2166136261u;
    int c;
    *len = 0;
    while ((c = getc(f)) != EOF) { h = (h ^ (unsigned char)c) * 16777619u; ++*len; }
    return h;
}

/* Scratch directory work next to the report: mkdir, create, rename, unlink,
 * rmdir, and a refused escape. */
static void scratch(const char *outdir) {
    char *dir = join(outdir, "scratch");
    char *f1 = join(dir, "a.txt");
    char *f2 = join(dir, "b.txt");
    int ok = mkdir(dir, 0755) == 0;
    FILE *f = ok ? fopen(f1, "w") : NULL;
    ok = ok && f && fputs("scratch\n", f) >= 0 && fclose(f) == 0;
    ok = ok && rename(f1, f2) == 0;
    struct stat st;
    ok = ok && stat(f1, &st) != 0 && errno == ENOENT;
    ok = ok && stat(f2, &st) == 0 && st.st_size == 8;
    ok = ok && rmdir(dir) != 0;               /* not empty */
    ok = ok && unlink(f2) == 0;
    ok = ok && rmdir(dir) == 0;
    ok = ok && stat(dir, &st) != 0 && errno == ENOENT;
    printf("scratch dir ops: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    free(dir); free(f1); free(f2);

    char *esc = join(outdir, "../../etc/passwd");
    int fd = open(esc, O_RDONLY);
    printf("escape via ..: %s\n", fd < 0 ? "refused" : "ALLOWED");
    if (fd >= 0) { close(fd); errors++; }
    free(esc);
    fd = open("/etc/passwd", O_RDONLY);
    printf("absolute path outside preopens: %s\n", fd < 0 ? "refused" : "ALLOWED");
    if (fd >= 0) { close(fd); errors++; }
}

static const char *errname(int e) {
    switch (e) {
    case 0: return "0";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: return "other";
    }
}

/* errno of a call that must fail: "0" if it succeeded. */
#define FAILS(call) ((call) < 0 ? errname(errno) : "0")

/* More filesystem calls in a scratch directory of OUT_DIR: a directory with
 * many long names (fd_readdir continuation cookies), rewinddir, ftruncate,
 * futimens/utimensat, hard and symbolic links, and error codes. */
static void fsops(const char *outdir) {
    char *dir = join(outdir, "many");
    char path[512];
    enum { MANY = 300 };
    int ok = mkdir(dir, 0755) == 0;
    for (int i = 0; ok && i < MANY; i++) {
        snprintf(path, sizeof path, "%s/entry-%03d-with-a-rather-long-name-to-fill-readdir-buffers.txt", dir, i);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        ok = fd >= 0 && write(fd, path, (size_t)i % 7) == (ssize_t)(i % 7) && close(fd) == 0;
    }
    static unsigned char seen[MANY];
    int bad = 0, total = 0;
    DIR *d = ok ? opendir(dir) : NULL;
    for (int pass = 0; d && pass < 2; pass++) {
        memset(seen, 0, sizeof seen);
        total = 0;
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            int k;
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
            total++;
            if (sscanf(de->d_name, "entry-%3d-", &k) != 1 || k < 0 || k >= MANY || seen[k]++ ||
                (de->d_type != DT_REG && de->d_type != DT_UNKNOWN))
                bad++;
        }
        for (int i = 0; i < MANY; i++) if (!seen[i]) bad++;
        if (pass == 0) rewinddir(d);
    }
    if (d) closedir(d);
    printf("readdir of %d long names (twice, with rewinddir): %d seen, %s\n", MANY, total, ok && d && !bad ? "ok" : "FAILED");
    if (!(ok && d && !bad && total == MANY)) errors++;
    int removed = 0;
    for (int i = 0; i < MANY; i++) {
        snprintf(path, sizeof path, "%s/entry-%03d-with-a-rather-long-name-to-fill-readdir-buffers.txt", dir, i);
        removed += unlink(path) == 0;
    }
    ok = removed == MANY && rmdir(dir) == 0;
    printf("removed %d files and the directory: %s\n", removed, ok ? "ok" : "FAILED");
    if (!ok) errors++;

    /* ftruncate, then extend with a hole; timestamps. */
    char *f = join(outdir, "sized.bin");
    int fd = open(f, O_RDWR | O_CREAT | O_TRUNC, 0644);
    struct stat st;
    ok = fd >= 0 && write(fd, "0123456789", 10) == 10 && ftruncate(fd, 4) == 0 && fstat(fd, &st) == 0 && st.st_size == 4;
    printf("ftruncate shrink: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    char buf[16];
    ok = fd >= 0 && ftruncate(fd, 4096) == 0 && fstat(fd, &st) == 0 && st.st_size == 4096 &&
         pread(fd, buf, 6, 2) == 6 && !memcmp(buf, "23\0\0\0\0", 6);
    printf("ftruncate extend with zeros, pread: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    ok = fd >= 0 && pwrite(fd, "XY", 2, 100) == 2 && lseek(fd, 0, SEEK_CUR) == 10 && pread(fd, buf, 3, 99) == 3 &&
         !memcmp(buf, "\0XY", 3);
    printf("pwrite leaves the offset alone: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    struct timespec times[2] = { { 1000000000, 0 }, { 1234567890, 500000000 } };
    ok = fd >= 0 && futimens(fd, times) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 1234567890 &&
         st.st_atim.tv_sec == 1000000000;
    printf("futimens sets atime and mtime: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    times[1].tv_sec = 1500000000;
    ok = utimensat(AT_FDCWD, f, times, 0) == 0 && stat(f, &st) == 0 && st.st_mtim.tv_sec == 1500000000;
    printf("utimensat sets mtime: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    if (fd >= 0) close(fd);

    /* Hard and symbolic links inside the sandbox. */
    char *hl = join(outdir, "hard.bin"), *sl = join(outdir, "sym.bin");
    ok = link(f, hl) == 0 && stat(hl, &st) == 0 && st.st_size == 4096 && st.st_nlink == 2;
    printf("hard link: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    char target[64] = "";
    ssize_t tl;
    ok = symlink("sized.bin", sl) == 0 && (tl = readlink(sl, target, sizeof target - 1)) == 9 &&
         (target[tl] = 0, !strcmp(target, "sized.bin")) && stat(sl, &st) == 0 && S_ISREG(st.st_mode) &&
         st.st_size == 4096 && lstat(sl, &st) == 0 && S_ISLNK(st.st_mode);
    printf("symlink, readlink, stat through it, lstat: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;

    /* Error codes. */
    char *missing = join(outdir, "missing"), *sub = join(f, "x");
    printf("open missing file: %s\n", FAILS(open(missing, O_RDONLY)));
    printf("open O_CREAT|O_EXCL on an existing file: %s\n", FAILS(open(f, O_WRONLY | O_CREAT | O_EXCL, 0644)));
    printf("open O_DIRECTORY on a file: %s\n", FAILS(open(f, O_RDONLY | O_DIRECTORY)));
    printf("open a path under a file: %s\n", FAILS(open(sub, O_RDONLY)));
    printf("open a directory for writing: %s\n", FAILS(open(outdir, O_WRONLY)));
    printf("mkdir an existing directory: %s\n", FAILS(mkdir(outdir, 0755)));
    printf("rmdir a file: %s\n", FAILS(rmdir(f)));
    printf("unlink missing file: %s\n", FAILS(unlink(missing)));
    printf("read from a closed fd: %s\n", FAILS(read(fd, buf, 1)));

    ok = unlink(sl) == 0 && unlink(hl) == 0 && stat(f, &st) == 0 && st.st_nlink == 1 && unlink(f) == 0;
    printf("cleanup: %s\n", ok ? "ok" : "FAILED");
    if (!ok) errors++;
    free(dir); free(f); free(hl); free(sl); free(missing); free(sub);
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: tree IN_DIR OUT_FILE\n"); return 2; }
    const char *root = argv[1], *out = argv[2];
    walk(root, "");
    qsort(entries, n_entries, sizeof *entries, by_path);

    size_t lo = strlen(out);
    char *tmp = xmalloc(lo + 5);
    memcpy(tmp, out, lo);
    memcpy(tmp + lo, ".tmp", 5);
    FILE *rep = fopen(tmp, "w");
    if (!rep) { fprintf(stderr, "tree: cannot create %s: %s\n", tmp, strerror(errno)); return 1; }
    long files = 0, dirs = 0, lines = 0, words = 0, bytes = 0;
    uint32_t all = 2166136261u;
    fprintf(rep, "# %-28s %6s %6s %7s %s\n", "path", "lines", "words", "bytes", "fnv1a");
    for (size_t i = 0; i < n_entries; i++) {
        struct entry *e = &entries[i];
        if (e->is_dir) {
            dirs++;
            fprintf(rep, "%-30s %s (%ld entries)\n", e->path, "<dir>", e->children);
        } else {
            files++;
            lines += e->lines; words += e->words; bytes += e->bytes;
            all = (all ^ e->sum) * 16777619u;
            fprintf(rep, "%-30s %6ld %6ld %7ld %08x\n", e->path, e->lines, e->words, e->bytes, (unsigned)e->sum);
        }
    }
    fprintf(rep, "total: %ld files, %ld dirs, %ld lines, %ld words, %ld bytes, %08x\n",
            files, dirs, lines, words, bytes, (unsigned)all);
    if (fflush(rep) != 0 || fsync(fileno(rep)) != 0) { fprintf(stderr, "tree: flush/fsync failed: %s\n", strerror(errno)); errors++; }
    if (fclose(rep) != 0) { fprintf(stderr, "tree: close failed\n"); errors++; }
    if (rename(tmp, out) != 0) { fprintf(stderr, "tree: rename %s -> %s: %s\n", tmp, out, strerror(errno)); return 1; }

    /* Read the report back: size via fseek/ftell, contents via getc. */
    rep = fopen(out, "r");
    if (!rep) { fprintf(stderr, "tree: cannot reopen %s\n", out); return 1; }
    fseek(rep, 0, SEEK_END);
    long size = ftell(rep);
    rewind(rep);
    long len;
    uint32_t rsum = fnv_stream(rep, &len);
    fclose(rep);
    if (len != size) { fprintf(stderr, "tree: ftell %ld but read %ld\n", size, len); errors++; }

    /* Append a trailer with O_APPEND and check the new size. */
    int fd = open(out, O_WRONLY | O_APPEND);
    const char trailer[] = "# end of report\n";
    if (fd < 0 || write(fd, trailer, sizeof trailer - 1) != (ssize_t)(sizeof trailer - 1) || close(fd) != 0) {
        fprintf(stderr, "tree: append failed: %s\n", strerror(errno));
        errors++;
    }
    struct stat st;
    if (stat(out, &st) != 0 || st.st_size != size + (long)(sizeof trailer - 1)) {
        fprintf(stderr, "tree: size after append is wrong\n");
        errors++;
    }
    struct stat tst;
    if (stat(tmp, &tst) == 0) { fprintf(stderr, "tree: %s still exists after rename\n", tmp); errors++; }

    printf("scanned %ld files in %ld directories\n", files, dirs);
    printf("lines %ld, words %ld, bytes %ld, checksum %08x\n", lines, words, bytes, (unsigned)all);
    printf("report: %ld bytes, checksum %08x\n", size, (unsigned)rsum);

    char *slash = strrchr(out, '/');
    char *outdir = slash ? strndup(out, (size_t)(slash - out)) : strdup(".");
    scratch(outdir);
    fsops(outdir);
    free(outdir);
    free(tmp);
    printf("errors: %d\n", errors);
    return errors ? 1 : 0;
}
