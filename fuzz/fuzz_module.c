/*
 * fuzz_module.c — libFuzzer target: decode, validate, lower, instantiate and
 * run arbitrary bytes with small limits.  Imports are satisfied with stubs
 * of the right type; every exported function is called with zero arguments.
 * Build: make fuzz (also writes the seed corpus build-fuzz/corpus-module);
 * run: build-fuzz/fuzz_module -dict=fuzz/wasm.dict build-fuzz/corpus-module
 * (more in fuzz/seed_corpus.sh).
 *
 * Execution mode (the default): instantiate everything and call every
 * exported function; cfg.fuel stops guest loops.  ZWASM_FUZZ_EXEC=0 in the
 * environment (or -DZWASM_FUZZ_EXEC=0) selects "no-exec": decode, validate,
 * lower and instantiate only, skipping modules with a start function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zwasm.h"
#include "module.h" /* internal: has_start, for the no-exec mode */
#include "imports.h"

#ifndef ZWASM_FUZZ_EXEC
#define ZWASM_FUZZ_EXEC 1
#endif
static int exec_mode = ZWASM_FUZZ_EXEC;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    const char *e = getenv("ZWASM_FUZZ_EXEC");
    if (e && *e) exec_mode = atoi(e) != 0;
    return 0;
}

static zwasm_result_t stub(void *env, zwasm_caller_t *caller, const zwasm_val_t *args,
                           zwasm_val_t *results, zwasm_error_t *err) {
    (void)caller; (void)args; (void)err;
    const zwasm_functype_t *t = env;
    for (uint32_t i = 0; i < t->nresults; i++) {
        memset(&results[i], 0, sizeof results[i]);
        results[i].kind = t->results[i];
    }
    return ZWASM_OK;
}

/* an imported function: the stub, with its type as the environment */
static zwasm_func_t *stub_of(zwasm_store_t *store, uint32_t i, const zwasm_functype_t *t, void *arg) {
    zwasm_functype_t *types = arg;
    types[i] = *t;
    return zwasm_func_new(store, &types[i], stub, &types[i], NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.max_call_depth = 200;
    cfg.stack_bytes = 1 << 20;
    cfg.fuel = 10000;
    /* bulk instructions burn fuel too; memory and tables stay small */
    cfg.limits.memory_bytes = 64 << 20;
    zwasm_engine_t *engine = zwasm_engine_new(&cfg);
    zwasm_store_t *store = zwasm_store_new(engine);
    zwasm_module_t *module = NULL;
    zwasm_error_t err;
    if (zwasm_module_new(engine, data, size, &module, &err) != ZWASM_OK) goto out;

    if (!exec_mode && ((const zw_module *)module)->has_start) goto out;

    uint32_t nimports;
    zwasm_extern_t imports[FUZZ_MAX_IMPORTS];
    zwasm_functype_t types[FUZZ_MAX_IMPORTS];
    if (!fuzz_imports(store, module, imports, &nimports, stub_of, types)) goto out;
    zwasm_instance_t *inst = NULL;
    if (zwasm_instance_new(store, module, imports, nimports, &inst, &err) != ZWASM_OK) goto out;

    if (!exec_mode) goto out;
    uint32_t nexports = zwasm_instance_export_count(inst);
    for (uint32_t i = 0; i < nexports && i < 16; i++) {
        const char *name;
        size_t len;
        zwasm_extern_t ext;
        if (!zwasm_instance_export_nth(inst, i, &name, &len, &ext)) continue;
        if (ext.kind != ZWASM_EXTERN_FUNC) continue;
        zwasm_functype_t ft;
        zwasm_func_type(ext.of.func, &ft);
        zwasm_val_t args[16], results[16];
        if (ft.nparams > 16 || ft.nresults > 16) continue;
        for (uint32_t k = 0; k < ft.nparams; k++) args[k] = fuzz_zero(ft.params[k]);
        zwasm_store_set_fuel(store, 10000, NULL); /* fuel is the store's: refill per export */
        zwasm_func_call(store, ext.of.func, args, ft.nparams, results, ft.nresults, &err);
    }
out:
    zwasm_store_delete(store);
    if (module) zwasm_module_delete(module);
    zwasm_engine_delete(engine);
    return 0;
}
