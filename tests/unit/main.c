/* main.c — runs every registered unit test. */
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

#define MAX_TESTS 1024
static struct { const char *name; zw_test_fn fn; } tests[MAX_TESTS];
static int ntests;

void zw_test_register(const char *name, zw_test_fn fn) {
    if (ntests < MAX_TESTS) {
        tests[ntests].name = name;
        tests[ntests].fn = fn;
        ntests++;
    }
}

int main(int argc, char **argv) {
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
        int f = 0;
        tests[i].fn(&f);
        if (f) { failed++; fprintf(stderr, "FAIL %s\n", tests[i].name); }
        else passed++;
    }
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
