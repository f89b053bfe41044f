/*
 * test_text.c — unit tests of the text format front end: the S-expression
 * reader, number literals, WAT -> binary encoding and .wast values.
 */
#include "test.h"
#include "text/text.h"

/* ---- helpers ------------------------------------------------------------------ */
static zwasm_result_t compile_str(const char *src, zw_buf *out, zwasm_error_t *err) {
    return zw_wat_compile(src, strlen(src), out, err);
}

static bool compiles(const char *src) {
    zw_buf out = {0};
    zwasm_error_t err = {0};
    zwasm_result_t r = compile_str(src, &out, &err);
    zw_buf_free(&out);
    if (r != ZWASM_OK) fprintf(stderr, "    compile error: %s\n", err.message);
    return r == ZWASM_OK;
}

static bool malformed(const char *src) {
    zw_buf out = {0};
    zwasm_error_t err = {0};
    zwasm_result_t r = compile_str(src, &out, &err);
    zw_buf_free(&out);
    return r == ZWASM_ERR_MALFORMED && err.message[0];
}

/* Encode and compare the code section body of the single function in src. */
static bool body_is(const char *src, const uint8_t *want, size_t n) {
    zw_buf out = {0};
    zwasm_error_t err = {0};
    bool ok = false;
    if (compile_str(src, &out, &err) == ZWASM_OK) {
        /* Find section 10 and skip "count, size, locals". */
        size_t i = 8;
        while (i < out.len) {
            uint8_t id = out.data[i];
            size_t sz = 0, sh = 0, j = i + 1;
            do { sz |= (size_t)(out.data[j] & 0x7F) << sh; sh += 7; } while (out.data[j++] & 0x80);
            if (id == 10) {
                const uint8_t *b = out.data + j;
                /* vec count 1, body size, body */
                size_t bsz = b[1];
                ok = bsz == n && !memcmp(b + 2, want, n);
                if (!ok) {
                    fprintf(stderr, "    body:");
                    for (size_t k = 0; k < bsz; k++) fprintf(stderr, " %02x", b[2 + k]);
                    fprintf(stderr, "\n");
                }
                break;
            }
            i = j + sz;
        }
    } else {
        fprintf(stderr, "    compile error: %s\n", err.message);
    }
    zw_buf_free(&out);
    return ok;
}

/* ---- S-expressions ------------------------------------------------------------- */
TEST(text_sx_basic) {
    const char *src = "(module ;; comment\n  (; block (; nested ;) ;) $m \"a\\n\\41\\u{1F600}\")";
    zwasm_error_t err = {0};
    zw_sx *root = zw_sx_parse(src, strlen(src), &err);
    CHECK(root != NULL);
    if (!root) return;
    CHECK_EQ_INT(root->nitems, 1);
    zw_sx *m = root->items[0];
    CHECK_EQ_INT(m->kind, ZW_SX_LIST);
    CHECK_EQ_INT(m->nitems, 3);
    CHECK_EQ_INT(m->line, 1);
    CHECK_EQ_INT(m->col, 1);
    CHECK(!strcmp(m->items[0]->text, "module"));
    CHECK(!strcmp(m->items[1]->text, "$m"));
    CHECK_EQ_INT(m->items[1]->line, 2);
    CHECK_EQ_INT(m->items[2]->kind, ZW_SX_STRING);
    CHECK_EQ_INT(m->items[2]->len, 7);
    CHECK(!memcmp(m->items[2]->text, "a\nA\xF0\x9F\x98\x80", 7));
    CHECK_EQ_INT(m->src_len, strlen(src));
    zw_sx_free(root);
}

TEST(text_sx_errors) {
    const char *bad[] = {"(module", "(module))", "\"abc", "(; unclosed", "\"\\x\"", "\"\\u{D800}\"",
                         "(a\"b\")", "[", "\"tab\there\""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        zwasm_error_t err = {0};
        zw_sx *r = zw_sx_parse(bad[i], strlen(bad[i]), &err);
        CHECK(r == NULL);
        CHECK_EQ_INT(err.code, ZWASM_ERR_MALFORMED);
        zw_sx_free(r);
    }
}

