/* lower.c — STUB, to be replaced by the IR lowering. */
#include "ir.h"
zwasm_result_t zw_lower_module(zw_module *m, zwasm_error_t *err) { (void)m; (void)err; return ZWASM_OK; }
void zw_ir_free_module(zw_module *m) { (void)m; }
void zw_ir_dump_module(const zw_module *m, FILE *out) { (void)m; (void)out; }
