/* test_decode.c — unit tests of the binary decoder (decode/): structure of
 * decoded modules and rejection of malformed binaries with the testsuite's
 * messages. */
#include "module.h"
#include "opcodes.h"
#include "test.h"

#define HDR 0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00

/* Decode b as exactly WebAssembly 2.0 (dec), or with features (0 is 1.0). */
static zwasm_result_t dec_with(uint32_t features, const uint8_t *b, size_t n, zwasm_error_t *err) {
    zw_module *m = NULL;
    memset(err, 0, sizeof *err);
    zwasm_result_t rc = zw_decode(NULL, features, b, n, &m, err);
    zw_module_free(m);
    return rc;
}
static zwasm_result_t dec(const uint8_t *b, size_t n, zwasm_error_t *err) { return dec_with(ZWASM_FEATURES_2_0, b, n, err); }

static bool starts(const char *s, const char *prefix) { return !strncmp(s, prefix, strlen(prefix)); }

#define EXPECT_MALFORMED(bytes, msg)                                                \
    do {                                                                            \
        zwasm_error_t e_;                                                           \
        CHECK_EQ_INT(dec(bytes, sizeof bytes, &e_), ZWASM_ERR_MALFORMED);           \
        if (!starts(e_.message, msg))                                               \
            fprintf(stderr, "  message: '%s', expected '%s'\n", e_.message, msg);   \
        CHECK(starts(e_.message, msg));                                             \
    } while (0)

TEST(decode_empty_module) {
    static const uint8_t b[] = {HDR};
    zw_module *m = NULL;
    zwasm_error_t err;
    CHECK_EQ_INT(zw_decode(NULL, ZWASM_FEATURES_DEFAULT, b, sizeof b, &m, &err), ZWASM_OK);
    CHECK(m != NULL);
    if (!m) return;
    CHECK_EQ_INT(m->nfuncs, 0);
    CHECK_EQ_INT(m->ntypes, 0);
    CHECK(!m->has_start);
    zw_module_free(m);
}

/* (module
 *   (type (func (param i32) (result i32)))
 *   (import "env" "f" (func (type 0)))
 *   (func $g (type 0) (local i64 i64 f32) local.get 0)
 *   (memory 1 2)
 *   (global i32 (i32.const 7))
 *   (export "g" (func 1))
 *   (data (i32.const 8) "hi")
 *   + a "name" section naming the module "mod" and func 1 "g") */
static const uint8_t full_module[] = {
    HDR,
    0x01, 0x06, 0x01, 0x60, 0x01, 0x7F, 0x01, 0x7F,                   /* type */
    0x02, 0x09, 0x01, 0x03, 'e', 'n', 'v', 0x01, 'f', 0x00, 0x00,     /* import */
    0x03, 0x02, 0x01, 0x00,                                           /* function */
    0x05, 0x04, 0x01, 0x01, 0x01, 0x02,                               /* memory */
    0x06, 0x06, 0x01, 0x7F, 0x00, 0x41, 0x07, 0x0B,                   /* global */
    0x07, 0x05, 0x01, 0x01, 'g', 0x00, 0x01,                          /* export */
    0x0A, 0x0A, 0x01, 0x08, 0x02, 0x02, 0x7E, 0x01, 0x7D, 0x20, 0x00, 0x0B, /* code */
    0x0B, 0x08, 0x01, 0x00, 0x41, 0x08, 0x0B, 0x02, 'h', 'i',        /* data */
    0x00, 0x11, 0x04, 'n', 'a', 'm', 'e',                             /* custom "name" */
    0x00, 0x04, 0x03, 'm', 'o', 'd',
    0x01, 0x04, 0x01, 0x01, 0x01, 'g',
};