/* ---- numbers --------------------------------------------------------------------- */
TEST(text_num_int) {
    uint64_t v;
    CHECK(zw_num_int("0xffffffff", 32, &v) == ZW_NUM_OK && v == 0xffffffffu);
    CHECK(zw_num_int("-0x80000000", 32, &v) == ZW_NUM_OK && v == 0x80000000u);
    CHECK(zw_num_int("-2147483649", 32, &v) == ZW_NUM_RANGE);
    CHECK(zw_num_int("4294967296", 32, &v) == ZW_NUM_RANGE);
    CHECK(zw_num_int("1_000_000", 32, &v) == ZW_NUM_OK && v == 1000000);
    CHECK(zw_num_int("1__0", 32, &v) == ZW_NUM_MALFORMED);
    CHECK(zw_num_int("_1", 32, &v) == ZW_NUM_MALFORMED);
    CHECK(zw_num_int("1_", 32, &v) == ZW_NUM_MALFORMED);
    CHECK(zw_num_int("0x", 32, &v) == ZW_NUM_MALFORMED);
    CHECK(zw_num_int("1x", 32, &v) == ZW_NUM_MALFORMED);
    CHECK(zw_num_int("18446744073709551615", 64, &v) == ZW_NUM_OK && v == UINT64_MAX);
    CHECK(zw_num_int("18446744073709551616", 64, &v) == ZW_NUM_RANGE);
    CHECK(zw_num_int("-9223372036854775808", 64, &v) == ZW_NUM_OK && v == 0x8000000000000000ull);
    CHECK(zw_num_int("-9223372036854775809", 64, &v) == ZW_NUM_RANGE);
    CHECK(zw_num_int("+42", 32, &v) == ZW_NUM_OK && v == 42);
    CHECK(zw_num_uint("-1", UINT32_MAX, &v) == ZW_NUM_MALFORMED);
}

TEST(text_num_float) {
    uint32_t f;
    uint64_t d;
    CHECK(zw_num_f32("0x1.fffffep127", &f) == ZW_NUM_OK && f == 0x7f7fffffu);
    CHECK(zw_num_f32("0x1.ffffffp127", &f) == ZW_NUM_RANGE);
    CHECK(zw_num_f32("1e39", &f) == ZW_NUM_RANGE);
    CHECK(zw_num_f32("-0", &f) == ZW_NUM_OK && f == 0x80000000u);
    CHECK(zw_num_f32("nan", &f) == ZW_NUM_OK && f == 0x7fc00000u);
    CHECK(zw_num_f32("-nan:0x200000", &f) == ZW_NUM_OK && f == 0xffa00000u);
    CHECK(zw_num_f32("nan:0x0", &f) == ZW_NUM_RANGE);
    CHECK(zw_num_f32("nan:0x80_0000", &f) == ZW_NUM_RANGE);
    CHECK(zw_num_f32("inf", &f) == ZW_NUM_OK && f == 0x7f800000u);
    CHECK(zw_num_f32("-inf", &f) == ZW_NUM_OK && f == 0xff800000u);
    /* Double rounding would give 0x1.000002p-50 here: parse f32 directly. */
    CHECK(zw_num_f32("+0x1.00000100000000001p-50", &f) == ZW_NUM_OK && f == 0x26800001u);
    CHECK(zw_num_f32("1.000000059604644775390625", &f) == ZW_NUM_OK && f == 0x3f800000u);
    CHECK(zw_num_f32("0x1p-149", &f) == ZW_NUM_OK && f == 1);
    CHECK(zw_num_f32("1_000.5e+0_1", &f) == ZW_NUM_OK && f == zw_f32_bits(10005.0f));
    CHECK(zw_num_f32(".5", &f) == ZW_NUM_MALFORMED);
    CHECK(zw_num_f32("1e", &f) == ZW_NUM_MALFORMED);
    CHECK(zw_num_f32("0x1p", &f) == ZW_NUM_MALFORMED);
    CHECK(zw_num_f32("1.", &f) == ZW_NUM_OK && f == 0x3f800000u);
    CHECK(zw_num_f32("0x1.", &f) == ZW_NUM_OK && f == 0x3f800000u);
    CHECK(zw_num_f64("0x1.fffffffffffffp1023", &d) == ZW_NUM_OK && d == 0x7fefffffffffffffull);
    CHECK(zw_num_f64("0x1.fffffffffffff8p1023", &d) == ZW_NUM_RANGE);
    CHECK(zw_num_f64("nan:0xf_ffff_ffff_ffff", &d) == ZW_NUM_OK && d == 0x7fffffffffffffffull);
    CHECK(zw_num_f64("nan:0x10_0000_0000_0000", &d) == ZW_NUM_RANGE);
    CHECK(zw_num_f64("-0x0.0p0", &d) == ZW_NUM_OK && d == 0x8000000000000000ull);
    CHECK(zw_num_f64("4.9406564584124654e-324", &d) == ZW_NUM_OK && d == 1);
}

