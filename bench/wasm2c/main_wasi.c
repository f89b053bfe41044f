/* main_wasi.c — driver for the `wasi` kind: instantiate the wasm2c-compiled
 * command module and run its _start with the WASI shim (wasi_shim.c); argv[0]
 * and any further command-line words become the guest's arguments.
 *
 * Uses bench_config.h (written by bench/run.py): BENCH_INSTANCE_T,
 * BENCH_INIT_MODULE(), BENCH_INSTANTIATE(inst, wasi), BENCH_FREE(inst),
 * BENCH_MEMORY(inst), BENCH_START(inst).
 * Exit status: the guest's proc_exit code (0 if _start returns), 3 on a trap. */
#include <stdio.h>

#include "wasm-rt-impl.h"
#include "wasi_shim.h"
#include "bench_config.h"

int main(int argc, char **argv)
{
    static bench_wasi_t wasi;
    static BENCH_INSTANCE_T inst;
    wasi.argc = argc;
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
    BENCH_START(&inst);
    fflush(stdout);
    BENCH_FREE(&inst);
    wasm_rt_free();
    return 0;
}