TEST(decode_full_module) {
    zw_module *m = NULL;
    zwasm_error_t err;
    CHECK_EQ_INT(zw_decode(NULL, ZWASM_FEATURES_DEFAULT, full_module, sizeof full_module, &m, &err), ZWASM_OK);
    if (!m) { fprintf(stderr, "  %s @%llu\n", err.message, (unsigned long long)err.offset); return; }
    CHECK_EQ_INT(m->ntypes, 1);
    CHECK_EQ_INT(m->types[0].func.nparams, 1);
    CHECK_EQ_INT(m->types[0].func.results[0], ZW_I32);
    CHECK_EQ_INT(m->nimports, 1);
    CHECK_EQ_INT(m->nfuncs, 2);
    CHECK_EQ_INT(m->nfunc_imports, 1);
    CHECK(m->funcs[0].imported);
    CHECK(!m->funcs[1].imported);
    CHECK_EQ_INT(m->funcs[1].nlocals, 3);
    CHECK_EQ_INT(m->funcs[1].locals[0], ZW_I64);
    CHECK_EQ_INT(m->funcs[1].locals[1], ZW_I64);
    CHECK_EQ_INT(m->funcs[1].locals[2], ZW_F32);
    CHECK_EQ_INT(m->funcs[1].code_len, 3);
    CHECK_EQ_INT(m->funcs[1].code[0], 0x20);
    CHECK_EQ_INT(m->funcs[1].code[2], 0x0B);
    CHECK_EQ_INT(m->funcs[1].code - m->bytes, (long long)m->funcs[1].code_offset);
    CHECK_EQ_INT(m->nmems, 1);
    CHECK(m->mems[0].type.lim.has_max);
    CHECK_EQ_INT(m->mems[0].type.lim.max, 2);
    CHECK_EQ_INT(m->nglobals, 1);
    CHECK_EQ_INT(m->globals[0].init.len, 3);
    CHECK_EQ_INT(m->nexports, 1);
    CHECK_EQ_INT(m->exports[0].index, 1);
    CHECK(m->func_declared[1]);
    CHECK(!m->func_declared[0]);
    CHECK_EQ_INT(m->ndatas, 1);
    CHECK_EQ_INT(m->datas[0].len, 2);
    CHECK(!memcmp(m->datas[0].bytes, "hi", 2));
    CHECK_EQ_INT(m->ncustoms, 1);
    CHECK_EQ_INT(m->module_name.len, 3);
    CHECK(m->module_name.str && !memcmp(m->module_name.str, "mod", 3));
    CHECK(m->func_names != NULL);
    if (m->func_names) {
        CHECK(m->func_names[0].str == NULL);
        CHECK(m->func_names[1].len == 1 && m->func_names[1].str[0] == 'g');
    }
    CHECK_EQ_INT(zw_validate(m, &err), ZWASM_OK);
    zw_module_free(m);
}

/* The outcome the decoder must give for the first n bytes of the valid
 * module b[0..len), worked out from the bytes themselves: the header and
 * every complete section end at a boundary; a cut anywhere else is
 * malformed with the testsuite's message (binary.wast): "unexpected end"
 * inside the header or inside a section's id/size, "length out of bounds"
 * when the declared size runs past the end.  At a boundary the prefix is
 * accepted unless it leaves a function section without its code section
 * (or a data count without its data section). */
static uint32_t leb_u32(const uint8_t *p, const uint8_t *end, size_t *k) {
    uint32_t v = 0;
    size_t i = 0;
    for (unsigned shift = 0; p + i < end; shift += 7) {
        uint8_t c = p[i++];
        v |= (uint32_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) break;
    }
    *k = i;
    return v;
}

static zwasm_result_t prefix_outcome(const uint8_t *b, size_t len, size_t n, const char **msg) {
    *msg = "unexpected end";
    if (n < 8) return ZWASM_ERR_MALFORMED;
    uint32_t nfuncs = 0, ncode = 0, ndata = 0, datacount = 0;
    bool has_datacount = false;
    size_t s = 8;
    for (;;) {
        if (n == s) {
            if (nfuncs != ncode) {
                *msg = "function and code section have inconsistent lengths";
                return ZWASM_ERR_MALFORMED;
            }
            if (has_datacount && datacount != ndata) {
                *msg = "data count and data section have inconsistent lengths";
                return ZWASM_ERR_MALFORMED;
            }
            *msg = NULL;
            return ZWASM_OK;
        }
        size_t k;
        uint8_t id = b[s];
        uint32_t size = leb_u32(b + s + 1, b + len, &k);
        size_t body = s + 1 + k, e = body + size;
        if (n < body) return ZWASM_ERR_MALFORMED; /* "unexpected end" */
        if (n < e) {
            *msg = "length out of bounds";
            return ZWASM_ERR_MALFORMED;
        }
        uint32_t count = size ? leb_u32(b + body, b + e, &k) : 0;
        if (id == 3) nfuncs = count;
        if (id == 10) ncode = count;
        if (id == 11) ndata = count;
        if (id == 12) has_datacount = true, datacount = count;
        s = e;
    }
}