/* ---- encoding ----------------------------------------------------------------------- */
TEST(text_encode_exact) {
    const char *src = "(module (func $add (export \"add\") (param i32 i32) (result i32)\n"
                      "  local.get 0 local.get 1 i32.add))";
    static const uint8_t want[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,   /* type */
        0x03, 0x02, 0x01, 0x00,                                 /* func */
        0x07, 0x07, 0x01, 0x03, 'a', 'd', 'd', 0x00, 0x00,      /* export */
        0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b, /* code */
        0x00, 0x0d, 0x04, 'n', 'a', 'm', 'e', 0x01, 0x06, 0x01, 0x00, 0x03, 'a', 'd', 'd',
    };
    zw_buf out = {0};
    zwasm_error_t err = {0};
    CHECK_EQ_INT(compile_str(src, &out, &err), ZWASM_OK);
    CHECK_EQ_INT(out.len, sizeof want);
    CHECK(out.len == sizeof want && !memcmp(out.data, want, sizeof want));
    zw_buf_free(&out);
}

TEST(text_encode_names) {
    zw_buf out = {0};
    zwasm_error_t err = {0};
    CHECK_EQ_INT(compile_str("(func $f (param $a i32))", &out, &err), ZWASM_OK);
    static const uint8_t tail[] = {0x04, 'n', 'a', 'm', 'e', 0x01, 0x04, 0x01, 0x00, 0x01, 'f',
                                   0x02, 0x06, 0x01, 0x00, 0x01, 0x00, 0x01, 'a'};
    CHECK(out.len > sizeof tail && !memcmp(out.data + out.len - sizeof tail, tail, sizeof tail));
    zw_buf_free(&out);
}

TEST(text_encode_instrs) {
    /* folded if with labels, block type, br_table */
    static const uint8_t b1[] = {0x00, 0x20, 0x00, 0x04, 0x7f, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0b, 0x0b};
    CHECK(body_is("(func (param i32) (result i32) (if $l (result i32) (local.get 0) "
                  "(then (i32.const 1)) (else (i32.const 2))))", b1, sizeof b1));
    static const uint8_t b2[] = {0x00, 0x02, 0x40, 0x03, 0x40, 0x41, 0x00, 0x0e, 0x02, 0x00, 0x01, 0x01, 0x0b, 0x0b, 0x0b};
    CHECK(body_is("(func block $a loop $b (br_table $b $a $a (i32.const 0)) end $b end $a)", b2, sizeof b2));
    /* memarg: natural alignment default, explicit offset/align */
    static const uint8_t b3[] = {0x00, 0x41, 0x00, 0x28, 0x02, 0x00, 0x41, 0x00, 0x2d, 0x00, 0x10, 0x1a,
                                 0x41, 0x00, 0x29, 0x01, 0x80, 0x01, 0x1a, 0x1a, 0x0b};
    CHECK(body_is("(memory 1) (func (i32.load (i32.const 0)) (i32.load8_u offset=0x10 (i32.const 0)) drop "
                  "(i64.load offset=128 align=2 (i32.const 0)) drop drop)", b3, sizeof b3));
    /* select with a result type, ref.null, call_indirect with a type use */
    static const uint8_t b4[] = {0x00, 0xd0, 0x70, 0xd0, 0x70, 0x41, 0x01, 0x1c, 0x01, 0x70, 0x1a,
                                 0x41, 0x00, 0x11, 0x00, 0x00, 0x0b};
    CHECK(body_is("(table 1 funcref) (func (select (result funcref) (ref.null func) (ref.null func) "
                  "(i32.const 1)) drop (call_indirect (type 0) (i32.const 0)))", b4, sizeof b4));
    /* SIMD: v128.const i16x8, shuffle, lane */
    static const uint8_t b5[] = {0x00, 0xfd, 0x0c, 1, 0, 0xff, 0xff, 0, 0x80, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0,
                                 0xfd, 0x0c, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,
                                 0xfd, 0x0d, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 31,
                                 0xfd, 0x15, 3, 0x1a, 0x0b};
    CHECK(body_is("(func (i8x16.extract_lane_s 3 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 "
                  "(v128.const i16x8 1 -1 -32768 3 4 5 6 7) (v128.const f64x2 0 1))) drop)", b5, sizeof b5));
    /* named locals and params */
    static const uint8_t b6[] = {0x02, 0x01, 0x7e, 0x02, 0x7f, 0x20, 0x00, 0x21, 0x03, 0x20, 0x01, 0x22, 0x02, 0x1a, 0x0b};
    CHECK(body_is("(func (param $a i32) (local $b i64) (local i32 i32) "
                  "(local.set 3 (local.get $a)) (drop (local.tee 2 (local.get $b))))", b6, sizeof b6));
}

