/*
 * values.c — the CLI's value text: parsing `zwasm run --invoke` arguments by
 * their parameter kind, printing results, and formatting values and types
 * for messages (shared by `run`, `inspect` and the script runner).
 *
 * Argument syntax (also in `zwasm --help`):
 *   i32, i64   decimal or 0x hex, optional sign; signed or unsigned range
 *   f32, f64   decimal, hex float (0x1.8p3), inf, -inf, nan
 *   v128       0x followed by 32 hex digits (most significant byte first),
 *              or SHAPE:L0,L1,... with SHAPE one of i8x16 i16x8 i32x4 i64x2
 *              f32x4 f64x2 and one lane per comma-separated field
 *   funcref    null
 *   externref  null, or a number N (the host reference N)
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "module.h"

const char *cli_valkind_name(uint32_t kind, char buf[CLI_TYPE_BUF]) {
    /* the API's value kinds and types are the binary type codes (zw_valtype):
     * a typed reference prints as (ref null? N), N a type index */
    return zw_valtype_str(kind, buf);
}

static void set_why(char *why, size_t len, const char *fmt, ...) ZW_PRINTF(3, 4);
static void set_why(char *why, size_t len, const char *fmt, ...) {
    if (!why || !len) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
}

/* An integer of `bits` bits (32 or 64): decimal or 0x hex, optional sign,
 * accepting both the signed and the unsigned range.  Underscores between
 * digits are allowed as in the text format. */
static bool parse_int(const char *s, unsigned bits, uint64_t *out) {
    bool neg = false;
    if (*s == '+' || *s == '-') neg = (*s++ == '-');
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) { base = 16; s += 2; }
    if (!*s) return false;
    uint64_t v = 0;
    bool any = false;
    for (; *s; s++) {
        if (*s == '_' && any && s[1] && s[1] != '_') continue;
        unsigned d;
        if (*s >= '0' && *s <= '9') d = (unsigned)(*s - '0');
        else if (base == 16 && *s >= 'a' && *s <= 'f') d = (unsigned)(*s - 'a' + 10);
        else if (base == 16 && *s >= 'A' && *s <= 'F') d = (unsigned)(*s - 'A' + 10);
        else return false;
        if (v > (UINT64_MAX - d) / base) return false;
        v = v * base + d;
        any = true;
    }
    if (!any) return false;
    uint64_t umax = bits == 64 ? UINT64_MAX : (((uint64_t)1 << bits) - 1);
    uint64_t smin_mag = (uint64_t)1 << (bits - 1); /* |INT_MIN| */
    if (neg) {
        if (v > smin_mag) return false;
        v = (uint64_t)0 - v;
        if (bits < 64) v &= umax;
    } else if (v > umax) {
        return false;
    }
    *out = v;
    return true;
}

/* strtod / strtof over the whole of s (ERANGE results are accepted). */
static bool parse_f64(const char *s, double *out) {
    char *end;
    double d = strtod(s, &end);
    if (!*s || *end) return false;
    *out = d;
    return true;
}