static void check_prefixes(int *zw_failed_, const uint8_t *b, size_t len) {
    size_t accepted = 0;
    for (size_t n = 0; n <= len; n++) {
        zwasm_error_t e;
        const char *msg;
        zwasm_result_t want = prefix_outcome(b, len, n, &msg);
        zwasm_result_t rc = dec(b, n, &e);
        bool ok = rc == want && (!msg || starts(e.message, msg)) && (rc == ZWASM_OK || e.offset <= n);
        if (!ok)
            fprintf(stderr, "  prefix %zu/%zu: rc %d '%s' @%llu, expected rc %d '%s'\n", n, len, (int)rc,
                    rc == ZWASM_OK ? "" : e.message, (unsigned long long)e.offset, (int)want, msg ? msg : "");
        CHECK(ok);
        accepted += want == ZWASM_OK;
    }
    CHECK(accepted >= 2); /* at least the header alone and the whole module */
}

/* A data count of 1 and a data section whose size takes two LEB bytes
 * (132), holding one passive segment of 128 bytes. */
static const uint8_t datacount_module[] = {
    HDR, 0x0C, 0x01, 0x01, 0x0B, 0x84, 0x01, 0x01, 0x01, 0x80, 0x01,
    [18 ... 18 + 127] = 0xAA,
};

TEST(decode_prefixes_fail_exactly_off_section_boundaries) {
    check_prefixes(zw_failed_, full_module, sizeof full_module);
    check_prefixes(zw_failed_, datacount_module, sizeof datacount_module);
    /* spelled out for full_module: accepted after the header and after the
     * type, import, code and data sections and the name section (the end); after
     * function, memory, global and export the code section is missing */
    static const size_t ok_at[] = {8, 16, 27, 64, 74, 93};
    for (size_t i = 0; i < sizeof ok_at / sizeof ok_at[0]; i++) {
        const char *msg;
        CHECK_EQ_INT(prefix_outcome(full_module, sizeof full_module, ok_at[i], &msg), ZWASM_OK);
    }
    size_t nok = 0;
    for (size_t n = 0; n <= sizeof full_module; n++) {
        zwasm_error_t e;
        nok += dec(full_module, n, &e) == ZWASM_OK;
    }
    CHECK_EQ_INT(nok, sizeof ok_at / sizeof ok_at[0]);
}

TEST(decode_bad_name_section_is_ignored) {
    static const uint8_t b[] = {HDR, 0x00, 0x08, 0x04, 'n', 'a', 'm', 'e', 0x00, 0x09, 0x05};
    zw_module *m = NULL;
    zwasm_error_t err;
    CHECK_EQ_INT(zw_decode(NULL, ZWASM_FEATURES_DEFAULT, b, sizeof b, &m, &err), ZWASM_OK);
    if (!m) return;
    CHECK(m->module_name.str == NULL);
    CHECK_EQ_INT(m->ncustoms, 1);
    zw_module_free(m);
}

TEST(decode_elem_forms) {
    /* one function; table; elems: flags 0 (funcs), 1 (passive funcs),
     * 3 (declarative), 5 (passive exprs with ref.func 0 and ref.null) */
    static const uint8_t b[] = {
        HDR,
        0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x00,
        0x04, 0x04, 0x01, 0x70, 0x00, 0x01,
        0x09, 0x18, 0x04,
        0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,
        0x01, 0x00, 0x01, 0x00,
        0x03, 0x00, 0x01, 0x00,
        0x05, 0x70, 0x02, 0xD2, 0x00, 0x0B, 0xD0, 0x70, 0x0B,
        0x0A, 0x04, 0x01, 0x02, 0x00, 0x0B,
    };
    zw_module *m = NULL;
    zwasm_error_t err;
    CHECK_EQ_INT(zw_decode(NULL, ZWASM_FEATURES_DEFAULT, b, sizeof b, &m, &err), ZWASM_OK);
    if (!m) { fprintf(stderr, "  %s @%llu\n", err.message, (unsigned long long)err.offset); return; }
    CHECK_EQ_INT(m->nelems, 4);
    CHECK_EQ_INT(m->elems[0].mode, ZW_SEG_ACTIVE);
    CHECK_EQ_INT(m->elems[1].mode, ZW_SEG_PASSIVE);
    CHECK_EQ_INT(m->elems[2].mode, ZW_SEG_DECLARATIVE);
    CHECK_EQ_INT(m->elems[3].count, 2);
    CHECK(m->elems[3].exprs != NULL && m->elems[3].funcs == NULL);
    CHECK(m->elems[0].funcs != NULL);
    CHECK(m->func_declared[0]);
    CHECK_EQ_INT(zw_validate(m, &err), ZWASM_OK);
    zw_module_free(m);
}

