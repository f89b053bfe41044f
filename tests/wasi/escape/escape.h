/*
 * escape.h — shared helpers of the sandbox-escape tests (tests/wasi/escape).
 * Each test is a WASI command run by tests/wasi/run.py with one preopen,
 * "/sandbox" (guest fd 3), while a directory "outside" with a file "secret"
 * sits beside the sandbox on the host; the sandbox also holds three symlinks
 * planted by the runner: abs_file -> HOST/outside/secret, abs_dir ->
 * HOST/outside (absolute) and rel_dir -> ../outside (relative).  The tests
 * call the raw wasi_snapshot_preview1 functions (wasi-libc would refuse
 * some of these paths before the runtime sees them), check the exact errno
 * and exit with the number of failed checks; the runner checks that nothing
 * outside the sandbox changed.
 */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static int failures;
#define SANDBOX 3

#define EXPECT(call, want)                                                              \
    do {                                                                                \
        __wasi_errno_t got_ = (call);                                                   \
        if (got_ != (want)) {                                                           \
            printf("%s:%d: %s: errno %d, expected %d\n", __FILE__, __LINE__, #call,     \
                   (int)got_, (int)(want));                                             \
            failures++;                                                                 \
        }                                                                               \
    } while (0)

static const __wasi_rights_t all_rights = (__wasi_rights_t)((1ull << 30) - 1);
/* everything but the rights that need write access (a directory has none) */
static const __wasi_rights_t dir_rights =
    (__wasi_rights_t)((1ull << 30) - 1) &
    ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE);

/* path_open relative to the sandbox; returns the errno, closes the fd. */
static __attribute__((unused)) __wasi_errno_t try_open(const char *path, __wasi_lookupflags_t follow, __wasi_oflags_t oflags,
                               __wasi_rights_t rights) {
    __wasi_fd_t fd;
    __wasi_errno_t e = __wasi_path_open(SANDBOX, follow, path, oflags, rights, rights, 0, &fd);
    if (e == 0) (void)__wasi_fd_close(fd);
    return e;
}

static void check_preopen(void) {
    char name[16] = {0};
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(SANDBOX, &ps) != 0 || ps.u.dir.pr_name_len != 8 ||
        __wasi_fd_prestat_dir_name(SANDBOX, (uint8_t *)name, 8) != 0 || strcmp(name, "/sandbox") != 0) {
        printf("fd 3 is not the /sandbox preopen\n");
        failures++;
    }
}

#define RD (__WASI_RIGHTS_FD_READ)
#define RW (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE)
#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW
