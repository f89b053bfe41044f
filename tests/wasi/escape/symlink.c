/* symlink.c — symlinks pointing outside the sandbox, absolute (planted by
 * the runner) or relative (planted or made by the guest), are never
 * followed: ENOTCAPABLE when following was asked for or the link is an
 * intermediate component, ELOOP for a final link without SYMLINK_FOLLOW.
 * Links that stay inside keep working. */
#include "escape.h"

int main(void) {
    check_preopen();
    __wasi_filestat_t st;
    /* absolute links planted by the runner */
    EXPECT(try_open("abs_file", FOLLOW, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("abs_file", 0, 0, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("abs_file", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RW), __WASI_ERRNO_LOOP);
    EXPECT(try_open("abs_file", FOLLOW, __WASI_OFLAGS_TRUNC, RW), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("abs_dir/secret", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("abs_dir/new", 0, __WASI_OFLAGS_CREAT, RW), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("abs_dir/", 0, __WASI_OFLAGS_DIRECTORY, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_get(SANDBOX, FOLLOW, "abs_file", &st), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_get(SANDBOX, 0, "abs_file", &st), 0);
    if (st.filetype != __WASI_FILETYPE_SYMBOLIC_LINK) {
        printf("abs_file: filetype %d, expected a symlink\n", st.filetype);
        failures++;
    }
    EXPECT(__wasi_path_unlink_file(SANDBOX, "abs_dir/secret"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_create_directory(SANDBOX, "abs_dir/sub"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_set_times(SANDBOX, FOLLOW, "abs_file", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_link(SANDBOX, FOLLOW, "abs_file", SANDBOX, "hardlink"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_rename(SANDBOX, "abs_dir/secret", SANDBOX, "stolen"), __WASI_ERRNO_NOTCAPABLE);
    /* a trailing slash on a link: lookups follow it (inside the sandbox
     * only), create/remove operations act on the link name like Linux */
    EXPECT(__wasi_path_filestat_get(SANDBOX, 0, "abs_dir/", &st), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_get(SANDBOX, 0, "rel_dir//", &st), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_remove_directory(SANDBOX, "abs_dir/"), __WASI_ERRNO_NOTDIR);
    EXPECT(__wasi_path_remove_directory(SANDBOX, "rel_dir/"), __WASI_ERRNO_NOTDIR);
    EXPECT(__wasi_path_unlink_file(SANDBOX, "abs_dir/"), __WASI_ERRNO_NOTDIR);
    EXPECT(__wasi_path_create_directory(SANDBOX, "abs_dir/"), __WASI_ERRNO_EXIST);
    EXPECT(__wasi_path_rename(SANDBOX, "abs_dir/", SANDBOX, "moved"), __WASI_ERRNO_NOTDIR);
    EXPECT(__wasi_path_rename(SANDBOX, "inside", SANDBOX, "rel_dir/"), __WASI_ERRNO_NOTDIR);
    EXPECT(__wasi_path_symlink("x", SANDBOX, "abs_dir/"), __WASI_ERRNO_EXIST);
    /* relative links planted by the runner and made by the guest */
    EXPECT(try_open("rel_dir/secret", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("rel_dir", FOLLOW, __WASI_OFLAGS_DIRECTORY, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_symlink("../outside/secret", SANDBOX, "rel_file"), 0);
    EXPECT(__wasi_path_symlink("../outside/new", SANDBOX, "dangling"), 0);
    EXPECT(__wasi_path_create_directory(SANDBOX, "d"), 0);
    EXPECT(__wasi_path_symlink("../../outside", SANDBOX, "d/up2"), 0);
    EXPECT(__wasi_path_symlink("..", SANDBOX, "d/up1"), 0);
    EXPECT(try_open("rel_file", FOLLOW, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("rel_file", 0, 0, RD), __WASI_ERRNO_LOOP);
    EXPECT(try_open("dangling", FOLLOW, __WASI_OFLAGS_CREAT, RW), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("dangling", 0, __WASI_OFLAGS_CREAT, RW), __WASI_ERRNO_LOOP);
    EXPECT(try_open("d/up2/secret", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("d/up1/../outside/secret", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("rel_file/", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_filestat_get(SANDBOX, FOLLOW, "rel_file", &st), __WASI_ERRNO_NOTCAPABLE);
    /* links that stay inside work, including through `..` */
    EXPECT(try_open("d/up1/inside", 0, 0, RD), 0);
    EXPECT(__wasi_path_symlink("../inside", SANDBOX, "d/in"), 0);
    EXPECT(try_open("d/in", FOLLOW, 0, RD), 0);
    EXPECT(__wasi_path_filestat_get(SANDBOX, FOLLOW, "d/in", &st), 0);
    /* removing the links removes the links, not their targets */
    EXPECT(__wasi_path_unlink_file(SANDBOX, "rel_file"), 0);
    EXPECT(__wasi_path_unlink_file(SANDBOX, "abs_file"), 0);
    EXPECT(__wasi_path_rename(SANDBOX, "abs_dir", SANDBOX, "renamed"), 0);
    EXPECT(__wasi_path_unlink_file(SANDBOX, "renamed"), 0);
    printf("symlink: %d failure(s)\n", failures);
    return failures != 0;
}
