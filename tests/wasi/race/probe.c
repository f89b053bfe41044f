/* probe.c DURATION_MS OUTSIDE_INO INSIDE_INO [all] — the racing guest of
 * race/two-guests and race/host-swap.  For DURATION_MS it loops the three
 * calls that resolve a last component written with a trailing slash,
 * "sw/", while someone else turns sw into a symlink to ".." and back:
 *   path_open("sw/", O_DIRECTORY), path_filestat_get("sw/") and
 *   path_filestat_set_times("sw/").
 * OUTSIDE_INO is the inode of the sandbox's parent directory, which holds
 * the marker file "secret".  INSIDE_INO 0 means sw is never a real
 * directory (two guests), so any success is an escape; otherwise sw is
 * sometimes the real directory with that inode (host swap) and a success
 * escaped when it shows the parent: an opened directory that lists
 * "secret" or has OUTSIDE_INO, a filestat with OUTSIDE_INO (the runner
 * checks the parent's timestamps for set_times).
 * Exit 0: no escape; 1: escaped (stops at the first one unless "all" is
 * given, which counts them until the end); 2: bad arguments or, with a real
 * directory, never saw it (the race did not run). */
#include "race.h"

static uint64_t outside_ino, inside_ino;
static uint64_t tries, escapes, inside_seen;
static uint64_t t0;
static unsigned errs[3][80]; /* per call: how often each errno came back */
static const char *call_name[3] = {"path_open", "path_filestat_get", "path_filestat_set_times"};

/* the times set_times writes; run.py checks the parent never gets them */
#define ATIM 1111111111000000000ull
#define MTIM 1222222222000000000ull

static int lists_secret(__wasi_fd_t fd) {
    static uint8_t buf[8192];
    __wasi_size_t used;
    if (__wasi_fd_readdir(fd, buf, sizeof buf, 0, &used) != 0) return 0;
    for (size_t off = 0; off + sizeof(__wasi_dirent_t) <= used;) {
        __wasi_dirent_t d;
        memcpy(&d, buf + off, sizeof d);
        off += sizeof d;
        if (d.d_namlen == 6 && off + 6 <= used && memcmp(buf + off, "secret", 6) == 0) return 1;
        off += d.d_namlen;
    }
    return 0;
}

/* One escape: print it (the first few) and count it. */
static void escaped(int call, const char *what, uint64_t ino) {
    if (escapes++ < 3)
        printf("ESCAPE after %llu tries, %llu ms: %s(\"sw/\") %s (inode %llu; outside %llu, inside %llu)\n",
               (unsigned long long)tries, (unsigned long long)((now_ns() - t0) / 1000000),
               call_name[call], what, (unsigned long long)ino, (unsigned long long)outside_ino,
               (unsigned long long)inside_ino);
}

static void outcome(int call, __wasi_errno_t e) { errs[call][e < 80 ? e : 79]++; }

static void try_open(void) {
    __wasi_fd_t fd;
    const __wasi_rights_t r = __WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_FD_FILESTAT_GET;
    tries++;
    __wasi_errno_t e = __wasi_path_open(SANDBOX, 0, "sw/", __WASI_OFLAGS_DIRECTORY, r, 0, 0, &fd);
    outcome(0, e);
    if (e) return;
    __wasi_filestat_t st;
    uint64_t ino = __wasi_fd_filestat_get(fd, &st) == 0 ? st.ino : 0;
    int secret = lists_secret(fd);
    (void)__wasi_fd_close(fd);
    if (secret) escaped(0, "opened a directory that lists \"secret\"", ino);
    else if (!inside_ino) escaped(0, "succeeded although sw is only ever a symlink to ..", ino);
    else if (ino != inside_ino) escaped(0, "opened a directory other than the inside one", ino);
    else inside_seen++;
}

static void try_stat(void) {
    __wasi_filestat_t st;
    tries++;
    __wasi_errno_t e = __wasi_path_filestat_get(SANDBOX, 0, "sw/", &st);
    outcome(1, e);
    if (e) return;
    if (st.ino == outside_ino) escaped(1, "returned the outside directory", st.ino);
    else if (!inside_ino) escaped(1, "succeeded although sw is only ever a symlink to ..", st.ino);
    else if (st.ino != inside_ino) escaped(1, "returned a file other than the inside directory", st.ino);
    else inside_seen++;
}

static void try_times(void) {
    tries++;
    __wasi_errno_t e = __wasi_path_filestat_set_times(SANDBOX, 0, "sw/", ATIM, MTIM,
                                                      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM);
    outcome(2, e);
    if (e == 0 && !inside_ino) escaped(2, "succeeded although sw is only ever a symlink to ..", 0);
}

int main(int argc, char **argv) {
    t0 = now_ns();
    uint64_t end = t0 + arg_u64(argc, argv, 1) * 1000000ull;
    outside_ino = arg_u64(argc, argv, 2);
    inside_ino = arg_u64(argc, argv, 3);
    int all = argc > 4 && strcmp(argv[4], "all") == 0;
    do {
        for (int i = 0; i < 16 && (all || !escapes); i++) {
            try_open();
            try_stat();
            try_times();
        }
    } while ((all || !escapes) && now_ns() < end);
    printf("probe: %llu tries in %llu ms, %llu escape(s), inside directory seen %llu times\n",
           (unsigned long long)tries, (unsigned long long)((now_ns() - t0) / 1000000),
           (unsigned long long)escapes, (unsigned long long)inside_seen);
    for (int c = 0; c < 3; c++) {
        printf("  %s:", call_name[c]);
        for (int k = 0; k < 80; k++)
            if (errs[c][k]) printf(" errno%d=%u", k, errs[c][k]);
        printf("\n");
    }
    if (escapes) return 1;
    if (inside_ino && !inside_seen) {
        printf("probe: never reached the inside directory sw: the race did not run\n");
        return 2;
    }
    return 0;
}
