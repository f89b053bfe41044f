/*
 * jit.h — the JIT as an execution engine (runtime.h, zw_backend): each
 * function's register IR is compiled to machine code when the function is
 * first called (ZWASM_ENGINE_JIT).  The design is in docs/jit.md.
 */
#ifndef ZW_JIT_H
#define ZW_JIT_H

#include "../runtime/runtime.h"

extern const zw_backend zw_jit_backend;

/* Whether this machine can run the JIT (x86-64 with SSE4.1 and POPCNT). */
bool zw_jit_supported(void);
/* Compile every function of m (a module of a JIT engine) now. */
zwasm_result_t zw_jit_compile_module(zw_module *m, zwasm_error_t *err);

#endif
