/*
 * spectest.c — the `spectest` host module that the official test scripts
 * import from: print functions, four globals (666 / 666.6), a funcref table
 * of 10..20 elements, a memory of 1..2 pages and a shared one (threads,
 * "shared_memory").  Its objects live in the
 * script's store; this struct only names them.
 *
 * The print functions print nothing unless the runner is verbose, then one
 * line per argument "VALUE : TYPE" to stdout, like the reference interpreter.
 */
#include <stdio.h>

#include "cli.h"

struct cli_spectest {
    bool verbose;
    size_t n;
    struct { const char *name; zwasm_extern_t ext; } items[16];
};

static zwasm_result_t spectest_print(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                                     zwasm_val_t *results, zwasm_error_t *err) {
    (void)env; (void)caller; (void)args; (void)results; (void)err;
    return ZWASM_OK;
}

/* One print function per signature; its env is the parameter count (the
 * kinds come from the argument values themselves). */
static zwasm_result_t spectest_print_verbose(void *env, zwasm_caller_t *caller,
                                             const zwasm_val_t *args, zwasm_val_t *results,
                                             zwasm_error_t *err) {
    (void)caller; (void)results; (void)err;
    uint32_t nparams = (uint32_t)(uintptr_t)env;
    for (uint32_t i = 0; i < nparams; i++) {
        cli_print_val(stdout, &args[i]);
        char tb[CLI_TYPE_BUF];
        printf(" : %s\n", cli_valkind_name(args[i].kind, tb));
    }
    fflush(stdout);
    return ZWASM_OK;
}

static bool add(cli_spectest *st, const char *name, zwasm_extern_t ext) {
    if (st->n >= ZW_ARRAY_LEN(st->items)) return false;
    st->items[st->n].name = name;
    st->items[st->n].ext = ext;
    st->n++;
    return true;
}

static bool add_print(cli_spectest *st, zwasm_store_t *store, const char *name,
                      const uint32_t *params, uint32_t nparams) {
    zwasm_functype_t ft = {.nparams = nparams, .nresults = 0, .params = params, .results = NULL};
    zwasm_func_t *f = st->verbose ? zwasm_func_new(store, &ft, spectest_print_verbose,
                                                   (void *)(uintptr_t)nparams, NULL)
                                  : zwasm_func_new(store, &ft, spectest_print, NULL, NULL);
    return f && add(st, name, (zwasm_extern_t){.kind = ZWASM_EXTERN_FUNC, .of.func = f});
}

static bool add_global(cli_spectest *st, zwasm_store_t *store, const char *name, zwasm_val_t v) {
    zwasm_global_t *g = zwasm_global_new(store, v.kind, false, v);
    if (!g) return false;
    return add(st, name, (zwasm_extern_t){.kind = ZWASM_EXTERN_GLOBAL, .of.global = g});
}

cli_spectest *cli_spectest_new(zwasm_store_t *store, bool verbose) {
    static const uint32_t p_i32[] = {ZWASM_I32}, p_i64[] = {ZWASM_I64}, p_f32[] = {ZWASM_F32},
                          p_f64[] = {ZWASM_F64}, p_i32_f32[] = {ZWASM_I32, ZWASM_F32},
                          p_f64_f64[] = {ZWASM_F64, ZWASM_F64};
    cli_spectest *st = calloc(1, sizeof *st);
    if (!st) return NULL;
    st->verbose = verbose;
    bool ok = add_print(st, store, "print", NULL, 0) &&
              add_print(st, store, "print_i32", p_i32, 1) &&
              add_print(st, store, "print_i64", p_i64, 1) &&
              add_print(st, store, "print_f32", p_f32, 1) &&
              add_print(st, store, "print_f64", p_f64, 1) &&
              add_print(st, store, "print_i32_f32", p_i32_f32, 2) &&
              add_print(st, store, "print_f64_f64", p_f64_f64, 2);
    ok = ok && add_global(st, store, "global_i32", (zwasm_val_t){.kind = ZWASM_I32, .of.i32 = 666});
    ok = ok && add_global(st, store, "global_i64", (zwasm_val_t){.kind = ZWASM_I64, .of.i64 = 666});
    ok = ok && add_global(st, store, "global_f32", (zwasm_val_t){.kind = ZWASM_F32, .of.f32 = 666.6f});
    ok = ok && add_global(st, store, "global_f64", (zwasm_val_t){.kind = ZWASM_F64, .of.f64 = 666.6});
    if (ok) {
        zwasm_val_t null = {.kind = ZWASM_FUNCREF, .of.funcref = NULL};
        zwasm_table_t *t = zwasm_table_new(store, ZWASM_FUNCREF, 10, 20, true, null);
        ok = t && add(st, "table", (zwasm_extern_t){.kind = ZWASM_EXTERN_TABLE, .of.table = t});
    }
    if (ok) {
        zwasm_val_t null = {.kind = ZWASM_FUNCREF, .of.funcref = NULL};
        zwasm_externtype_t tt = {.kind = ZWASM_EXTERN_TABLE};
        tt.of.table.elem = ZWASM_FUNCREF;
        tt.of.table.limits = (zwasm_limits_t){10, 20, true};
        tt.of.table.is64 = true;
        zwasm_table_t *t = zwasm_table_new_typed(store, &tt, null);
        ok = t && add(st, "table64", (zwasm_extern_t){.kind = ZWASM_EXTERN_TABLE, .of.table = t});
    }
    if (ok) {
        zwasm_memory_t *m = zwasm_memory_new(store, 1, 2, true);
        ok = m && add(st, "memory", (zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m});
    }
    if (ok) { /* the threads proposal's: 1..2 pages, shared */
        zwasm_externtype_t mt = {.kind = ZWASM_EXTERN_MEMORY};
        mt.of.memory.limits = (zwasm_limits_t){1, 2, true};
        mt.of.memory.shared = true;
        mt.of.memory.page_log2 = 16;
        zwasm_memory_t *m = zwasm_memory_new_typed(store, &mt);
        ok = m && add(st, "shared_memory", (zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m});
    }
    if (!ok) {
        free(st);
        return NULL;
    }
    return st;
}

void cli_spectest_free(cli_spectest *st) { free(st); }

bool cli_spectest_lookup(const cli_spectest *st, const char *name, size_t name_len,
                         zwasm_extern_t *out) {
    for (size_t i = 0; i < st->n; i++) {
        if (strlen(st->items[i].name) == name_len && memcmp(st->items[i].name, name, name_len) == 0) {
            *out = st->items[i].ext;
            return true;
        }
    }
    return false;
}
