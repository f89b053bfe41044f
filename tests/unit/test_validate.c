/* test_validate.c — unit tests of the validator (validate/): hand-built
 * modules that must validate, and invalid ones that must fail with the
 * testsuite's message, the function index and the instruction offset. */
#include "module.h"
#include "opcodes.h"
#include "test.h"

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00

typedef struct mbuf { uint8_t b[1024]; size_t n; } mbuf;

static void put(mbuf *m, const uint8_t *p, size_t n) {
    if (!n || m->n + n > sizeof m->b) return;
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

static void put_byte(mbuf *m, uint8_t v) { put(m, &v, 1); }

/* A module with one function of functype `type` (the bytes after 0x60),
 * `extra` raw sections between the function and code sections, and the
 * given body (locals included, final end included).  Decodes and
 * validates; returns the result and fills *err. */
static zwasm_result_t run(const uint8_t *type, size_t tn, const uint8_t *extra, size_t en,
                          const uint8_t *body, size_t bn, zwasm_error_t *err, size_t *body_at) {
    mbuf m = {{0}, 0};
    static const uint8_t hdr[] = {HDR};
    put(&m, hdr, sizeof hdr);
    put_byte(&m, 0x01); put_byte(&m, (uint8_t)(tn + 2)); put_byte(&m, 0x01); put_byte(&m, 0x60);
    put(&m, type, tn);
    static const uint8_t fsec[] = {0x03, 0x02, 0x01, 0x00};
    put(&m, fsec, sizeof fsec);
    put(&m, extra, en);
    put_byte(&m, 0x0A); put_byte(&m, (uint8_t)(bn + 2)); put_byte(&m, 0x01); put_byte(&m, (uint8_t)bn);
    if (body_at) *body_at = m.n;
    put(&m, body, bn);
    memset(err, 0, sizeof *err);
    zw_module *mod = NULL;
    zwasm_result_t rc = zw_decode(NULL, ZWASM_FEATURES_DEFAULT, m.b, m.n, &mod, err);
    if (rc == ZWASM_OK) rc = zw_validate(mod, err);
    zw_module_free(mod);
    return rc;
}

static bool starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

static const uint8_t T_V_V[] = {0x00, 0x00};             /* [] -> [] */
static const uint8_t T_V_I[] = {0x00, 0x01, 0x7F};       /* [] -> [i32] */
static const uint8_t T_I_I[] = {0x01, 0x7F, 0x01, 0x7F}; /* [i32] -> [i32] */
static const uint8_t MEM1[] = {0x05, 0x03, 0x01, 0x00, 0x01};

#define VALID(type, extra, ...)                                                        \
    do {                                                                               \
        static const uint8_t body_[] = {__VA_ARGS__};                                  \
        zwasm_error_t e_;                                                              \
        zwasm_result_t rc_ = run(type, sizeof type, extra, xlen(extra),    \
                                 body_, sizeof body_, &e_, NULL);                      \
        if (rc_) fprintf(stderr, "  line %d: %s\n", __LINE__, e_.message);             \
        CHECK_EQ_INT(rc_, ZWASM_OK);                                                   \
    } while (0)

#define INVALID(type, extra, msg, ...)                                                 \
    do {                                                                               \
        static const uint8_t body_[] = {__VA_ARGS__};                                  \
        zwasm_error_t e_;                                                              \
        zwasm_result_t rc_ = run(type, sizeof type, extra, xlen(extra),    \
                                 body_, sizeof body_, &e_, NULL);                      \
        CHECK_EQ_INT(rc_, ZWASM_ERR_INVALID);                                          \
        if (!starts(e_.message, msg))                                                  \
            fprintf(stderr, "  line %d: '%s', expected '%s'\n", __LINE__, e_.message, msg); \
        CHECK(starts(e_.message, msg));                                                \
    } while (0)

static const uint8_t *NOMEM = NULL;
static size_t xlen(const uint8_t *extra) { return extra ? sizeof MEM1 : 0; }

TEST(validate_simple_valid) {
    VALID(T_V_V, NOMEM, 0x00, 0x0B);
    VALID(T_V_I, NOMEM, 0x00, 0x41, 0x01, 0x0B);
    VALID(T_I_I, NOMEM, 0x00, 0x20, 0x00, 0x20, 0x00, 0x6A, 0x0B);
    /* polymorphic stack: unreachable then i32.add */
    VALID(T_V_I, NOMEM, 0x00, 0x00, 0x6A, 0x0B);
    /* block with a type-index block type using params: (block (type 1)) is
     * not available here; use a value block type */
    VALID(T_V_I, NOMEM, 0x00, 0x02, 0x7F, 0x41, 0x05, 0x0B, 0x0B);
    /* if/else with results */
    VALID(T_I_I, NOMEM, 0x00, 0x20, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B, 0x0B);
    /* br_table with consistent arities after unreachable */
    VALID(T_V_I, NOMEM, 0x00, 0x02, 0x7F, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x0B);
    /* memory load with natural alignment */
    VALID(T_V_I, MEM1, 0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x0B);
    /* typed select on funcref */
    VALID(T_V_V, NOMEM, 0x00, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1C, 0x01, 0x70, 0x1A, 0x0B);
}

TEST(validate_type_mismatch) {
    zwasm_error_t e;
    size_t at = 0;
    static const uint8_t body[] = {0x00, 0x42, 0x00, 0x0B}; /* i64.const 0 in [] -> [i32] */
    CHECK_EQ_INT(run(T_V_I, sizeof T_V_I, NULL, 0, body, sizeof body, &e, &at), ZWASM_ERR_INVALID);
    CHECK(starts(e.message, "type mismatch"));
    CHECK_EQ_INT(e.func, 0);
    CHECK_EQ_INT(e.offset, at + 3); /* the end instruction */
    INVALID(T_V_I, NOMEM, "type mismatch", 0x00, 0x0B);
    INVALID(T_V_V, NOMEM, "type mismatch", 0x00, 0x41, 0x00, 0x0B);
    INVALID(T_V_I, NOMEM, "type mismatch", 0x00, 0x41, 0x00, 0x42, 0x00, 0x6A, 0x0B);
    /* if without else must not change the stack type */
    INVALID(T_V_I, NOMEM, "type mismatch", 0x00, 0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x0B, 0x0B);
    /* untyped select on references */
    INVALID(T_V_V, NOMEM, "type mismatch", 0x00, 0xD0, 0x70, 0xD0, 0x70, 0x41, 0x01, 0x1B, 0x1A, 0x0B);
    /* br_table targets of different arity */
    INVALID(T_V_V, NOMEM, "type mismatch", 0x00, 0x02, 0x7F, 0x41, 0x00, 0x41, 0x00, 0x0E, 0x01,
            0x00, 0x01, 0x0B, 0x1A, 0x0B);
    /* ref.is_null on i32 */
    INVALID(T_V_I, NOMEM, "type mismatch", 0x00, 0x41, 0x00, 0xD1, 0x0B);
}

TEST(validate_indices) {
    INVALID(T_V_V, NOMEM, "unknown local", 0x00, 0x20, 0x00, 0x1A, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown global", 0x00, 0x23, 0x00, 0x1A, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown function", 0x00, 0x10, 0x05, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown label", 0x00, 0x0C, 0x01, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown memory", 0x00, 0x3F, 0x00, 0x1A, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown table", 0x00, 0xFC, 0x10, 0x00, 0x1A, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown elem segment", 0x00, 0xFC, 0x0D, 0x00, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown type", 0x00, 0x02, 0x05, 0x0B, 0x0B);
    INVALID(T_V_V, NOMEM, "unknown table", 0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x0B);
}

TEST(validate_instruction_rules) {
    INVALID(T_V_I, MEM1, "alignment must not be larger than natural",
            0x00, 0x41, 0x00, 0x28, 0x03, 0x00, 0x0B);
    INVALID(T_V_I, NOMEM, "invalid lane index",
            0x00, 0xFD, 0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0xFD, 0x1B, 0x04, 0x0B);
    INVALID(T_V_V, NOMEM, "invalid result arity",
            0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1C, 0x02, 0x7F, 0x7F, 0x1A, 0x0B);
    INVALID(T_V_V, NOMEM, "undeclared function reference", 0x00, 0xD2, 0x00, 0x1A, 0x0B);
}

/* Module-level rules: whole modules. */
/* Decode and validate b as exactly WebAssembly 2.0 (whole), or with features
 * (0 is 1.0). */
static zwasm_result_t whole_with(uint32_t features, const uint8_t *b, size_t n, zwasm_error_t *e) {
    zw_module *m = NULL;
    memset(e, 0, sizeof *e);
    zwasm_result_t rc = zw_decode(NULL, features, b, n, &m, e);
    if (rc == ZWASM_OK) rc = zw_validate(m, e);
    zw_module_free(m);
    return rc;
}
static zwasm_result_t whole(const uint8_t *b, size_t n, zwasm_error_t *e) { return whole_with(ZWASM_FEATURES_2_0, b, n, e); }

#define WHOLE_INVALID(msg, ...)                                                        \
    do {                                                                               \
        static const uint8_t b_[] = {HDR, __VA_ARGS__};                                \
        zwasm_error_t e_;                                                              \
        CHECK_EQ_INT(whole(b_, sizeof b_, &e_), ZWASM_ERR_INVALID);                    \
        if (!starts(e_.message, msg))                                                  \
            fprintf(stderr, "  line %d: '%s', expected '%s'\n", __LINE__, e_.message, msg); \
        CHECK(starts(e_.message, msg));                                                \
    } while (0)

TEST(validate_module_rules) {
    WHOLE_INVALID("multiple memories", 0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01);
    WHOLE_INVALID("memory size must be at most 65536 pages (4GiB)",
                  0x05, 0x05, 0x01, 0x00, 0x81, 0x80, 0x04);
    WHOLE_INVALID("size minimum must not be greater than maximum",
                  0x05, 0x04, 0x01, 0x01, 0x02, 0x01);
    /* global initialised from a mutable import */
    WHOLE_INVALID("constant expression required",
                  0x02, 0x08, 0x01, 0x01, 'm', 0x01, 'g', 0x03, 0x7F, 0x01,
                  0x06, 0x06, 0x01, 0x7F, 0x00, 0x23, 0x00, 0x0B);
    WHOLE_INVALID("constant expression required",
                  0x06, 0x07, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x45, 0x0B);
    WHOLE_INVALID("type mismatch", 0x06, 0x06, 0x01, 0x7F, 0x00, 0x42, 0x00, 0x0B);
    WHOLE_INVALID("unknown global", 0x06, 0x0B, 0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B,
                  0x7F, 0x00, 0x23, 0x00, 0x0B);
    WHOLE_INVALID("duplicate export name",
                  0x05, 0x03, 0x01, 0x00, 0x01,
                  0x07, 0x09, 0x02, 0x01, 'a', 0x02, 0x00, 0x01, 'a', 0x02, 0x00);
    WHOLE_INVALID("unknown memory", 0x0B, 0x07, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x01, 'x');
    /* start function with a result */
    WHOLE_INVALID("start function",
                  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F, 0x03, 0x02, 0x01, 0x00,
                  0x08, 0x01, 0x00, 0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0B);
    /* elem segment of externref into a funcref table */
    WHOLE_INVALID("type mismatch",
                  0x04, 0x04, 0x01, 0x70, 0x00, 0x01,
                  0x09, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0x0B, 0x6F, 0x00);
}

/* What the 3.0 features allow that 2.0 does not, and what they still refuse. */
TEST(validate_features) {
    static const uint8_t two_mems[] = {HDR, 0x05, 0x05, 0x02, 0x00, 0x01, 0x00, 0x01};
    /* global 1 = global 0 (immutable, defined) */
    static const uint8_t gget[] = {HDR, 0x06, 0x0B, 0x02, 0x7F, 0x00, 0x41, 0x00, 0x0B,
                                   0x7F, 0x00, 0x23, 0x00, 0x0B};
    /* i32.const 1 i32.const 2 i32.add; and i32.const 1 i64.const 2 i32.add */
    static const uint8_t ext[] = {HDR, 0x06, 0x09, 0x01, 0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B};
    static const uint8_t ext_bad[] = {HDR, 0x06, 0x09, 0x01, 0x7F, 0x00, 0x41, 0x01, 0x42, 0x02, 0x6A, 0x0B};
    zwasm_error_t e;
    CHECK_EQ_INT(whole_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_MULTI_MEMORY, two_mems, sizeof two_mems, &e), ZWASM_OK);
    CHECK_EQ_INT(whole_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_EXTENDED_CONST, gget, sizeof gget, &e), ZWASM_OK);
    CHECK_EQ_INT(whole_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_EXTENDED_CONST, ext, sizeof ext, &e), ZWASM_OK);
    CHECK_EQ_INT(whole(ext, sizeof ext, &e), ZWASM_ERR_INVALID);
    CHECK(starts(e.message, "constant expression required"));
    CHECK_EQ_INT(whole_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_EXTENDED_CONST, ext_bad, sizeof ext_bad, &e), ZWASM_ERR_INVALID);
    CHECK(starts(e.message, "type mismatch"));
    /* return_call of a function whose results differ from the caller's:
     * type 0 [] -> [], type 1 [] -> [i32]; func 0 (type 0) return_calls func 1 */
    static const uint8_t tail_bad[] = {HDR, 0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x00, 0x01, 0x7F,
                                       0x03, 0x03, 0x02, 0x00, 0x01,
                                       0x0A, 0x0B, 0x02, 0x04, 0x00, 0x12, 0x01, 0x0B,
                                       0x04, 0x00, 0x41, 0x00, 0x0B};
    CHECK_EQ_INT(whole_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_TAIL_CALL, tail_bad, sizeof tail_bad, &e), ZWASM_ERR_INVALID);
    CHECK(starts(e.message, "type mismatch"));
}

