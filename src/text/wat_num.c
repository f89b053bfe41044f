/*
 * wat_num.c — number literals of the text format.
 *
 * Owns zw_num_uint / zw_num_int / zw_num_f32 / zw_num_f64: decimal and hex
 * integers with '_' separators and signs, range checks per width, and
 * floats (decimal, hex, inf, nan, nan:0xPAYLOAD) rounded directly to the
 * target precision (f32 is parsed with strtof, never via double).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>

#include "text/text.h"

static int digit_val(char c, unsigned base) {
    int v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return -1;
    return (unsigned)v < base ? v : -1;
}

/* Parse digits ('_' only between digits) at *s; advances *s past them.
 * Returns the number of digits (0 = malformed).  *ovf set on overflow. */
static int parse_digits(const char **s, unsigned base, uint64_t *val, bool *ovf) {
    const char *p = *s;
    uint64_t v = 0;
    int n = 0;
    *ovf = false;
    for (;;) {
        int d = digit_val(*p, base);
        if (d < 0) {
            if (*p == '_' && n > 0 && digit_val(p[1], base) >= 0) {
                p++;
                continue;
            }
            break;
        }
        if (v > (UINT64_MAX - (uint64_t)d) / base) *ovf = true;
        v = v * base + (uint64_t)d;
        n++;
        p++;
    }
    *val = v;
    *s = p;
    return n;
}

zw_num_res zw_num_uint(const char *s, uint64_t max, uint64_t *out) {
    unsigned base = 10;
    if (s[0] == '0' && s[1] == 'x') {
        base = 16;
        s += 2;
    }
    bool ovf;
    uint64_t v;
    if (!parse_digits(&s, base, &v, &ovf) || *s) return ZW_NUM_MALFORMED;
    if (ovf || v > max) return ZW_NUM_RANGE;
    *out = v;
    return ZW_NUM_OK;
}

zw_num_res zw_num_int(const char *s, unsigned bits, uint64_t *out) {
    bool neg = false;
    if (*s == '+' || *s == '-') neg = *s++ == '-';
    uint64_t umax = bits == 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
    uint64_t v;
    zw_num_res r = zw_num_uint(s, neg ? ((uint64_t)1 << (bits - 1)) : umax, &v);
    if (r != ZW_NUM_OK) return r;
    if (neg) v = (uint64_t)0 - v;
    *out = v & umax;
    return ZW_NUM_OK;
}

/* Validate the float syntax (after an optional sign) and copy it without '_'
 * into buf.  Returns false when malformed. */
static bool float_syntax(const char *s, char *buf, size_t cap) {
    const char *p = s;
    unsigned base = 10;
    size_t n = 0;
    bool ovf;
    uint64_t dummy;
#define COPY(from, to)                                                          \
    for (const char *q_ = (from); q_ < (to); q_++)                              \
        if (*q_ != '_') {                                                       \
            if (n + 1 >= cap) return false;                                     \
            buf[n++] = *q_;                                                     \
        }
    if (p[0] == '0' && p[1] == 'x') {
        base = 16;
        p += 2;
    }
    if (!parse_digits(&p, base, &dummy, &ovf)) return false;
    if (*p == '.') {
        p++;
        const char *f = p;
        if (digit_val(*f, base) >= 0 && !parse_digits(&p, base, &dummy, &ovf)) return false;
    }
    COPY(s, p);
    char e = base == 16 ? 'p' : 'e';
    if (*p == e || *p == e - 32) {
        if (n + 1 >= cap) return false;
        buf[n++] = *p++;
        const char *es = p;
        if (*p == '+' || *p == '-') p++;
        if (!parse_digits(&p, 10, &dummy, &ovf)) return false;
        COPY(es, p);
    }
#undef COPY
    if (*p) return false;
    buf[n] = 0;
    return true;
}

/* Common front: sign, inf, nan, nan:0x.  Returns 1 when handled (special),
 * 0 when a finite literal follows at *rest, or a negative zw_num_res. */