static bool parse_f32(const char *s, float *out) {
    char *end;
    float f = strtof(s, &end);
    if (!*s || *end) return false;
    *out = f;
    return true;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool parse_v128(const char *s, uint8_t out[16], char *why, size_t whylen) {
    memset(out, 0, 16);
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        s += 2;
        if (strlen(s) != 32) goto bad;
        for (int i = 0; i < 16; i++) {
            int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
            if (hi < 0 || lo < 0) goto bad;
            out[15 - i] = (uint8_t)(hi << 4 | lo);
        }
        return true;
    }
    static const struct { const char *name; unsigned lanes, bits; bool fl; } shapes[] = {
        {"i8x16", 16, 8, false}, {"i16x8", 8, 16, false}, {"i32x4", 4, 32, false},
        {"i64x2", 2, 64, false}, {"f32x4", 4, 32, true}, {"f64x2", 2, 64, true},
    };
    for (size_t k = 0; k < ZW_ARRAY_LEN(shapes); k++) {
        size_t nl = strlen(shapes[k].name);
        if (strncmp(s, shapes[k].name, nl) != 0 || s[nl] != ':') continue;
        const char *p = s + nl + 1;
        for (unsigned lane = 0; lane < shapes[k].lanes; lane++) {
            char field[128];
            const char *comma = strchr(p, ',');
            size_t flen = comma ? (size_t)(comma - p) : strlen(p);
            if (flen >= sizeof field || (lane + 1 < shapes[k].lanes) != (comma != NULL)) goto bad;
            memcpy(field, p, flen);
            field[flen] = 0;
            unsigned bytes = shapes[k].bits / 8;
            uint8_t *dst = out + lane * bytes;
            if (shapes[k].fl && bytes == 4) {
                float f;
                if (!parse_f32(field, &f)) goto bad;
                memcpy(dst, &f, 4);
            } else if (shapes[k].fl) {
                double d;
                if (!parse_f64(field, &d)) goto bad;
                memcpy(dst, &d, 8);
            } else {
                uint64_t v;
                unsigned bits = shapes[k].bits;
                /* parse_int handles 32/64; narrower lanes go through 32 + range check */
                if (!parse_int(field, bits < 32 ? 32 : bits, &v)) goto bad;
                if (bits < 32) {
                    int64_t sv = (int32_t)(uint32_t)v;
                    bool neg_ok = field[0] == '-' && sv >= -((int64_t)1 << (bits - 1));
                    bool pos_ok = field[0] != '-' && v < ((uint64_t)1 << bits);
                    if (!neg_ok && !pos_ok) goto bad;
                }
                for (unsigned b = 0; b < bytes; b++) dst[b] = (uint8_t)(v >> (8 * b)); /* little-endian */
            }
            p = comma ? comma + 1 : p + flen;
        }
        return true;
    }
bad:
    set_why(why, whylen, "v128 as 0x + 32 hex digits or SHAPE:L0,L1,... (e.g. i32x4:1,2,3,4)");
    return false;
}

bool cli_parse_val(const char *text, uint32_t kind, zwasm_val_t *out, char *why, size_t whylen) {
    memset(out, 0, sizeof *out);
    out->kind = kind;
    uint64_t u;
    switch (kind) {
    case ZWASM_I32:
        if (!parse_int(text, 32, &u)) break;
        out->of.i32 = (int32_t)(uint32_t)u;
        return true;
    case ZWASM_I64:
        if (!parse_int(text, 64, &u)) break;
        out->of.i64 = (int64_t)u;
        return true;
    case ZWASM_F32:
        if (!parse_f32(text, &out->of.f32)) break;
        return true;
    case ZWASM_F64:
        if (!parse_f64(text, &out->of.f64)) break;
        return true;
    case ZWASM_V128:
        return parse_v128(text, out->of.v128, why, whylen);
    case ZWASM_FUNCREF:
        if (strcmp(text, "null") != 0) break;
        out->of.funcref = NULL;
        return true;
    case ZWASM_EXTERNREF:
        if (strcmp(text, "null") == 0) { out->of.externref = NULL; return true; }
        if (!parse_int(text, 64, &u) || u == UINT64_MAX) break;
        out->of.externref = cli_externref(u);
        return true;
    default:
        set_why(why, whylen, "a value of an unsupported type");
        return false;
    }
    switch (kind) {
    case ZWASM_I32: set_why(why, whylen, "an i32 (decimal or 0x hex)"); break;
    case ZWASM_I64: set_why(why, whylen, "an i64 (decimal or 0x hex)"); break;
    case ZWASM_F32: set_why(why, whylen, "an f32 (decimal, hex float, inf or nan)"); break;
    case ZWASM_F64: set_why(why, whylen, "an f64 (decimal, hex float, inf or nan)"); break;
    case ZWASM_FUNCREF: set_why(why, whylen, "a funcref (only \"null\")"); break;
    default: set_why(why, whylen, "an externref (\"null\" or a number)"); break;
    }
    return false;
}

