/*
 * interp.h — the interpreter as an execution engine (runtime.h,
 * zw_backend): modules are prepared by threading each function's register
 * IR into handler offsets; calls run the threaded code with computed goto,
 * keeping wasm frames off the C stack.  See docs/ir.md.
 */
#ifndef ZW_INTERP_H
#define ZW_INTERP_H

#include "../runtime/runtime.h"

extern const zw_backend zw_interp_backend;
/* Whether IR op op has a handler of its own (for the tests: a missing one
 * would silently run as "invalid"). */
bool zw_interp_has_handler(uint32_t op);

#endif
