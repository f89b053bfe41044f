/* interp.c — STUB, to be replaced by the interpreter. */
#include "../runtime/runtime.h"
zwasm_result_t zw_call(zw_store *s, zw_funcinst *f, const zw_slot *args, zw_slot *results,
                       zwasm_error_t *err) {
    (void)s; (void)f; (void)args; (void)results;
    return zw_err_set(err, ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "interpreter not implemented");
}
void zw_exec_free(zw_exec *e) { (void)e; }
