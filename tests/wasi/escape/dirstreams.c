/* dirstreams.c — a guest that keeps more directory streams going than the
 * runtime keeps open (ZW_WASI_MAX_DIR_STREAMS, 64): 100 fds of one
 * directory of 40 files, each read a few entries at a time in turn.  Every
 * fd must still list all 40 names exactly once, whatever streams were
 * closed and rebuilt in between.  (Each open stream costs a host fd and a
 * 32 KiB buffer: without the cap a guest holds thousands.) */
#include "escape.h"

#define NFD 100
#define NFILES 40

int main(void) {
    check_preopen();
    EXPECT(__wasi_path_create_directory(SANDBOX, "many"), 0);
    char name[64];
    for (int i = 0; i < NFILES; i++) {
        snprintf(name, sizeof name, "many/file%02d", i);
        __wasi_fd_t f;
        EXPECT(__wasi_path_open(SANDBOX, 0, name, __WASI_OFLAGS_CREAT, RW, RW, 0, &f), 0);
        EXPECT(__wasi_fd_close(f), 0);
    }
    __wasi_fd_t fds[NFD];
    __wasi_dircookie_t cookie[NFD] = {0};
    int seen[NFD][NFILES] = {{0}};
    for (int k = 0; k < NFD; k++)
        EXPECT(__wasi_path_open(SANDBOX, 0, "many", __WASI_OFLAGS_DIRECTORY, dir_rights, 0, 0, &fds[k]), 0);
    /* round robin: each turn reads one buffer of a few entries per fd */
    for (int round = 0, done = 0; done < NFD && round < 100; round++) {
        done = 0;
        for (int k = 0; k < NFD; k++) {
            static uint8_t buf[3 * (sizeof(__wasi_dirent_t) + 6)];
            __wasi_size_t used = 0;
            EXPECT(__wasi_fd_readdir(fds[k], buf, sizeof buf, cookie[k], &used), 0);
            if (used == 0) { done++; continue; }
            for (size_t p = 0; p + sizeof(__wasi_dirent_t) <= used;) {
                __wasi_dirent_t d;
                memcpy(&d, buf + p, sizeof d);
                p += sizeof d;
                if (p + d.d_namlen > used) break; /* truncated: ask again from its cookie */
                int n;
                if (d.d_namlen == 6 && sscanf((const char *)buf + p, "file%2d", &n) == 1 && n >= 0 && n < NFILES)
                    seen[k][n]++;
                p += d.d_namlen;
                cookie[k] = d.d_next;
            }
        }
    }
    for (int k = 0; k < NFD; k++)
        for (int i = 0; i < NFILES; i++)
            if (seen[k][i] != 1) {
                printf("fd %d: file%02d listed %d times\n", k, i, seen[k][i]);
                failures++;
            }
    printf("dirstreams: %d failure(s)\n", failures);
    return failures != 0;
}
