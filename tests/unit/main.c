/* main.c — runs every registered unit test. */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#define MAX_TESTS 1024
static struct { const char *name; zw_test_fn fn; } tests[MAX_TESTS];
static int ntests;
zwasm_engine_kind_t zw_test_engine = ZWASM_ENGINE_AUTO;

zwasm_module_t *test_wat_module(zwasm_engine_t *e, const char *wat) {
    uint8_t *bin = NULL;
    size_t len = 0;
    zwasm_error_t err;
    zwasm_module_t *m = NULL;
    if (zwasm_wat2wasm(wat, strlen(wat), &bin, &len, &err) != ZWASM_OK) {
        fprintf(stderr, "  wat: %s\n", err.message);
        return NULL;
    }
    if (zwasm_module_new(e, bin, len, &m, &err) != ZWASM_OK) fprintf(stderr, "  module: %s\n", err.message);
    zwasm_bytes_delete(bin);
    return m;
}

void zw_test_register(const char *name, zw_test_fn fn) {
    if (ntests < MAX_TESTS) {
        tests[ntests].name = name;
        tests[ntests].fn = fn;
        ntests++;
    }
}

/* unit_tests [--engine interp|jit|auto] [NAME-SUBSTRING] */
int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    const char *engine = "auto";
    if (argc > 2 && strcmp(argv[1], "--engine") == 0) {
        engine = argv[2];
        zw_test_engine = strcmp(engine, "interp") == 0 ? ZWASM_ENGINE_INTERP
                         : strcmp(engine, "jit") == 0  ? ZWASM_ENGINE_JIT : ZWASM_ENGINE_AUTO;
        argc -= 2;
        argv += 2;
    }
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        int f = 0;
        tests[i].fn(&f);
        if (f) { failed++; fprintf(stderr, "FAIL %s\n", tests[i].name); }
        else passed++;
    }
    printf("unit %s: %d passed, %d failed\n", engine, passed, failed);
    return failed ? 1 : 0;
}
