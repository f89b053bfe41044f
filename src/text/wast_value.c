/*
 * wast_value.c — constants and expected results of .wast scripts
 * (zw_wast_parse_value / zw_wvalue_free): i32/i64/f32/f64/v128 constants,
 * nan:canonical / nan:arithmetic patterns (per lane in v128), reference
 * values and patterns, and (either ...) alternatives.
 */
#include <stdio.h>

#include "valtype.h"
#include "text/text.h"

static zwasm_result_t wv_fail(zwasm_error_t *err, const zw_sx *at, const char *msg) {
    return zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%u:%u: %s",
                      at ? at->line : 0, at ? at->col : 0, msg);
}

static bool is_kw(const zw_sx *s, const char *kw) {
    return s && s->kind == ZW_SX_ATOM && !strcmp(s->text, kw);
}

/* A float (bits 32/64), or a NaN pattern when allowed. */
static zwasm_result_t wv_float(const zw_sx *s, unsigned bits, bool pattern, zw_nan_pat *nan, uint64_t *out,
                               zwasm_error_t *err) {
    if (!s || s->kind != ZW_SX_ATOM) return wv_fail(err, s, "expected a number");
    *nan = ZW_NAN_NONE;
    if (pattern && !strcmp(s->text, "nan:canonical")) {
        *nan = ZW_NAN_CANONICAL;
        *out = bits == 32 ? 0x7FC00000u : 0x7FF8000000000000ull;
        return ZWASM_OK;
    }
    if (pattern && !strcmp(s->text, "nan:arithmetic")) {
        *nan = ZW_NAN_ARITHMETIC;
        *out = bits == 32 ? 0x7FC00000u : 0x7FF8000000000000ull;
        return ZWASM_OK;
    }
    zw_num_res r;
    if (bits == 32) {
        uint32_t v = 0;
        r = zw_num_f32(s->text, &v);
        *out = v;
    } else {
        r = zw_num_f64(s->text, out);
    }
    return r == ZW_NUM_OK ? ZWASM_OK : wv_fail(err, s, zw_num_msg(r));
}

static zwasm_result_t wv_v128(const zw_sx *form, bool pattern, zw_wvalue *out, zwasm_error_t *err) {
    static const struct { const char *name; char kind; unsigned bits, lanes; } shapes[] = {
        {"i8x16", 'i', 8, 16}, {"i16x8", 'i', 16, 8}, {"i32x4", 'i', 32, 4},
        {"i64x2", 'i', 64, 2}, {"f32x4", 'f', 32, 4}, {"f64x2", 'f', 64, 2},
    };
    const zw_sx *sh = form->nitems > 1 ? form->items[1] : NULL;
    for (uint8_t k = 0; k < ZW_ARRAY_LEN(shapes); k++) {
        if (!is_kw(sh, shapes[k].name)) continue;
        if (form->nitems != 2 + shapes[k].lanes) return wv_fail(err, form, "wrong number of lane literals");
        out->kind = ZW_WV_V128;
        out->lane_shape = k;
        for (unsigned l = 0; l < shapes[k].lanes; l++) {
            const zw_sx *s = form->items[2 + l];
            uint64_t v;
            if (shapes[k].kind == 'i') {
                if (s->kind != ZW_SX_ATOM) return wv_fail(err, s, "expected a number");
                zw_num_res r = zw_num_int(s->text, shapes[k].bits, &v);
                if (r != ZW_NUM_OK) return wv_fail(err, s, zw_num_msg(r));
            } else {
                zw_nan_pat np;
                zwasm_result_t r = wv_float(s, shapes[k].bits, pattern, &np, &v, err);
                if (r != ZWASM_OK) return r;
                out->nan[l] = np;
            }
            switch (shapes[k].bits) {
            case 8: out->u.v128.u8[l] = (uint8_t)v; break;
            case 16: out->u.v128.u16[l] = (uint16_t)v; break;
            case 32: out->u.v128.u32[l] = (uint32_t)v; break;
            default: out->u.v128.u64[l] = v; break;
            }
        }
        return ZWASM_OK;
    }
    return wv_fail(err, sh ? sh : form, "expected a v128 shape");
}

/* (ref.null ht): the abstract heap types by name (module.h's codes). */
static const struct { const char *name; uint32_t ht; } null_types[] = {
    {"func", ZW_HT_FUNC},         {"extern", ZW_HT_EXTERN}, {"any", ZW_HT_ANY},   {"eq", ZW_HT_EQ},
    {"i31", ZW_HT_I31},           {"struct", ZW_HT_STRUCT}, {"array", ZW_HT_ARRAY}, {"none", ZW_HT_NONE},
    {"nofunc", ZW_HT_NOFUNC},     {"noextern", ZW_HT_NOEXTERN}, {"exn", ZW_HT_EXN}, {"noexn", ZW_HT_NOEXN},
};