TEST(text_encode_module_forms) {
    CHECK(compiles("(module $m (type $t (func (param i32))) (import \"m\" \"f\" (func $f (type $t)))"
                   " (func (export \"g\") (import \"m\" \"g\") (param i64))"
                   " (table $tab (export \"t\") funcref (elem $f $f))"
                   " (memory (export \"mem\") (data \"hello\" \"world\"))"
                   " (global $g (mut i32) (i32.const 0)) (export \"gg\" (global $g))"
                   " (elem (i32.const 0) $f) (elem func $f) (elem funcref (ref.func $f) (ref.null func))"
                   " (elem declare func $f) (elem $e (table $tab) (offset (i32.const 1)) func $f)"
                   " (elem (table 0) (i32.const 0) funcref (item ref.func $f))"
                   " (data (i32.const 0) \"x\") (data $d \"y\") (data (memory 0) (offset (i32.const 1)))"
                   " (start 1)"
                   " (func (data.drop $d) (elem.drop $e) (table.init $tab $e (i32.const 0) (i32.const 0) (i32.const 0))))"));
    CHECK(compiles("(func $x) (func (call $x))")); /* bare fields */
    CHECK(compiles("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")"));
    CHECK(compiles("(module quote \"(func (result i32)\" \"(i32.const 1))\")"));
    /* multi-value block types go to the type section */
    CHECK(compiles("(func (result i32 i32) (block (result i32 i32) (i32.const 1) (i32.const 2)))"));
}

TEST(text_malformed) {
    CHECK(malformed("(func (local i32) (param i32))"));
    CHECK(malformed("(func (result i32) (param i32))"));
    CHECK(malformed("(func) (import \"\" \"\" (func))"));
    CHECK(malformed("(memory 0) (import \"\" \"\" (global i32))"));
    CHECK(malformed("(func block $a end $b)"));
    CHECK(malformed("(func block end $a)"));
    CHECK(malformed("(func $f) (func $f)"));
    CHECK(malformed("(func (local $x i32) (local $x i64))"));
    CHECK(malformed("(func (call $nope))"));
    CHECK(malformed("(func (i32.const 0x100000000) drop)"));
    CHECK(malformed("(func (f32.const 1e39) drop)"));
    CHECK(malformed("(func i32.foo)"));
    CHECK(malformed("(type $t (func (param i32))) (func (type $t) (param i64))"));
    CHECK(malformed("(func (type 5) (param i32))"));
    CHECK(malformed("(memory 1) (func (i32.load align=3 (i32.const 0)) drop)"));
    /* limits are u64 in the text (the validator bounds a memory's size) */
    CHECK(malformed("(memory 0x1_0000_0000_0000_0000)"));
    CHECK(malformed("(memory 1 (pagesize 3))"));
    CHECK(malformed("(@)"));
    CHECK(malformed("(@a \x01)"));
    CHECK(malformed("(func (export \"\\80\"))"));
    CHECK(malformed("(func (block (param $x i32)))"));
    CHECK(malformed("(func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop)"));
    CHECK(malformed("(func (v128.const i32x4 0 0 0) drop)"));
    CHECK(malformed("(start 0) (start 0)"));
    CHECK(malformed("(module quote \"(func\")"));
    CHECK(malformed("(func $)"));
    CHECK(malformed("(table 1)"));
    CHECK(malformed("(table funcref)"));
    CHECK(malformed("(table 1 funcref funcref)"));
    CHECK(malformed("(memory 1 2 3)"));
    CHECK(malformed("(global i32)  (global i32 (i32.const 0))") == false);
    CHECK(malformed("(func (if (i32.const 0) (then nop else nop)))"));
    CHECK(malformed("(func (block nop end))"));
    CHECK(malformed("(func block)"));
    CHECK(malformed("(func end)"));
    CHECK(malformed("(func (br_table 0$l))"));
    CHECK(malformed("(data\"a\")"));
    /* the text of a quoted module is a plain module: no binary/quote inside */
    CHECK(malformed("(module quote \"(module quote \\\"(func)\\\")\")"));
    CHECK(malformed("(module quote \"(module binary \\\"\\\\00asm\\\\01\\\\00\\\\00\\\\00\\\")\")"));
    /* a line comment also ends at a carriage return */
    CHECK(compiles("(func (result i32) (i32.const 1) ;; c\r (return (i32.const 2)))"));
    /* tokens delimited by parentheses and comments */
    CHECK(compiles("(func(nop)nop(nop)) (func $f;;x\n)"));
    /* invalid but well-formed: still encodes */
    CHECK(compiles("(func (result i32) (i64.const 0))"));
    CHECK(compiles("(func (call 7))"));
}

/* ---- deep nesting ------------------------------------------------------------------- */
/* Nesting as deep as the binary format allows: no C recursion per level in
 * the reader, the folded-instruction walk or the tree's release. */
#define DEEP 100000

static void put(zw_buf *b, const char *s) { zw_buf_append(b, s, strlen(s)); }
static void rep(zw_buf *b, const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) put(b, s);
}

