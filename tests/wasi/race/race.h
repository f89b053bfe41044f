/*
 * race.h — shared helpers of the sandbox race tests (tests/wasi/race), run
 * by tests/wasi/run.py with one preopen "/sandbox" (guest fd 3) while the
 * sandbox's parent directory on the host holds a marker file "secret".  The
 * guests call the raw wasi_snapshot_preview1 functions and stop after a
 * duration given in milliseconds as argv[1], so the runner bounds the time.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define SANDBOX 3

static uint64_t now_ns(void) {
    __wasi_timestamp_t t = 0;
    (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

/* argv[i] as an unsigned number; exits 2 on a malformed argument. */
static uint64_t arg_u64(int argc, char **argv, int i) {
    char *end;
    if (i >= argc) {
        printf("%s: missing argument %d\n", argv[0], i);
        exit(2);
    }
    unsigned long long v = strtoull(argv[i], &end, 10);
    if (*end || end == argv[i]) {
        printf("%s: bad number %s\n", argv[0], argv[i]);
        exit(2);
    }
    return v;
}
