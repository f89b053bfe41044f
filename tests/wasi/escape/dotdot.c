/* dotdot.c — `..` may not climb above the preopen, directly or after
 * descending; every path_* operation is refused with ENOTCAPABLE. */
#include "escape.h"

int main(void) {
    check_preopen();
    EXPECT(__wasi_path_create_directory(SANDBOX, "a"), 0);
    EXPECT(__wasi_path_create_directory(SANDBOX, "a/b"), 0);
    /* staying inside is fine */
    EXPECT(try_open("a/../inside", 0, 0, RD), 0);
    EXPECT(try_open("a/b/../../inside", 0, 0, RD), 0);
    EXPECT(try_open("a/./b/..//../a/b/../..", 0, __WASI_OFLAGS_DIRECTORY, RD), 0);
    /* climbing out is not */
    EXPECT(try_open("..", 0, __WASI_OFLAGS_DIRECTORY, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("../outside/secret", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("a/../../outside/secret", 0, 0, RW), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("a/b/../../../outside/secret", 0, __WASI_OFLAGS_TRUNC, RW), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("../created", 0, __WASI_OFLAGS_CREAT, RW), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("a/../..", 0, __WASI_OFLAGS_DIRECTORY, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_create_directory(SANDBOX, "../newdir"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_unlink_file(SANDBOX, "../outside/secret"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_remove_directory(SANDBOX, "a/../../outside"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_rename(SANDBOX, "inside", SANDBOX, "../moved"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_rename(SANDBOX, "../outside/secret", SANDBOX, "stolen"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_link(SANDBOX, 0, "../outside/secret", SANDBOX, "hardlink"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_link(SANDBOX, 0, "inside", SANDBOX, "../hardlink"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_symlink("x", SANDBOX, "../symlink"), __WASI_ERRNO_NOTCAPABLE);
    __wasi_filestat_t st;
    EXPECT(__wasi_path_filestat_get(SANDBOX, 0, "../outside", &st), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_set_times(SANDBOX, 0, "../outside/secret", 0, 0,
                                          __WASI_FSTFLAGS_MTIM_NOW), __WASI_ERRNO_NOTCAPABLE);
    /* a directory opened inside the sandbox is its own root for `..` too */
    __wasi_fd_t a;
    EXPECT(__wasi_path_open(SANDBOX, 0, "a", __WASI_OFLAGS_DIRECTORY, dir_rights, all_rights, 0, &a), 0);
    __wasi_fd_t f;
    EXPECT(__wasi_path_open(a, 0, "../inside", 0, RD, 0, 0, &f), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_open(a, 0, "b/..", __WASI_OFLAGS_DIRECTORY, RD, 0, 0, &f), 0);
    printf("dotdot: %d failure(s)\n", failures);
    return failures != 0;
}