/* The folded and the flat text must encode to the same bytes. */
static bool same_binary(const zw_buf *folded, const zw_buf *flat) {
    zw_buf a = {0}, b = {0};
    zwasm_error_t ea = {0}, eb = {0};
    zwasm_result_t ra = zw_wat_compile((const char *)folded->data, folded->len, &a, &ea);
    zwasm_result_t rb = zw_wat_compile((const char *)flat->data, flat->len, &b, &eb);
    if (ra != ZWASM_OK) fprintf(stderr, "    folded: %s\n", ea.message);
    if (rb != ZWASM_OK) fprintf(stderr, "    flat: %s\n", eb.message);
    bool ok = ra == ZWASM_OK && rb == ZWASM_OK && a.len == b.len && !memcmp(a.data, b.data, a.len);
    zw_buf_free(&a);
    zw_buf_free(&b);
    return ok;
}

TEST(text_deep_folded_blocks) {
    zw_buf fo = {0}, fl = {0};
    put(&fo, "(module (func (result i32)\n");
    put(&fl, "(module (func (result i32)\n");
    for (size_t i = 0; i < DEEP; i++) {
        put(&fo, i % 2 ? "(loop (result i32) " : "(block (result i32) ");
        put(&fl, i % 2 ? "loop (result i32) " : "block (result i32) ");
    }
    put(&fo, "(i32.const 7)");
    put(&fl, "i32.const 7 ");
    rep(&fo, ")", DEEP);
    rep(&fl, "end ", DEEP);
    put(&fo, ")\n(func ");
    put(&fl, ")\n(func ");
    rep(&fo, "(block ", DEEP);
    rep(&fo, ")", DEEP);
    rep(&fl, "block ", DEEP);
    rep(&fl, "end ", DEEP);
    put(&fo, "))");
    put(&fl, "))");
    CHECK(same_binary(&fo, &fl));
    zw_buf_free(&fo);
    zw_buf_free(&fl);
}

TEST(text_deep_folded_exprs) {
    zw_buf fo = {0}, fl = {0};
    put(&fo, "(module (memory 1)\n");
    put(&fl, "(module (memory 1)\n");
    /* left-nested operands */
    put(&fo, "(func (result i32) ");
    rep(&fo, "(i32.add ", DEEP);
    put(&fo, "(i32.const 1)");
    rep(&fo, " (i32.const 2))", DEEP);
    put(&fl, "(func (result i32) i32.const 1 ");
    rep(&fl, "i32.const 2 i32.add ", DEEP);
    /* right-nested operands */
    put(&fo, ")\n(func (result i32) ");
    rep(&fo, "(i32.sub (i32.const 3) ", DEEP);
    put(&fo, "(i32.const 1)");
    rep(&fo, ")", DEEP);
    put(&fl, ")\n(func (result i32) ");
    rep(&fl, "i32.const 3 ", DEEP);
    put(&fl, "i32.const 1 ");
    rep(&fl, "i32.sub ", DEEP);
    /* immediates come before the operands in the text, after them in the binary */
    put(&fo, ")\n(func (result i32) ");
    rep(&fo, "(i32.load offset=4 ", DEEP);
    put(&fo, "(i32.const 0)");
    rep(&fo, ")", DEEP);
    put(&fl, ")\n(func (result i32) i32.const 0 ");
    rep(&fl, "i32.load offset=4 ", DEEP);
    put(&fo, "))");
    put(&fl, "))");
    CHECK(same_binary(&fo, &fl));
    zw_buf_free(&fo);
    zw_buf_free(&fl);
}

TEST(text_deep_folded_if) {
    zw_buf fo = {0}, fl = {0};
    /* nested in (then ...) */
    put(&fo, "(module (func (result i32) ");
    rep(&fo, "(if (result i32) (i32.const 1) (then ", DEEP);
    put(&fo, "(i32.const 7)");
    rep(&fo, ") (else (i32.const 0)))", DEEP);
    put(&fl, "(module (func (result i32) ");
    rep(&fl, "i32.const 1 if (result i32) ", DEEP);
    put(&fl, "i32.const 7 ");
    rep(&fl, "else i32.const 0 end ", DEEP);
    /* nested in the condition */
    put(&fo, ")\n(func (result i32) ");
    rep(&fo, "(if (result i32) ", DEEP);
    put(&fo, "(i32.const 1)");
    rep(&fo, " (then (i32.const 1)) (else (i32.const 0)))", DEEP);
    put(&fl, ")\n(func (result i32) i32.const 1 ");
    rep(&fl, "if (result i32) i32.const 1 else i32.const 0 end ", DEEP);
    /* nested in (else ...) */
    put(&fo, ")\n(func ");
    rep(&fo, "(if (i32.const 0) (then) (else ", DEEP);
    rep(&fo, "))", DEEP);
    put(&fl, ")\n(func ");
    rep(&fl, "i32.const 0 if else ", DEEP);
    rep(&fl, "end ", DEEP);
    put(&fo, "))");
    put(&fl, "))");
    CHECK(same_binary(&fo, &fl));
    zw_buf_free(&fo);
    zw_buf_free(&fl);
}

