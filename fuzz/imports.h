/*
 * imports.h — what the fuzz targets (fuzz_module.c, fuzz_diff.c) give a
 * module for its imports: a function of the target's making (func_of) for
 * each imported function, and small empty memories, tables and zeroed
 * globals of the right types.  Header-only: each target is one file.
 */
#ifndef ZW_FUZZ_IMPORTS_H
#define ZW_FUZZ_IMPORTS_H

#include <string.h>

#include "zwasm.h"

#define FUZZ_MAX_IMPORTS 64

static inline zwasm_val_t fuzz_zero(uint32_t kind) {
    zwasm_val_t v;
    memset(&v, 0, sizeof v);
    v.kind = kind;
    return v;
}

/* Import i, a function of type t: the target's own host function. */
typedef zwasm_func_t *(*fuzz_func_of)(zwasm_store_t *store, uint32_t i, const zwasm_functype_t *t,
                                      void *arg);

/* Fill imports[0..n) for module; false when the module needs more than
 * FUZZ_MAX_IMPORTS, a memory over 16 pages, a table over 10,000 elements,
 * or an import kind not known here. */
static inline bool fuzz_imports(zwasm_store_t *store, zwasm_module_t *module, zwasm_extern_t *imports,
                                uint32_t *n, fuzz_func_of func_of, void *arg) {
    *n = zwasm_module_import_count(module);
    if (*n > FUZZ_MAX_IMPORTS) return false;
    for (uint32_t i = 0; i < *n; i++) {
        zwasm_importtype_t it;
        zwasm_module_import(module, i, &it);
        imports[i].kind = it.type.kind;
        switch (it.type.kind) {
        case ZWASM_EXTERN_FUNC:
            imports[i].of.func = func_of(store, i, &it.type.of.func, arg);
            break;
        case ZWASM_EXTERN_MEMORY: {
            zwasm_limits_t l = it.type.of.memory.limits;
            if (l.min > 16) return false;
            imports[i].of.memory = zwasm_memory_new(store, l.min, l.max, l.has_max);
            break;
        }
        case ZWASM_EXTERN_TABLE: {
            zwasm_limits_t l = it.type.of.table.limits;
            if (l.min > 10000) return false;
            imports[i].of.table = zwasm_table_new(store, it.type.of.table.elem, l.min, l.max, l.has_max,
                                                  fuzz_zero(it.type.of.table.elem));
            break;
        }
        case ZWASM_EXTERN_GLOBAL:
            imports[i].of.global = zwasm_global_new(store, it.type.of.global.type, it.type.of.global.mut,
                                                    fuzz_zero(it.type.of.global.type));
            break;
        default:
            return false;
        }
        if (!imports[i].of.func) return false;
    }
    return true;
}

#endif
