/* exitcode.c — exit statuses for the WASI proof.
 *   exitcode main N     return N from main (N = 0: _start returns normally)
 *   exitcode exit N     exit(N) from a nested call: atexit handlers run and
 *                       buffered stdout is flushed
 *   exitcode proc N     __wasi_proc_exit(N) from a nested call: no atexit
 *                       handlers, no stdio flush (stdout is flushed by hand)
 *   exitcode trap       unreachable from a nested call (zwasm exits 3)
 * Everything printed before the exit is deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static void bye(void) { printf("atexit handler ran\n"); }

static int depth;

__attribute__((noinline)) static int nested(const char *how, int code, int level) {
    depth++;
    if (level > 0) return nested(how, code, level - 1) + 1;   /* not a tail call */
    printf("at depth %d: %s %d\n", depth, how, code);
    if (!strcmp(how, "exit")) {
        printf("buffered line, flushed by exit\n");
        exit(code);
    }
    if (!strcmp(how, "proc")) {
        printf("flushed before proc_exit\n");
        fflush(stdout);
        printf("buffered line, lost by proc_exit\n");
        __wasi_proc_exit((__wasi_exitcode_t)code);
    }
    if (!strcmp(how, "trap")) {
        fflush(stdout);
        __builtin_trap();
    }
    return code;
}

int main(int argc, char **argv) {
    atexit(bye);
    if (argc < 2) { fprintf(stderr, "usage: exitcode main|exit|proc N | trap\n"); return 2; }
    int code = argc > 2 ? atoi(argv[2]) : 0;
    printf("mode %s, code %d\n", argv[1], code);
    if (!strcmp(argv[1], "main")) {
        printf("returning %d from main\n", code);
        return code;
    }
    int r = nested(argv[1], code, 10);
    printf("not reached: %d\n", r);
    return 99;
}