/* Errors deep inside the nesting: reported with their position, and the
 * partly built tree / partly encoded function are released. */
TEST(text_deep_errors) {
    zw_buf b = {0};
    zwasm_error_t err = {0};
    zw_buf out = {0};
    put(&b, "(module (func\n");
    rep(&b, "(block ", DEEP);
    put(&b, "(i32.frob)");
    rep(&b, ")", DEEP);
    put(&b, "))");
    CHECK_EQ_INT(zw_wat_compile((const char *)b.data, b.len, &out, &err), ZWASM_ERR_MALFORMED);
    CHECK(strstr(err.message, "2:700002: unknown operator i32.frob") != NULL);
    zw_buf_free(&out);
    /* unclosed: the innermost open list is reported */
    b.len = 0;
    put(&b, "(module (func\n");
    rep(&b, "(block ", DEEP);
    CHECK_EQ_INT(zw_wat_compile((const char *)b.data, b.len, &out, &err), ZWASM_ERR_MALFORMED);
    CHECK(strstr(err.message, "2:699994: unclosed (") != NULL);
    zw_buf_free(&out);
    /* a bad token in the middle of a deep operand chain */
    b.len = 0;
    put(&b, "(module (func (result i32)\n");
    rep(&b, "(i32.add ", DEEP);
    put(&b, "(i32.const 1)");
    rep(&b, " (i32.const 2))", DEEP / 2);
    put(&b, " oops");
    rep(&b, " (i32.const 2))", DEEP / 2);
    put(&b, "))");
    CHECK_EQ_INT(zw_wat_compile((const char *)b.data, b.len, &out, &err), ZWASM_ERR_MALFORMED);
    CHECK(strstr(err.message, "unexpected token oops") != NULL);
    zw_buf_free(&out);
    zw_buf_free(&b);
}

/* The reader's nesting limit: ZW_SX_MAX_DEPTH lists deep is accepted, one
 * more is "nesting too deep" at the offending parenthesis. */
TEST(text_nesting_limit) {
    size_t n = 1000000;
    char *deep = malloc(2 * n + 3);
    CHECK(deep != NULL);
    if (!deep) return;
    for (size_t i = 0; i < n; i++) deep[i] = '(', deep[n + i] = ')';
    zwasm_error_t err = {0};
    zw_sx *r = zw_sx_parse(deep, 2 * n, &err);
    CHECK(r != NULL);
    size_t depth = 0;
    for (const zw_sx *x = r; x && x->kind == ZW_SX_LIST && x->nitems == 1; x = x->items[0]) depth++;
    CHECK_EQ_INT(depth, n);
    zw_sx_free(r);
    /* one more level */
    memmove(deep + 1, deep, 2 * n);
    deep[0] = '(';
    deep[2 * n + 1] = ')';
    err.message[0] = 0;
    r = zw_sx_parse(deep, 2 * n + 2, &err);
    CHECK(r == NULL);
    CHECK_EQ_INT(err.code, ZWASM_ERR_MALFORMED);
    CHECK(strstr(err.message, "1:1000001: nesting too deep") != NULL);
    if (!strstr(err.message, "1:1000001: nesting too deep")) fprintf(stderr, "    got: %s\n", err.message);
    zw_sx_free(r);
    free(deep);
}

/* ---- script values ------------------------------------------------------------------- */
static zwasm_result_t value(const char *src, bool pattern, zw_wvalue *v) {
    zwasm_error_t err = {0};
    zw_sx *root = zw_sx_parse(src, strlen(src), &err);
    if (!root) return ZWASM_ERR_MALFORMED;
    zwasm_result_t r = zw_wast_parse_value(root->items[0], pattern, v, &err);
    zw_sx_free(root);
    return r;
}

