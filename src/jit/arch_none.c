/*
 * arch_none.c — the architecture interface (jit_int.h) where no code
 * generator exists yet (the ARM64 one is issue 10's work in progress):
 * the JIT reports itself unsupported, so `--engine auto` runs the
 * interpreter and `--engine jit` says why it cannot.  The Makefile builds
 * this file instead of x64/emit.c on every target but x86-64.
 */
#include "jit_int.h"

bool zw_jit_arch_compile(zw_jmod *jm, zw_jfunc *jf, uint8_t **code, uint32_t *len, zwasm_error_t *err) {
    (void)jm;
    (void)jf;
    (void)code;
    (void)len;
    zw_err_set(err, ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "no JIT code generator for this CPU");
    return false;
}

bool zw_jit_arch_stubs(zw_jmod *jm) {
    (void)jm;
    return false;
}

bool zw_jit_arch_supported(void) { return false; }

bool zw_jit_arch_fault(zw_jctx *ctx, void *addr, void *uc) {
    (void)ctx;
    (void)addr;
    (void)uc;
    return false;
}