/* WebAssembly 1.0 (features 0): the rules of the six proposals 2.0 added;
 * the same modules are 2.0 (tests/wasm-1.0/features.wast has the rest). */
TEST(validate_wasm_1_0) {
    static const uint8_t two_tables[] = {HDR, 0x04, 0x07, 0x02, 0x70, 0x00, 0x01, 0x70, 0x00, 0x01};
    /* type 0: [] -> [i32 i32] */
    static const uint8_t two_results[] = {HDR, 0x01, 0x06, 0x01, 0x60, 0x00, 0x02, 0x7F, 0x7F};
    /* a data count section of 0 */
    static const uint8_t datacount[] = {HDR, 0x0C, 0x01, 0x00};
    /* one function: i32.const 1 i32.extend8_s drop */
    static const uint8_t ext8[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,
                                   0x0A, 0x08, 0x01, 0x06, 0x00, 0x41, 0x01, 0xC0, 0x1A, 0x0B};
    zwasm_error_t e;
    CHECK_EQ_INT(whole(two_tables, sizeof two_tables, &e), ZWASM_OK);
    CHECK_EQ_INT(whole_with(0, two_tables, sizeof two_tables, &e), ZWASM_ERR_INVALID);
    CHECK(starts(e.message, "multiple tables"));
    CHECK_EQ_INT(whole(two_results, sizeof two_results, &e), ZWASM_OK);
    CHECK_EQ_INT(whole_with(0, two_results, sizeof two_results, &e), ZWASM_ERR_INVALID);
    CHECK(starts(e.message, "invalid result arity"));
    CHECK_EQ_INT(whole(datacount, sizeof datacount, &e), ZWASM_OK);
    CHECK_EQ_INT(whole_with(0, datacount, sizeof datacount, &e), ZWASM_ERR_MALFORMED);
    CHECK(starts(e.message, "malformed section id"));
    CHECK_EQ_INT(whole(ext8, sizeof ext8, &e), ZWASM_OK);
    CHECK_EQ_INT(whole_with(ZWASM_FEATURES_2_0 & ~ZWASM_FEATURE_SIGN_EXTENSION, ext8, sizeof ext8, &e),
                 ZWASM_ERR_MALFORMED);
    CHECK(starts(e.message, "illegal opcode"));
}

