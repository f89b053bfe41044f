/* wasi_shim.h — the WASI preview1 host side for wasm2c-compiled benchmarks.
 *
 * wasm2c (wabt 1.0.32) turns each import `wasi_snapshot_preview1.NAME` into a
 * call of `Z_wasi_snapshot_preview1Z_NAME(struct Z_wasi_snapshot_preview1_instance_t*, ...)`
 * and leaves the struct to the embedder: this is it. */
#ifndef BENCH_WASI_SHIM_H
#define BENCH_WASI_SHIM_H

#include "wasm-rt.h"

struct Z_wasi_snapshot_preview1_instance_t {
    wasm_rt_memory_t *memory; /* the guest's exported "memory" (may be NULL) */
    int argc;
    char **argv;
};

typedef struct Z_wasi_snapshot_preview1_instance_t bench_wasi_t;

#endif
