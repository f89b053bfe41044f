/* loop.c — symlink loops and over-long chains end with ELOOP, whether the
 * link is the final component (with SYMLINK_FOLLOW) or an intermediate one;
 * a chain within the limit resolves. */
#include "escape.h"

int main(void) {
    check_preopen();
    EXPECT(__wasi_path_symlink("self", SANDBOX, "self"), 0);
    EXPECT(__wasi_path_symlink("loop2", SANDBOX, "loop1"), 0);
    EXPECT(__wasi_path_symlink("loop1", SANDBOX, "loop2"), 0);
    EXPECT(__wasi_path_symlink("./dirloop/x", SANDBOX, "dirloop"), 0);
    EXPECT(try_open("self", FOLLOW, 0, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("self", 0, 0, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("loop1", FOLLOW, 0, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("loop1/x", 0, 0, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("self/", 0, __WASI_OFLAGS_DIRECTORY, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("dirloop", FOLLOW, 0, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("loop2", FOLLOW, __WASI_OFLAGS_CREAT, RW), __WASI_ERRNO_LOOP);
    __wasi_filestat_t st;
    EXPECT(__wasi_path_filestat_get(SANDBOX, FOLLOW, "loop1", &st), __WASI_ERRNO_LOOP);
    EXPECT(__wasi_path_create_directory(SANDBOX, "self/sub"), __WASI_ERRNO_LOOP);
    /* a chain of 10 links resolves; one of 60 does not */
    char name[32], target[32];
    EXPECT(__wasi_path_symlink("inside", SANDBOX, "c0"), 0);
    for (int i = 1; i < 60; i++) {
        snprintf(name, sizeof name, "c%d", i);
        snprintf(target, sizeof target, "c%d", i - 1);
        EXPECT(__wasi_path_symlink(target, SANDBOX, name), 0);
    }
    EXPECT(try_open("c9", FOLLOW, 0, RD), 0);
    EXPECT(try_open("c59", FOLLOW, 0, RD), __WASI_ERRNO_LOOP);
    printf("loop: %d failure(s)\n", failures);
    return failures != 0;
}
