/* main_invoke.c — driver for the `invoke` kind: instantiate the wasm2c-compiled
 * module, call one export with the integer arguments from the command line and
 * print its result (signed decimal for integers, one line), like node_run.mjs.
 *
 *   ./bench ARGS...
 *
 * Which export and with what C signature come from bench_config.h, written by
 * bench/run.py from the header wasm2c generated:
 *   BENCH_INSTANCE_T, BENCH_INIT_MODULE(), BENCH_INSTANTIATE(inst, wasi),
 *   BENCH_FREE(inst), BENCH_MEMORY(inst) (NULL when nothing is exported),
 *   BENCH_NPARAMS, BENCH_CALL(inst, args) (args: bench_arg_t[]),
 *   BENCH_RESULT_KIND: 0 none, 1 i32, 2 i64, 3 f32, 4 f64.
 * Exit status: 0 ok, 2 usage, 3 trap. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wasm-rt-impl.h"
#include "wasi_shim.h"
#include "bench_config.h"

typedef struct {
    uint64_t i;
    double f;
} bench_arg_t;

static int parse_arg(const char *s, bench_arg_t *out)
{
    char *end;
    errno = 0;
    if (s[0] == '-') {
        long long v = strtoll(s, &end, 0);
        out->i = (uint64_t)v;
    } else {
        unsigned long long v = strtoull(s, &end, 0);
        out->i = (uint64_t)v;
    }
    if (errno == 0 && *end == '\0' && end != s) {
        out->f = s[0] == '-' ? (double)(int64_t)out->i : (double)out->i;
        return 1;
    }
    errno = 0;
    out->f = strtod(s, &end);
    out->i = (uint64_t)(int64_t)out->f;
    return errno == 0 && *end == '\0' && end != s;
}

int main(int argc, char **argv)
{
    bench_arg_t args[BENCH_NPARAMS + 1];
    if (argc - 1 != BENCH_NPARAMS) {
        fprintf(stderr, "%s: the export takes %d arguments, got %d\n", argv[0], BENCH_NPARAMS, argc - 1);
        return 2;
    }
    for (int i = 0; i < BENCH_NPARAMS; i++) {
        if (!parse_arg(argv[i + 1], &args[i])) {
            fprintf(stderr, "%s: bad argument '%s'\n", argv[0], argv[i + 1]);
            return 2;
        }
    }

    static bench_wasi_t wasi;
    static BENCH_INSTANCE_T inst;
    wasi.argc = 1;
    wasi.argv = argv;
    wasm_rt_init();
    BENCH_INIT_MODULE();
    BENCH_INSTANTIATE(&inst, &wasi);
    wasi.memory = BENCH_MEMORY(&inst);

    wasm_rt_trap_t trap = wasm_rt_impl_try();
    if (trap != WASM_RT_TRAP_NONE) {
        fflush(stdout);
        fprintf(stderr, "trap: %s\n", wasm_rt_strerror(trap));
        return 3;
    }
#if BENCH_RESULT_KIND == 0
    BENCH_CALL(&inst, args);
#elif BENCH_RESULT_KIND == 1
    printf("%" PRId32 "\n", (int32_t)BENCH_CALL(&inst, args));
#elif BENCH_RESULT_KIND == 2
    printf("%" PRId64 "\n", (int64_t)BENCH_CALL(&inst, args));
#elif BENCH_RESULT_KIND == 3
    printf("%.9g\n", (double)BENCH_CALL(&inst, args));
#else
    printf("%.17g\n", (double)BENCH_CALL(&inst, args));
#endif
    BENCH_FREE(&inst);
    wasm_rt_free();
    return 0;
}