/* "i32x4 0x... 0x... 0x... 0x..." (lane 0 first): how results and script
 * constants show a v128. */
static void format_v128(char *buf, size_t len, const uint8_t bytes[16]) {
    uint32_t l[4];
    memcpy(l, bytes, 16);
    snprintf(buf, len, "i32x4 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32 " 0x%08" PRIx32, l[0],
             l[1], l[2], l[3]);
}

void cli_print_val(FILE *f, const zwasm_val_t *v) {
    switch (v->kind) {
    case ZWASM_I32: fprintf(f, "%" PRId32, v->of.i32); break;
    case ZWASM_I64: fprintf(f, "%" PRId64, v->of.i64); break;
    case ZWASM_F32: fprintf(f, "%.9g", (double)v->of.f32); break;
    case ZWASM_F64: fprintf(f, "%.17g", v->of.f64); break;
    case ZWASM_V128: {
        char lanes[64];
        format_v128(lanes, sizeof lanes, v->of.v128);
        fputs(lanes, f);
        break;
    }
    case ZWASM_FUNCREF: fputs(v->of.funcref ? "ref" : "null", f); break;
    case ZWASM_EXTERNREF: fputs(v->of.externref ? "ref" : "null", f); break;
    default: fputs("?", f); break;
    }
}

void cli_format_val(char *buf, size_t len, const zwasm_val_t *v) {
    switch (v->kind) {
    case ZWASM_I32:
        snprintf(buf, len, "(i32.const %" PRId32 ")", v->of.i32);
        break;
    case ZWASM_I64:
        snprintf(buf, len, "(i64.const %" PRId64 ")", v->of.i64);
        break;
    case ZWASM_F32: {
        uint32_t b = (uint32_t)v->of.i32;
        if (isnan(v->of.f32))
            snprintf(buf, len, "(f32.const %snan:0x%" PRIx32 ")", (b >> 31) ? "-" : "",
                     b & 0x7fffffu);
        else
            snprintf(buf, len, "(f32.const %.9g)", (double)v->of.f32);
        break;
    }
    case ZWASM_F64: {
        uint64_t b = (uint64_t)v->of.i64;
        if (isnan(v->of.f64))
            snprintf(buf, len, "(f64.const %snan:0x%" PRIx64 ")", (b >> 63) ? "-" : "",
                     (uint64_t)(b & 0xfffffffffffffull));
        else
            snprintf(buf, len, "(f64.const %.17g)", v->of.f64);
        break;
    }
    case ZWASM_V128: {
        char lanes[64];
        format_v128(lanes, sizeof lanes, v->of.v128);
        snprintf(buf, len, "(v128.const %s)", lanes);
        break;
    }
    case ZWASM_FUNCREF:
        snprintf(buf, len, v->of.funcref ? "(ref.func)" : "(ref.null func)");
        break;
    case ZWASM_EXTERNREF:
        if (!v->of.externref)
            snprintf(buf, len, "(ref.null extern)");
        else
            snprintf(buf, len, "(ref.extern %" PRIuPTR ")", (uintptr_t)v->of.externref - 1);
        break;
    default:
        snprintf(buf, len, "(? kind 0x%" PRIx32 ")", v->kind);
        break;
    }
}

void cli_format_types(char *buf, size_t len, const uint32_t *kinds, uint32_t n) {
    size_t pos = 0;
    if (len == 0) return;
    buf[0] = 0;
    int w = snprintf(buf, len, "(");
    pos = w > 0 ? (size_t)w : 0;
    for (uint32_t i = 0; i < n && pos < len; i++) {
        char tb[CLI_TYPE_BUF];
        w = snprintf(buf + pos, len - pos, "%s%s", i ? " " : "", cli_valkind_name(kinds[i], tb));
        if (w < 0) return;
        pos += (size_t)w;
    }
    if (pos < len) snprintf(buf + pos, len - pos, ")");
}