/* (ref.any) (ref.eq) (ref.i31) (ref.struct) (ref.array) (ref.exn) in results. */
static bool ref_of(const char *op, uint32_t *ht) {
    static const struct { const char *op; uint32_t ht; } forms[] = {
        {"ref.func", ZW_HT_FUNC},     {"ref.any", ZW_HT_ANY},       {"ref.eq", ZW_HT_EQ},       {"ref.i31", ZW_HT_I31},
        {"ref.struct", ZW_HT_STRUCT}, {"ref.array", ZW_HT_ARRAY}, {"ref.exn", ZW_HT_EXN},
    };
    for (size_t k = 0; k < ZW_ARRAY_LEN(forms); k++)
        if (!strcmp(op, forms[k].op)) {
            *ht = forms[k].ht;
            return true;
        }
    return false;
}

zwasm_result_t zw_wast_parse_value(const zw_sx *form, bool pattern, zw_wvalue *out, zwasm_error_t *err) {
    memset(out, 0, sizeof *out);
    if (!form || form->kind != ZW_SX_LIST || !form->nitems || form->items[0]->kind != ZW_SX_ATOM)
        return wv_fail(err, form, "expected a value");
    const char *op = form->items[0]->text;
    const zw_sx *a = form->nitems > 1 ? form->items[1] : NULL;
    if (!strcmp(op, "either") && pattern) {
        if (form->nitems < 2) return wv_fail(err, form, "empty either");
        out->kind = ZW_WV_EITHER;
        out->alts = zw_calloc(NULL, form->nitems - 1, sizeof *out->alts);
        if (!out->alts) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        for (uint32_t i = 1; i < form->nitems; i++) {
            /* The alternatives are plain results, so this recursion is one
             * level deep (the C stack must not follow the nesting). */
            const zw_sx *alt = form->items[i];
            zwasm_result_t r = alt->kind == ZW_SX_LIST && alt->nitems && is_kw(alt->items[0], "either")
                                   ? wv_fail(err, alt, "unexpected nested either")
                                   : zw_wast_parse_value(alt, pattern, &out->alts[i - 1], err);
            out->nalts = i;
            if (r != ZWASM_OK) {
                zw_wvalue_free(out);
                return r;
            }
        }
        return ZWASM_OK;
    }
    if (!strcmp(op, "v128.const")) return wv_v128(form, pattern, out, err);
    if (form->nitems == 1 && pattern) {
        if (!strcmp(op, "ref.extern")) out->kind = ZW_WV_REF_EXTERN_ANY;
        else if (!strcmp(op, "ref.null")) out->kind = ZW_WV_REF_NULL; /* reftype 0: any null */
        else if (ref_of(op, &out->reftype)) out->kind = ZW_WV_REF_OF;
        if (out->kind != ZW_WV_I32) return ZWASM_OK;
    }
    if (form->nitems != 2 || a->kind != ZW_SX_ATOM) return wv_fail(err, form, "malformed value");
    if (!strcmp(op, "i32.const") || !strcmp(op, "i64.const")) {
        unsigned bits = op[1] == '3' ? 32 : 64;
        uint64_t v;
        zw_num_res r = zw_num_int(a->text, bits, &v);
        if (r != ZW_NUM_OK) return wv_fail(err, a, zw_num_msg(r));
        out->kind = bits == 32 ? ZW_WV_I32 : ZW_WV_I64;
        if (bits == 32) out->u.i32 = (uint32_t)v;
        else out->u.i64 = v;
        return ZWASM_OK;
    }
    if (!strcmp(op, "f32.const") || !strcmp(op, "f64.const")) {
        unsigned bits = op[1] == '3' ? 32 : 64;
        uint64_t v;
        zwasm_result_t r = wv_float(a, bits, pattern, &out->nan[0], &v, err);
        if (r != ZWASM_OK) return r;
        out->kind = bits == 32 ? ZW_WV_F32 : ZW_WV_F64;
        if (bits == 32) out->u.i32 = (uint32_t)v;
        else out->u.i64 = v;
        return ZWASM_OK;
    }
    if (!strcmp(op, "ref.null")) {
        out->kind = ZW_WV_REF_NULL;
        for (size_t k = 0; k < ZW_ARRAY_LEN(null_types); k++)
            if (!strcmp(a->text, null_types[k].name)) {
                out->reftype = null_types[k].ht;
                return ZWASM_OK;
            }
        return wv_fail(err, a, "unexpected token, expected an abstract heap type");
    }
    if (!strcmp(op, "ref.extern") || !strcmp(op, "ref.host")) {
        uint64_t v;
        zw_num_res r = zw_num_uint(a->text, UINT64_MAX, &v);
        if (r != ZW_NUM_OK) return wv_fail(err, a, zw_num_msg(r));
        out->kind = ZW_WV_REF_EXTERN;
        out->host = op[4] == 'h';
        out->u.i64 = v;
        return ZWASM_OK;
    }
    return wv_fail(err, form->items[0], "unknown value form");
}

void zw_wvalue_free(zw_wvalue *v) {
    if (!v) return;
    for (uint32_t i = 0; i < v->nalts; i++) zw_wvalue_free(&v->alts[i]);
    free(v->alts);
    v->alts = NULL;
    v->nalts = 0;
}
