/*
 * ir.h — the register-based IR: one zw_ir_func per defined function, produced
 * from validated stack code by lower.c, executed by interp/ and (later)
 * compiled by jit/.
 *
 * (The IR format itself is documented in docs/ir.md and defined below by the
 * IR owner; this header's public entry points are fixed.)
 */
#ifndef ZW_IR_H
#define ZW_IR_H

#include <stdio.h>

#include "../module.h"

typedef struct zw_ir_func zw_ir_func;

/* Lower every defined function of a validated module; fills m->ir. */
zwasm_result_t zw_lower_module(zw_module *m, zwasm_error_t *err);
/* Free m->ir (called by zw_module_free). */
void zw_ir_free_module(zw_module *m);
/* Print the IR of every defined function (zwasm run --dump-ir). */
void zw_ir_dump_module(const zw_module *m, FILE *out);

#endif