static void format_limits(char *buf, size_t len, const zwasm_limits_t *l) {
    if (l->has_max)
        snprintf(buf, len, "%" PRIu64 "..%" PRIu64, l->min, l->max);
    else
        snprintf(buf, len, "%" PRIu64 "..", l->min);
}

void cli_format_externtype(char *buf, size_t len, const zwasm_externtype_t *t) {
    char a[512], b[512], lim[64];
    switch (t->kind) {
    case ZWASM_EXTERN_FUNC:
        cli_format_types(a, sizeof a, t->of.func.params, t->of.func.nparams);
        cli_format_types(b, sizeof b, t->of.func.results, t->of.func.nresults);
        snprintf(buf, len, "func %s -> %s", a, b);
        break;
    case ZWASM_EXTERN_TABLE:
        format_limits(lim, sizeof lim, &t->of.table.limits);
        char tb[CLI_TYPE_BUF];
        snprintf(buf, len, "table %s %s%s", lim, cli_valkind_name(t->of.table.elem, tb),
                 t->of.table.is64 ? " i64" : "");
        break;
    case ZWASM_EXTERN_MEMORY:
        format_limits(lim, sizeof lim, &t->of.memory.limits);
        snprintf(buf, len, "memory %s pages%s%s%s", lim, t->of.memory.is64 ? " i64" : "",
                 t->of.memory.shared ? " shared" : "", t->of.memory.page_log2 == 0 ? " (pagesize 1)" : "");
        break;
    case ZWASM_EXTERN_GLOBAL: {
        char tb[CLI_TYPE_BUF];
        snprintf(buf, len, "global %s%s", t->of.global.mut ? "mut " : "",
                 cli_valkind_name(t->of.global.type, tb));
        break;
    }
    case ZWASM_EXTERN_TAG:
        cli_format_types(a, sizeof a, t->of.func.params, t->of.func.nparams);
        snprintf(buf, len, "tag %s", a);
        break;
    default:
        snprintf(buf, len, "?");
        break;
    }
}

const char *cli_esc(char *buf, size_t cap, const char *s) {
    zw_escape(buf, cap, s, strlen(s));
    return buf;
}

void cli_print_name(FILE *f, const char *s, size_t n) {
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] != '"' && s[i] != '\\') continue;
        /* escape the run before a quote or backslash in chunks */
        for (size_t k = start; k < i;) {
            char buf[256];
            size_t take = i - k > 60 ? 60 : i - k;
            /* do not split a UTF-8 sequence between chunks */
            while (take < i - k && take > 0 && ((unsigned char)s[k + take] & 0xC0) == 0x80) take--;
            if (!take) take = i - k;
            zw_escape(buf, sizeof buf, s + k, take);
            fputs(buf, f);
            k += take;
        }
        if (i < n) fprintf(f, "\\x%02x", (unsigned char)s[i]);
        start = i + 1;
    }
}

/* "1.0", "2.0", "3.0" or "threads" (the threads proposal alone, on 1.0), or
 * several joined with '+' ("1.0+threads", "3.0+threads"): their union. */
bool cli_wasm_features(const char *version, uint32_t *features) {
    *features = 0;
    for (const char *p = version;;) {
        size_t n = strcspn(p, "+");
        if (n == 3 && !strncmp(p, "1.0", 3)) *features |= 0;
        else if (n == 3 && !strncmp(p, "2.0", 3)) *features |= ZWASM_FEATURES_2_0;
        else if (n == 3 && !strncmp(p, "3.0", 3)) *features |= ZWASM_FEATURES_DEFAULT;
        else if (n == 7 && !strncmp(p, "threads", 7)) *features |= ZWASM_FEATURE_THREADS;
        else return false;
        if (!p[n]) return true;
        p += n + 1;
    }
}
