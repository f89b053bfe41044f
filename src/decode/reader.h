/*
 * reader.h — the byte reader shared by decode.c (sections) and instr.c
 * (instructions): bounds, the testsuite's malformed-input messages with a
 * byte offset, LEB128 failure diagnosis, value-type bytes.  Internal to
 * src/decode/; everything is static inline so the instruction reader stays
 * as fast as a local one.
 */
#ifndef ZW_DECODE_READER_H
#define ZW_DECODE_READER_H

#include "../module.h"

#define ZW_EOS_MSG "unexpected end of section or function"

typedef struct zw_rd {
    const uint8_t *base;  /* start of the module binary (offsets are relative to it) */
    const uint8_t *p, *end;
    const uint8_t *fend;  /* end of the whole binary (>= end) */
    const char *eof_msg;  /* message when reading past end */
    zwasm_error_t *err;   /* may be NULL */
    uint32_t func;        /* function index for messages, or ZWASM_NO_FUNC */
} zw_rd;

static inline bool zw_rd_fail(zw_rd *r, const uint8_t *at, const char *msg) {
    zw_err_set(r->err, ZWASM_ERR_MALFORMED, (uint64_t)(at - r->base), r->func, "%s", msg);
    return false;
}

/* Explain a failed LEB128 read of an N-bit integer at p.  Like the
 * reference decoder, look past the end of the current section (up to the
 * end of the binary) to tell an over-long or too-large integer from a
 * truncated one. */
static inline bool zw_rd_leb_fail(zw_rd *r, const uint8_t *p, unsigned bits) {
    unsigned maxbytes = (bits + 6) / 7, i;
    const uint8_t *lim = r->fend > r->end ? r->fend : r->end;
    for (i = 0; i < maxbytes; i++) {
        if (p + i >= lim) return zw_rd_fail(r, r->end, r->eof_msg);
        if (!(p[i] & 0x80)) break;
    }
    if (i == maxbytes) return zw_rd_fail(r, p + maxbytes - 1, "integer representation too long");
    /* the last byte is in range: the value itself is what the reader refused */
    if (p + i < r->end) return zw_rd_fail(r, p + i, "integer too large");
    const uint8_t *q = p;
    uint32_t v;
    if (!zw_read_u32(&q, lim, &v)) return zw_rd_fail(r, p + i, "integer too large");
    return zw_rd_fail(r, r->end, r->eof_msg); /* crosses the end of the section */
}

static inline bool zw_rd_u32(zw_rd *r, uint32_t *out) {
    const uint8_t *p = r->p;
    if (!zw_read_u32(&r->p, r->end, out)) return zw_rd_leb_fail(r, p, 32);
    return true;
}

static inline bool zw_rd_u64(zw_rd *r, uint64_t *out) {
    const uint8_t *p = r->p;
    if (!zw_read_u64(&r->p, r->end, out)) return zw_rd_leb_fail(r, p, 64);
    return true;
}

static inline bool zw_rd_u8(zw_rd *r, uint8_t *out) {
    if (r->p >= r->end) return zw_rd_fail(r, r->p, r->eof_msg);
    *out = *r->p++;
    return true;
}

/* A number or reference type byte of Wasm 2.0. */
static inline bool zw_is_valtype_byte(uint8_t b) {
    return (b >= 0x7B && b <= 0x7F) || b == 0x70 || b == 0x6F;
}

/* The abstract heap type of code byte b, or 0 when b is none or its
 * feature is off. */
static inline uint32_t zw_abs_heap(uint8_t b, uint32_t features) {
    switch (b) {
    case ZW_HT_FUNC: return b;
    case ZW_HT_EXTERN: return (features & ZWASM_FEATURE_REFERENCE_TYPES) ? b : 0;
    case ZW_HT_ANY: case ZW_HT_EQ: case ZW_HT_I31: case ZW_HT_STRUCT: case ZW_HT_ARRAY:
    case ZW_HT_NONE: case ZW_HT_NOEXTERN: case ZW_HT_NOFUNC:
        return (features & ZWASM_FEATURE_GC) ? b : 0;
    case ZW_HT_EXN: case ZW_HT_NOEXN:
        return (features & ZWASM_FEATURE_EXCEPTIONS) ? b : 0;
    }
    return 0;
}

/* A heap type: an abstract code byte or a type index (s33 >= 0).  Indices
 * too large for a zw_valtype saturate to one no module can have. */
static inline bool zw_rd_heaptype(zw_rd *r, uint32_t features, uint32_t *out) {
    const uint8_t *at = r->p;
    if (r->p >= r->end) return zw_rd_fail(r, r->p, r->eof_msg);
    uint32_t abs = zw_abs_heap(*r->p, features);
    if (abs) {
        r->p++;
        *out = abs;
        return true;
    }
    int64_t v;
    if (!(features & ZWASM_FEATURE_FUNCTION_REFERENCES)) return zw_rd_fail(r, at, "malformed reference type");
    if (!zw_read_s33(&r->p, r->end, &v)) return zw_rd_leb_fail(r, at, 33);
    if (v < 0) return zw_rd_fail(r, at, "malformed heap type");
    *out = ZW_HT_IDX + (v < ZW_HT_MAX_IDX ? (uint32_t)v : ZW_HT_MAX_IDX - 1);
    return true;
}

/* A reference type: a shorthand byte (nullable abstract) or 0x63/0x64
 * followed by a heap type. */
static inline bool zw_rd_reftype_msg(zw_rd *r, uint32_t features, zw_valtype *out, const char *msg) {
    const uint8_t *at = r->p;
    uint8_t b;
    if (!zw_rd_u8(r, &b)) return false;
    uint32_t abs = zw_abs_heap(b, features);
    if (abs) {
        *out = zw_ref_type(abs, true);
        return true;
    }
    if ((b == ZW_REF || b == ZW_REF_NULL) && (features & ZWASM_FEATURE_FUNCTION_REFERENCES)) {
        uint32_t ht;
        if (!zw_rd_heaptype(r, features, &ht)) return false;
        *out = zw_ref_type(ht, b == ZW_REF_NULL);
        return true;
    }
    return zw_rd_fail(r, at, msg);
}

static inline bool zw_rd_reftype(zw_rd *r, uint32_t features, zw_valtype *out) {
    return zw_rd_reftype_msg(r, features, out, "malformed reference type");
}

/* A value type: a number type byte or a reference type (v128 with SIMD,
 * references with reference types: 1.0 has funcref only as a table's
 * element type). */
static inline bool zw_rd_valtype(zw_rd *r, uint32_t features, zw_valtype *out) {
    if (r->p < r->end && *r->p >= ZW_V128 && *r->p <= ZW_I32) {
        if (*r->p == ZW_V128 && !(features & ZWASM_FEATURE_SIMD))
            return zw_rd_fail(r, r->p, "malformed value type");
        *out = *r->p++;
        return true;
    }
    if (r->p < r->end && !(features & ZWASM_FEATURE_REFERENCE_TYPES))
        return zw_rd_fail(r, r->p, "malformed value type");
    return zw_rd_reftype_msg(r, features, out, "malformed value type");
}

#endif
