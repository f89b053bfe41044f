/*
 * test.h — a minimal unit-test harness.  Each TEST(name) registers itself at
 * start-up; tests/unit/main.c runs them all and prints "N passed, N failed".
 */
#ifndef ZW_TEST_H
#define ZW_TEST_H
#include <stdio.h>
#include <string.h>

#include "zwasm.h"

typedef void (*zw_test_fn)(int *failed);
void zw_test_register(const char *name, zw_test_fn fn);

#define TEST(name)                                                              \
    static void test_##name(int *zw_failed_);                                   \
    __attribute__((constructor)) static void register_##name(void) {            \
        zw_test_register(#name, test_##name);                                   \
    }                                                                           \
    static void test_##name(int *zw_failed_)

/* The engine the tests run on (main: --engine interp|jit|auto; default
 * auto): test_engine_new is zwasm_engine_new with that engine wherever the
 * configuration leaves the choice to auto. */
extern zwasm_engine_kind_t zw_test_engine;
/* The module of text wat on engine e, or NULL (the error on stderr). */
zwasm_module_t *test_wat_module(zwasm_engine_t *e, const char *wat);
static inline zwasm_engine_t *test_engine_new(const zwasm_config_t *cfg) {
    zwasm_config_t c;
    if (cfg) c = *cfg;
    else zwasm_config_init(&c);
    if (c.engine == ZWASM_ENGINE_AUTO) c.engine = zw_test_engine;
    return zwasm_engine_new(&c);
}

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "  %s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            (*zw_failed_)++;                                                    \
        }                                                                       \
    } while (0)

#define CHECK_EQ_INT(a, b)                                                      \
    do {                                                                        \
        long long a_ = (long long)(a), b_ = (long long)(b);                     \
        if (a_ != b_) {                                                         \
            fprintf(stderr, "  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, a_, b_); \
            (*zw_failed_)++;                                                    \
        }                                                                       \
    } while (0)
#endif