TEST(text_wast_values) {
    zw_wvalue v;
    CHECK(value("(i32.const -1)", false, &v) == ZWASM_OK && v.kind == ZW_WV_I32 && v.u.i32 == 0xffffffffu);
    CHECK(value("(i64.const 0x8000000000000000)", false, &v) == ZWASM_OK && v.u.i64 == 0x8000000000000000ull);
    CHECK(value("(f32.const -nan:0x1)", false, &v) == ZWASM_OK && v.kind == ZW_WV_F32 && v.u.i32 == 0xff800001u);
    CHECK(value("(f64.const nan:canonical)", true, &v) == ZWASM_OK && v.nan[0] == ZW_NAN_CANONICAL);
    CHECK(value("(f64.const nan:canonical)", false, &v) != ZWASM_OK);
    CHECK(value("(v128.const f32x4 1 nan:arithmetic 2 nan:canonical)", true, &v) == ZWASM_OK &&
          v.kind == ZW_WV_V128 && v.lane_shape == 4 && v.nan[0] == ZW_NAN_NONE &&
          v.nan[1] == ZW_NAN_ARITHMETIC && v.nan[3] == ZW_NAN_CANONICAL && v.u.v128.u32[0] == 0x3f800000u);
    CHECK(value("(v128.const i8x16 -1 255 0 0 0 0 0 0 0 0 0 0 0 0 0 0x7f)", false, &v) == ZWASM_OK &&
          v.u.v128.u8[0] == 0xff && v.u.v128.u8[1] == 0xff && v.u.v128.u8[15] == 0x7f);
    CHECK(value("(ref.null extern)", false, &v) == ZWASM_OK && v.kind == ZW_WV_REF_NULL && v.reftype == 0x6F);
    CHECK(value("(ref.extern 7)", false, &v) == ZWASM_OK && v.kind == ZW_WV_REF_EXTERN && v.u.i64 == 7);
    CHECK(value("(ref.extern)", true, &v) == ZWASM_OK && v.kind == ZW_WV_REF_EXTERN_ANY);
    CHECK(value("(ref.func)", true, &v) == ZWASM_OK && v.kind == ZW_WV_REF_FUNC);
    CHECK(value("(either (i32.const 1) (i32.const 2))", true, &v) == ZWASM_OK && v.kind == ZW_WV_EITHER &&
          v.nalts == 2 && v.alts[1].u.i32 == 2);
    zw_wvalue_free(&v);
    CHECK(value("(i32.const 0x1_0000_0000)", false, &v) != ZWASM_OK);
    /* alternatives are plain results: (either) does not nest */
    CHECK(value("(either (either (i32.const 1)) (i32.const 2))", true, &v) == ZWASM_ERR_MALFORMED);
}

/* ---- typed references, GC, exceptions ------------------------------------------ */
/* The whole module src must encode to want. */
static bool module_is(const char *src, const uint8_t *want, size_t n) {
    zw_buf out = {0};
    zwasm_error_t err = {0};
    bool ok = compile_str(src, &out, &err) == ZWASM_OK && out.len == n && !memcmp(out.data, want, n);
    if (!ok && err.message[0]) fprintf(stderr, "    compile error: %s\n", err.message);
    if (!ok && !err.message[0]) {
        fprintf(stderr, "    module:");
        for (size_t k = 0; k < out.len; k++) fprintf(stderr, " %02x", out.data[k]);
        fprintf(stderr, "\n");
    }
    zw_buf_free(&out);
    return ok;
}

TEST(text_encode_gc_types) {
    /* a rec group of two sub types (0x50 open, 0x4F final with a super),
     * field names, packed and mutable fields, a (ref null $b) field; an
     * array; an inline function type use appended as a new type */
    static const uint8_t want[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x1c, 0x03,
        0x4e, 0x02, 0x50, 0x00, 0x5f, 0x02, 0x7f, 0x00, 0x78, 0x01,
        0x4f, 0x01, 0x00, 0x5f, 0x01, 0x63, 0x01, 0x00,
        0x5e, 0x77, 0x01,
        0x60, 0x01, 0x64, 0x00, 0x01, 0x6e,
        0x03, 0x02, 0x01, 0x03,
        0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0xfb, 0x02, 0x00, 0x01, 0x1a, 0xd0, 0x6e, 0x0b,
    };
    CHECK(module_is("(rec (type $a (sub (struct (field $x i32) (field $y (mut i8)))))"
                    "     (type $b (sub final $a (struct (field (ref null $b))))))"
                    "(type (array (mut i16)))"
                    "(func (param (ref $a)) (result anyref) (drop (struct.get $a $y (local.get 0))) (ref.null any))",
                    want, sizeof want));
    /* an inline type use matches only a plain (final, alone) function type */
    static const uint8_t want2[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x09, 0x02, 0x50, 0x00, 0x60, 0x00, 0x00, 0x60, 0x00, 0x00,
        0x03, 0x02, 0x01, 0x01, 0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
    };
    CHECK(module_is("(type (sub (func))) (func)", want2, sizeof want2));
    CHECK(malformed("(type (struct (field $x i32) (field $x i64)))"));
    CHECK(malformed("(type $t (struct)) (func (struct.get $t $x (unreachable)) drop)"));
    CHECK(malformed("(func (param (ref)))"));
    CHECK(malformed("(rec (func))"));
}