TEST(decode_instr_reader) {
    static const uint8_t code[] = {0x0E, 0x02, 0x00, 0x01, 0x02, 0x28, 0x02, 0x10,
                                   0xFD, 0x0C, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    const uint8_t *p = code, *end = code + sizeof code;
    zw_instr in;
    zwasm_error_t err;
    CHECK_EQ_INT(zw_read_instr(code, ZWASM_FEATURES_2_0, &p, end, 0, &in, &err), ZWASM_OK);
    CHECK_EQ_INT(in.op, ZW_OP_BR_TABLE);
    CHECK_EQ_INT(in.a, 2);
    CHECK_EQ_INT(in.b, 2);
    CHECK_EQ_INT(zw_read_instr(code, ZWASM_FEATURES_2_0, &p, end, 0, &in, &err), ZWASM_OK);
    CHECK_EQ_INT(in.op, ZW_OP_I32_LOAD);
    CHECK_EQ_INT(in.align, 2);
    CHECK_EQ_INT(in.offset, 16);
    CHECK_EQ_INT(zw_read_instr(code, ZWASM_FEATURES_2_0, &p, end, 0, &in, &err), ZWASM_OK);
    CHECK_EQ_INT(in.op, ZW_OP_V128_CONST);
    CHECK_EQ_INT(in.v.u8[15], 16);
    CHECK(p == end);
}

TEST(decode_malformed_header) {
    static const uint8_t e0[] = {0x00, 0x61};
    static const uint8_t e1[] = {0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00};
    static const uint8_t e2[] = {0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00};
    static const uint8_t e3[] = {0x00, 0x61, 0x73, 0x6D, 0x01};
    EXPECT_MALFORMED(e0, "unexpected end");
    EXPECT_MALFORMED(e1, "magic header not detected");
    EXPECT_MALFORMED(e2, "unknown binary version");
    EXPECT_MALFORMED(e3, "unexpected end");
}

TEST(decode_malformed_sections) {
    static const uint8_t bad_id[] = {HDR, 0x0D, 0x00};
    static const uint8_t order[] = {HDR, 0x03, 0x01, 0x00, 0x01, 0x01, 0x00};
    static const uint8_t size_big[] = {HDR, 0x01, 0x05, 0x00};
    static const uint8_t size_small[] = {HDR, 0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00};
    static const uint8_t too_long[] = {HDR, 0x01, 0x07, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00};
    static const uint8_t too_large[] = {HDR, 0x05, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70};
    static const uint8_t utf8[] = {HDR, 0x00, 0x02, 0x01, 0xFF};
    static const uint8_t import_kind[] = {HDR, 0x02, 0x05, 0x01, 0x00, 0x00, 0x04, 0x00};
    static const uint8_t mutability[] = {HDR, 0x06, 0x06, 0x01, 0x7F, 0x02, 0x41, 0x00, 0x0B};
    static const uint8_t func_code[] = {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
                                        0x03, 0x02, 0x01, 0x00};
    static const uint8_t datacount[] = {HDR, 0x0C, 0x01, 0x01};
    static const uint8_t reftype[] = {HDR, 0x04, 0x04, 0x01, 0x7F, 0x00, 0x00};
    EXPECT_MALFORMED(bad_id, "malformed section id");
    EXPECT_MALFORMED(order, "unexpected content after last section");
    EXPECT_MALFORMED(size_big, "length out of bounds");
    EXPECT_MALFORMED(size_small, "section size mismatch");
    EXPECT_MALFORMED(too_long, "integer representation too long");
    EXPECT_MALFORMED(too_large, "integer too large");
    EXPECT_MALFORMED(utf8, "malformed UTF-8 encoding");
    EXPECT_MALFORMED(import_kind, "malformed import kind");
    EXPECT_MALFORMED(mutability, "malformed mutability");
    EXPECT_MALFORMED(func_code, "function and code section have inconsistent lengths");
    EXPECT_MALFORMED(datacount, "data count and data section have inconsistent lengths");
    EXPECT_MALFORMED(reftype, "malformed reference type");
}

/* One function of type [] -> [] with the given body (locals included). */
#define FUNC_MODULE(...)                                                          \
    {HDR, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x03, 0x02, 0x01, 0x00,              \
     0x05, 0x03, 0x01, 0x00, 0x01,                                                 \
     0x0A, (uint8_t)(2 + sizeof((uint8_t[]){__VA_ARGS__})), 0x01,                   \
     (uint8_t)sizeof((uint8_t[]){__VA_ARGS__}), __VA_ARGS__}

TEST(decode_malformed_code) {
    static const uint8_t illegal[] = FUNC_MODULE(0x00, 0x06, 0x0B);
    static const uint8_t zero[] = FUNC_MODULE(0x00, 0x3F, 0x01, 0x1A, 0x0B);
    static const uint8_t memop[] = FUNC_MODULE(0x00, 0x41, 0x00, 0x28, 0x40, 0x00, 0x1A, 0x0B);
    static const uint8_t locals[] = FUNC_MODULE(0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F,
                                                0x02, 0x7E, 0x0B);
    static const uint8_t no_end[] = FUNC_MODULE(0x00, 0x01);
    static const uint8_t dcount[] = FUNC_MODULE(0x00, 0xFC, 0x09, 0x00, 0x0B);
    static const uint8_t else_[] = FUNC_MODULE(0x00, 0x05, 0x0B);
    EXPECT_MALFORMED(illegal, "illegal opcode");
    EXPECT_MALFORMED(zero, "zero byte expected");
    EXPECT_MALFORMED(memop, "malformed memop flags");
    EXPECT_MALFORMED(locals, "too many locals");
    EXPECT_MALFORMED(no_end, "unexpected end");
    EXPECT_MALFORMED(dcount, "data count section required");
    EXPECT_MALFORMED(else_, "END opcode expected");
}

/* What 3.0 features change in the encoding: a memory index after
 * memory.size and in a memarg (flag bit 6), and the tail-call opcodes. */
TEST(decode_features) {
    static const uint8_t memsize1[] = FUNC_MODULE(0x00, 0x3F, 0x01, 0x1A, 0x0B);
    static const uint8_t memarg1[] = FUNC_MODULE(0x00, 0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x1A, 0x0B);
    static const uint8_t tail[] = FUNC_MODULE(0x00, 0x12, 0x00, 0x0B);
    zwasm_error_t e;
    CHECK_EQ_INT(dec_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_MULTI_MEMORY, memsize1, sizeof memsize1, &e), ZWASM_OK);
    CHECK_EQ_INT(dec_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_MULTI_MEMORY, memarg1, sizeof memarg1, &e), ZWASM_OK);
    CHECK_EQ_INT(dec_with(ZWASM_FEATURES_2_0 | ZWASM_FEATURE_TAIL_CALL, tail, sizeof tail, &e), ZWASM_OK);
    CHECK_EQ_INT(dec(tail, sizeof tail, &e), ZWASM_ERR_MALFORMED);
    CHECK(starts(e.message, "illegal opcode"));
    CHECK_EQ_INT(dec_with(ZWASM_FEATURES_DEFAULT & ~ZWASM_FEATURE_TAIL_CALL, tail, sizeof tail, &e),
                 ZWASM_ERR_MALFORMED);
}

TEST(decode_valtype_names) {
    CHECK(!strcmp(zw_valtype_name(ZW_I32), "i32"));
    CHECK(!strcmp(zw_valtype_name(ZW_V128), "v128"));
    CHECK(!strcmp(zw_valtype_name(ZW_EXTERNREF), "externref"));
}
