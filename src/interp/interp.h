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

#endif