static int float_special(const char *s, bool *neg, const char **rest, bool *is_nan,
                         uint64_t *payload, bool *has_payload, bool *is_inf) {
    *neg = false;
    *is_nan = *is_inf = *has_payload = false;
    if (*s == '+' || *s == '-') *neg = *s++ == '-';
    *rest = s;
    if (!strcmp(s, "inf")) {
        *is_inf = true;
        return 1;
    }
    if (!strcmp(s, "nan")) {
        *is_nan = true;
        return 1;
    }
    if (!strncmp(s, "nan:0x", 6)) {
        const char *p = s + 6;
        bool ovf;
        if (!parse_digits(&p, 16, payload, &ovf) || *p) return -(int)ZW_NUM_MALFORMED;
        if (ovf) return -(int)ZW_NUM_RANGE;
        *is_nan = *has_payload = true;
        return 1;
    }
    return 0;
}

/* The magnitude text of a finite float literal, checked and with its `_`
 * separators removed, ready for strtof/strtod: in stackbuf when it fits,
 * else in a malloc'd buffer the caller frees.  False if malformed. */
static bool float_text(const char *rest, char *stackbuf, size_t stackcap, char **out) {
    size_t cap = strlen(rest) + 1;
    char *buf = cap <= stackcap ? stackbuf : malloc(cap);
    if (!buf) return false;
    if (!float_syntax(rest, buf, cap)) {
        if (buf != stackbuf) free(buf);
        return false;
    }
    *out = buf;
    return true;
}

zw_num_res zw_num_f32(const char *s, uint32_t *bits) {
    bool neg, is_nan, has_payload, is_inf;
    uint64_t payload = 0;
    const char *rest;
    int sp = float_special(s, &neg, &rest, &is_nan, &payload, &has_payload, &is_inf);
    if (sp < 0) return (zw_num_res)-sp;
    uint32_t sign = neg ? 0x80000000u : 0;
    if (sp == 1) {
        if (is_inf) {
            *bits = sign | 0x7F800000u;
        } else {
            if (has_payload && (payload == 0 || payload > 0x7FFFFF)) return ZW_NUM_RANGE;
            *bits = sign | 0x7F800000u | (has_payload ? (uint32_t)payload : 0x400000u);
        }
        return ZW_NUM_OK;
    }
    char stackbuf[256], *buf;
    if (!float_text(rest, stackbuf, sizeof stackbuf, &buf)) return ZW_NUM_MALFORMED;
    float f = strtof(buf, NULL);
    if (buf != stackbuf) free(buf);
    if (isinf(f)) return ZW_NUM_RANGE;
    *bits = sign | (zw_f32_bits(f) & 0x7FFFFFFFu);
    return ZW_NUM_OK;
}

zw_num_res zw_num_f64(const char *s, uint64_t *bits) {
    bool neg, is_nan, has_payload, is_inf;
    uint64_t payload = 0;
    const char *rest;
    int sp = float_special(s, &neg, &rest, &is_nan, &payload, &has_payload, &is_inf);
    if (sp < 0) return (zw_num_res)-sp;
    uint64_t sign = neg ? (uint64_t)1 << 63 : 0;
    const uint64_t exp = 0x7FF0000000000000ull, mant = 0x000FFFFFFFFFFFFFull;
    if (sp == 1) {
        if (is_inf) {
            *bits = sign | exp;
        } else {
            if (has_payload && (payload == 0 || payload > mant)) return ZW_NUM_RANGE;
            *bits = sign | exp | (has_payload ? payload : 0x0008000000000000ull);
        }
        return ZW_NUM_OK;
    }
    char stackbuf[256], *buf;
    if (!float_text(rest, stackbuf, sizeof stackbuf, &buf)) return ZW_NUM_MALFORMED;
    double f = strtod(buf, NULL);
    if (buf != stackbuf) free(buf);
    if (isinf(f)) return ZW_NUM_RANGE;
    *bits = sign | (zw_f64_bits(f) & ~((uint64_t)1 << 63));
    return ZW_NUM_OK;
}

const char *zw_num_msg(zw_num_res r) {
    return r == ZW_NUM_RANGE ? "constant out of range" : "unknown operator";
}
