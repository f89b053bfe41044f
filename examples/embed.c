/*
 * embed.c — the README's embedding example, built and run by `make test`
 * so it stays true: load a module from bytes, instantiate it, call an
 * export, report errors and traps as values.
 *
 * The module (bytes below) is:
 *   (module (func (export "fac") (param i64) (result i64)
 *     local.get 0 i64.eqz
 *     if (result i64) i64.const 1
 *     else local.get 0 local.get 0 i64.const 1 i64.sub call 0 i64.mul end))
 */
#include <stdio.h>
#include <stdlib.h>

#include <zwasm.h>

static const uint8_t fac_wasm[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7e,
    0x01, 0x7e, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x66, 0x61, 0x63, 0x00,
    0x00, 0x0a, 0x17, 0x01, 0x15, 0x00, 0x20, 0x00, 0x50, 0x04, 0x7e, 0x42, 0x01, 0x05,
    0x20, 0x00, 0x20, 0x00, 0x42, 0x01, 0x7d, 0x10, 0x00, 0x7e, 0x0b, 0x0b,
};

int main(int argc, char **argv) {
    int64_t n = argc > 1 ? strtoll(argv[1], NULL, 10) : 20;
    int status = 1;
    zwasm_engine_t *engine = zwasm_engine_new(NULL);
    zwasm_store_t *store = zwasm_store_new(engine);
    zwasm_module_t *module = NULL;
    zwasm_instance_t *inst;
    zwasm_error_t err;
    zwasm_extern_t fac;

    if (zwasm_module_new(engine, fac_wasm, sizeof fac_wasm, &module, &err) != ZWASM_OK) {
        fprintf(stderr, "load: offset %llu: %s\n", (unsigned long long)err.offset, err.message);
        goto out;
    }
    if (zwasm_instance_new(store, module, NULL, 0, &inst, &err) != ZWASM_OK) {
        fprintf(stderr, "instantiate: %s\n", err.message);
        goto out;
    }
    if (!zwasm_instance_export(inst, "fac", 3, &fac) || fac.kind != ZWASM_EXTERN_FUNC) {
        fprintf(stderr, "no function export \"fac\"\n");
        goto out;
    }
    zwasm_val_t arg = {.kind = ZWASM_I64, .of.i64 = n}, result;
    if (zwasm_func_call(store, fac.of.func, &arg, 1, &result, 1, &err) != ZWASM_OK) {
        fprintf(stderr, "%s: %s\n", err.code == ZWASM_ERR_TRAP ? "trap" : "error", err.message);
        goto out;
    }
    printf("fac(%lld) = %lld\n", (long long)n, (long long)result.of.i64);
    status = 0;
out:
    zwasm_store_delete(store); /* frees instances, memories, tables, globals, functions */
    zwasm_module_delete(module);
    zwasm_engine_delete(engine);
    return status;
}