/* An engine's features: each with the ones it builds on, no unknown bit. */
TEST(validate_feature_sets) {
    static const uint32_t refused[] = {
        ZWASM_FEATURE_RELAXED_SIMD,
        ZWASM_FEATURES_DEFAULT & ~ZWASM_FEATURE_SIMD,
        ZWASM_FEATURES_DEFAULT & ~ZWASM_FEATURE_REFERENCE_TYPES,
        ZWASM_FEATURE_GC | ZWASM_FEATURE_REFERENCE_TYPES,
        ZWASM_FEATURE_EXCEPTIONS,
        ZWASM_FEATURE_WIDE_ARITHMETIC,
        ZWASM_FEATURES_DEFAULT | (1u << 31),
    };
    static const uint32_t accepted[] = {
        0, ZWASM_FEATURE_THREADS, ZWASM_FEATURES_2_0, ZWASM_FEATURES_DEFAULT,
        ZWASM_FEATURES_2_0 | ZWASM_FEATURE_GC | ZWASM_FEATURE_FUNCTION_REFERENCES,
    };
    zwasm_config_t cfg;
    zwasm_config_init(&cfg);
    cfg.engine = ZWASM_ENGINE_INTERP;
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        cfg.features = refused[i];
        zwasm_engine_t *eng = zwasm_engine_new(&cfg);
        CHECK(eng == NULL);
        zwasm_engine_delete(eng);
    }
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        cfg.features = accepted[i];
        zwasm_engine_t *eng = zwasm_engine_new(&cfg);
        CHECK(eng != NULL);
        zwasm_engine_delete(eng);
    }
}