TEST(text_encode_gc_instrs) {
    /* ref.test/ref.cast pick their opcode by nullability; br_on_cast flags */
    static const uint8_t b1[] = {0x00, 0x02, 0x64, 0x00, 0x20, 0x00, 0xfb, 0x15, 0x00, 0x1a,
                                 0x20, 0x00, 0xfb, 0x16, 0x6c, 0x1a, 0x20, 0x00, 0xfb, 0x18, 0x01, 0x00, 0x6e, 0x00,
                                 0x00, 0x0b, 0x1a, 0x0b};
    CHECK(body_is("(type $s (struct)) (func (param anyref)"
                  " (block $l (result (ref $s)) (drop (ref.test (ref null $s) (local.get 0)))"
                  " (drop (ref.cast (ref i31) (local.get 0))) (br_on_cast $l anyref (ref $s) (local.get 0))"
                  " (unreachable)) drop)", b1, sizeof b1));
    /* call_ref, array.new_fixed, table with an initialiser */
    static const uint8_t b2[] = {0x00, 0x41, 0x01, 0x41, 0x02, 0xfb, 0x08, 0x01, 0x02, 0x1a, 0xd2, 0x00, 0x14, 0x00, 0x0b};
    CHECK(body_is("(type $f (func)) (type $a (array i32)) (elem declare func 0)"
                  " (func (drop (array.new_fixed $a 2 (i32.const 1) (i32.const 2))) (call_ref $f (ref.func 0)))",
                  b2, sizeof b2));
    CHECK(compiles("(type $f (func)) (func $z) (table 1 (ref $f) (ref.func $z))"
                   " (table $u (ref null $f) (elem $z)) (elem (ref $f) (ref.func $z))"
                   " (global (ref null $f) (ref.null $f))"));
}

TEST(text_encode_exceptions) {
    /* try_table: catch labels count from outside the try_table */
    static const uint8_t b1[] = {0x00, 0x02, 0x40, 0x1f, 0x40, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00,
                                 0x08, 0x00, 0x0b, 0x0b, 0x0b};
    CHECK(body_is("(tag $e) (func (block $l (try_table (catch $e $l) (catch_all 0) (throw $e))))", b1, sizeof b1));
    /* legacy try: folded and flat, catch, catch_all, delegate */
    static const uint8_t b2[] = {0x00, 0x06, 0x40, 0x06, 0x40, 0x08, 0x00, 0x18, 0x00, 0x07, 0x00, 0x19, 0x09, 0x00, 0x0b,
                                 0x06, 0x40, 0x01, 0x07, 0x00, 0x0b, 0x0b};
    CHECK(body_is("(tag $e) (func (try $t (do (try (do (throw $e)) (delegate 0)))"
                  " (catch $e) (catch_all (rethrow $t)))"
                  " try nop catch $e end)", b2, sizeof b2));
    CHECK(malformed("(func (catch_all))"));
    CHECK(malformed("(tag $e) (func (catch $e))"));
    CHECK(malformed("(func (try (do) (catch_all) (catch_all)))"));
    CHECK(malformed("(tag $e) (func (try (do) (catch $e) (delegate 0)))"));
    CHECK(malformed("(func (delegate 0))"));
    CHECK(malformed("(func block $l try_table $m (catch_all $m) end end)"));
    CHECK(malformed("(func $\"\")"));
    /* tags: section 13 between memory and global; import/export kind 4 */
    static const uint8_t want[] = {
        0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
        0x01, 0x08, 0x02, 0x60, 0x00, 0x00, 0x60, 0x01, 0x7f, 0x00,
        0x02, 0x08, 0x01, 0x01, 'm', 0x01, 't', 0x04, 0x00, 0x00,
        0x0d, 0x03, 0x01, 0x00, 0x01,
        0x07, 0x05, 0x01, 0x01, 'e', 0x04, 0x01,
    };
    CHECK(module_is("(import \"m\" \"t\" (tag)) (tag (export \"e\") (param i32))", want, sizeof want));
}

TEST(text_wast_ref_values) {
    zw_wvalue v;
    CHECK(value("(ref.null any)", false, &v) == ZWASM_OK && v.kind == ZW_WV_REF_NULL && v.reftype == 0x6E);
    CHECK(value("(ref.null noexn)", false, &v) == ZWASM_OK && v.reftype == 0x74);
    CHECK(value("(ref.null)", true, &v) == ZWASM_OK && v.kind == ZW_WV_REF_NULL && v.reftype == 0);
    CHECK(value("(ref.null)", false, &v) != ZWASM_OK);
    CHECK(value("(ref.host 3)", false, &v) == ZWASM_OK && v.kind == ZW_WV_REF_EXTERN && v.host && v.u.i64 == 3);
    CHECK(value("(ref.struct)", true, &v) == ZWASM_OK && v.kind == ZW_WV_REF_OF && v.reftype == 0x6B);
    CHECK(value("(ref.func)", true, &v) == ZWASM_OK && v.kind == ZW_WV_REF_OF && v.reftype == 0x70);
    CHECK(value("(ref.i31)", false, &v) != ZWASM_OK);
}
