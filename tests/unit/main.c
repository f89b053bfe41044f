/* main.c — runs every registered unit test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Whether name is listed in the known-failures file (a test name at the
 * start of a line, then its reason; # starts a comment). */
static bool listed(const char *file, const char *name) {
    FILE *f = file ? fopen(file, "r") : NULL;
    char line[512];
    bool found = false;
    size_t n = strlen(name);
    while (f && !found && fgets(line, sizeof line, f))
        found = line[0] != '#' && strncmp(line, name, n) == 0 && (line[n] == ' ' || line[n] == '\t' || line[n] == '\n');
    if (f) fclose(f);
    return found;
}

/* unit_tests [--engine interp|jit|auto] [--known-failures FILE] [NAME-SUBSTRING]
 * (the tests FILE lists are not run: counted as skipped) */
int main(int argc, char **argv) {
    int passed = 0, failed = 0, skipped = 0;
    const char *engine = "auto", *known = NULL;
    if (argc > 2 && strcmp(argv[1], "--engine") == 0) {
        engine = argv[2];
        zw_test_engine = strcmp(engine, "interp") == 0 ? ZWASM_ENGINE_INTERP
                         : strcmp(engine, "jit") == 0  ? ZWASM_ENGINE_JIT : ZWASM_ENGINE_AUTO;
        argc -= 2;
        argv += 2;
    }
    if (argc > 2 && strcmp(argv[1], "--known-failures") == 0) {
        known = argv[2];
        FILE *f = fopen(known, "r");
        if (!f) {
            fprintf(stderr, "unit: cannot open %s\n", known);
            return 2;
        }
        fclose(f);
        argc -= 2;
        argv += 2;
    }
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        if (listed(known, tests[i].name)) {
            skipped++;
            fprintf(stderr, "SKIP %s (known failure)\n", tests[i].name);
            continue;
        }
        int f = 0;
        tests[i].fn(&f);
        if (f) { failed++; fprintf(stderr, "FAIL %s\n", tests[i].name); }
        else passed++;
    }
    if (skipped) printf("unit %s: %d passed, %d failed, %d skipped\n", engine, passed, failed, skipped);
    else printf("unit %s: %d passed, %d failed\n", engine, passed, failed);
    return failed ? 1 : 0;
}
