/* absolute.c — absolute guest paths are refused (ENOTCAPABLE) by every
 * path_* operation, and absolute symlink targets cannot be created. */
#include "escape.h"

int main(void) {
    check_preopen();
    EXPECT(try_open("/", 0, __WASI_OFLAGS_DIRECTORY, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("/etc/passwd", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("/sandbox/inside", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("//inside", 0, 0, RD), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(try_open("/tmp/zwasm-escape-created", 0, __WASI_OFLAGS_CREAT, RW), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_create_directory(SANDBOX, "/tmp/zwasm-escape-dir"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_unlink_file(SANDBOX, "/etc/passwd"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_remove_directory(SANDBOX, "/tmp"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_rename(SANDBOX, "inside", SANDBOX, "/tmp/moved"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_link(SANDBOX, 0, "/etc/passwd", SANDBOX, "hardlink"), __WASI_ERRNO_NOTCAPABLE);
    EXPECT(__wasi_path_symlink("/etc/passwd", SANDBOX, "abs_link"), __WASI_ERRNO_NOTCAPABLE);
    __wasi_filestat_t st;
    EXPECT(__wasi_path_filestat_get(SANDBOX, 0, "/etc", &st), __WASI_ERRNO_NOTCAPABLE);
    char buf[64];
    __wasi_size_t n;
    EXPECT(__wasi_path_readlink(SANDBOX, "/proc/self/exe", (uint8_t *)buf, sizeof buf, &n),
           __WASI_ERRNO_NOTCAPABLE);
    printf("absolute: %d failure(s)\n", failures);
    return failures != 0;
}