TEST(validate_error_function_index) {
    /* two functions; the second one is invalid */
    /* the second body is "nop drop end": drop on an empty stack */
    zwasm_error_t e;
    static const uint8_t b2[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
                                 0x03, 0x03, 0x02, 0x00, 0x00,
                                 0x0A, 0x09, 0x02, 0x02, 0x00, 0x0B, 0x04, 0x00, 0x01, 0x1A, 0x0B};
    CHECK_EQ_INT(whole(b2, sizeof b2, &e), ZWASM_ERR_INVALID);
    CHECK_EQ_INT(e.func, 1);
    CHECK_EQ_INT(e.offset, sizeof b2 - 2); /* the drop */
    CHECK(starts(e.message, "type mismatch"));
}

/* The ACCESS and LANES columns of opcodes.def agree with each other and
 * with the immediates: every memory instruction accesses a power of two of
 * at most 16 bytes; a lane index names one of 16 / width lanes (lane
 * loads/stores) or of its shape (extract/replace). */
TEST(opcode_table_columns) {
    int mem = 0, lane = 0;
    for (uint32_t op = 0; op < ZW_OP_COUNT; op++) {
        const zw_opinfo *oi = &zw_opinfos[op];
        bool is_mem = oi->imm == IMM_MEMARG || oi->imm == IMM_MEMARG_LANE || oi->imm == IMM_ATOMIC;
        CHECK(is_mem == (oi->access != 0));
        /* atomics are at most 8 bytes wide: a lock-free width on every host */
        if (oi->imm == IMM_ATOMIC) CHECK(oi->access <= 8 && oi->prefix == 0xFE);
        if (is_mem) {
            mem++;
            CHECK(oi->access <= 16 && (oi->access & (oi->access - 1)) == 0);
        }
        if (oi->imm == IMM_MEMARG_LANE) CHECK(oi->lanes * oi->access == 16);
        if (oi->imm == IMM_LANE) CHECK(oi->lanes == 2 || oi->lanes == 4 || oi->lanes == 8 || oi->lanes == 16);
        CHECK((oi->imm == IMM_LANE || oi->imm == IMM_MEMARG_LANE) == (oi->lanes != 0));
        lane += oi->lanes != 0;
    }
    CHECK_EQ_INT(mem, 23 + 22 + 66); /* scalar, SIMD, atomic (all of 0xFE but the fence) */
    CHECK_EQ_INT(lane, 14 + 8);
    CHECK_EQ_INT(zw_opinfos[ZW_OP_V128_LOAD32X2_S].access, 8);
    CHECK_EQ_INT(zw_opinfos[ZW_OP_I16X8_EXTRACT_LANE_S].lanes, 8);
}
