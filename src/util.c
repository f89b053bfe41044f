/*
 * util.c — implementations of the small helpers declared in common.h:
 * allocation, byte buffers, growable arrays, error values, LEB128, UTF-8.
 */
#include <stdarg.h>
#include <stdio.h>

#include "common.h"

void *zw_libc_alloc(void *user, void *ptr, size_t size) {
    (void)user;
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, size);
}

static void *alloc_call(const zw_alloc *a, void *p, size_t size) {
    if (!a || !a->fn) return zw_libc_alloc(NULL, p, size);
    return a->fn(a->user, p, size);
}

void *zw_malloc(const zw_alloc *a, size_t n) { return alloc_call(a, NULL, n ? n : 1); }

void *zw_calloc(const zw_alloc *a, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    /* the C library's calloc gets fresh pages from the kernel already zeroed */
    if (!a || !a->fn || a->fn == zw_libc_alloc) return calloc(bytes ? n : 1, bytes ? size : 1);
    void *p = alloc_call(a, NULL, bytes ? bytes : 1);
    if (p) memset(p, 0, bytes ? bytes : 1);
    return p;
}

void *zw_realloc_array(const zw_alloc *a, void *p, size_t n, size_t size) {
    if (size && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    return alloc_call(a, p, bytes ? bytes : 1);
}

void zw_free(const zw_alloc *a, void *p) {
    if (p) alloc_call(a, p, 0);
}

char *zw_strdup(const zw_alloc *a, const char *s) {
    size_t n = strlen(s) + 1;
    char *d = zw_malloc(a, n);
    if (d) memcpy(d, s, n);
    return d;
}

bool zw_vec_grow_(const zw_alloc *a, void **v, uint32_t *cap, size_t elem) {
    uint32_t ncap = *cap ? *cap * 2 : 8;
    if (ncap < *cap) return false;
    void *nv = zw_realloc_array(a, *v, ncap, elem);
    if (!nv) return false;
    *v = nv;
    *cap = ncap;
    return true;
}

void zw_buf_free(zw_buf *b) {
    zw_free(NULL, b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

bool zw_buf_reserve(zw_buf *b, size_t extra) {
    if (b->oom) return false;
    if (b->len + extra < b->len) { b->oom = true; return false; }
    if (b->len + extra <= b->cap) return true;
    size_t ncap = b->cap ? b->cap : 64;
    while (ncap < b->len + extra) {
        if (ncap > SIZE_MAX / 2) { b->oom = true; return false; }
        ncap *= 2;
    }
    uint8_t *nd = zw_realloc_array(NULL, b->data, ncap, 1);
    if (!nd) { b->oom = true; return false; }
    b->data = nd;
    b->cap = ncap;
    return true;
}

void zw_buf_append(zw_buf *b, const void *p, size_t n) {
    if (!n || !zw_buf_reserve(b, n)) return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void zw_buf_byte(zw_buf *b, uint8_t v) { zw_buf_append(b, &v, 1); }

void zw_buf_uleb(zw_buf *b, uint64_t v) {
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        if (v) byte |= 0x80;
        zw_buf_byte(b, byte);
    } while (v);
}

void zw_buf_sleb(zw_buf *b, int64_t v) {
    for (;;) {
        uint8_t byte = v & 0x7f;
        v >>= 7; /* arithmetic shift on all supported compilers */
        bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
        if (!done) byte |= 0x80;
        zw_buf_byte(b, byte);
        if (done) break;
    }
}

void zw_buf_printf(zw_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !zw_buf_reserve(b, (size_t)n + 1)) return;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* ---- escaping untrusted text ------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (n bytes left) and its code
 * point, or 0 when s does not start one. */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp) {
    unsigned char c = s[0];
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
    if (!len || len > n || !zw_utf8_valid(s, len)) return 0;
    uint32_t v = c & (0x7F >> len);
    for (size_t i = 1; i < len; i++) v = v << 6 | (s[i] & 0x3F);
    *cp = v;
    return len;
}

/* Code points that change how a terminal shows what follows: C1 controls
 * (U+0080..U+009F, e.g. CSI), bidirectional and zero-width format marks,
 * line and paragraph separators, interlinear annotation marks. */
static bool invisible(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x180E ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB);
}

size_t zw_escape(char *dst, size_t cap, const char *src, size_t n) {
    const unsigned char *s = (const unsigned char *)src;
    size_t o = 0;
    if (!cap) return 0;
    for (size_t i = 0; i < n;) {
        char tmp[16];
        size_t k, used = 0;
        uint32_t cp = 0;
        if (s[i] >= 0x20 && s[i] < 0x7F) {
            tmp[0] = (char)s[i];
            k = 1;
            used = 1;
        } else if (s[i] >= 0x80 && (used = utf8_seq(s + i, n - i, &cp)) && !invisible(cp)) {
            memcpy(tmp, s + i, used);
            k = used;
        } else if (s[i] >= 0x80 && used) {
            k = (size_t)snprintf(tmp, sizeof tmp, "\\u{%X}", (unsigned)cp);
        } else {
            k = (size_t)snprintf(tmp, sizeof tmp, "\\x%02x", s[i]);
            used = 1;
        }
        if (o + k >= cap) break;
        memcpy(dst + o, tmp, k);
        o += k;
        i += used;
    }
    dst[o] = 0;
    return o;
}

/* Escape a message in place (it may quote names, tokens or a host's text). */
static void sanitize(char *msg, size_t cap) {
    char tmp[sizeof ((zwasm_error_t *)0)->message];
    size_t n = strnlen(msg, cap);
    if (cap > sizeof tmp) cap = sizeof tmp;
    zw_escape(tmp, cap, msg, n);
    memcpy(msg, tmp, strlen(tmp) + 1);
}

void zw_err_sanitize(zwasm_error_t *err) {
    if (err) sanitize(err->message, sizeof err->message);
}

zwasm_result_t zw_err_set(zwasm_error_t *err, zwasm_result_t code, uint64_t offset, uint32_t func,
                          const char *fmt, ...) {
    if (!err) return code;
    err->code = code;
    err->trap = ZWASM_TRAP_NONE;
    err->offset = offset;
    err->func = func;
    err->backtrace[0] = 0; /* only a trap in wasm code has one (set after this) */
    err->exception = NULL;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    sanitize(err->message, sizeof err->message);
    return code;
}

const char *zw_trap_message(zwasm_trap_kind_t kind) {
    switch (kind) {
    case ZWASM_TRAP_NONE: return "no trap";
    case ZWASM_TRAP_UNREACHABLE: return "unreachable";
    case ZWASM_TRAP_MEMORY_OOB: return "out of bounds memory access";
    case ZWASM_TRAP_TABLE_OOB: return "out of bounds table access";
    case ZWASM_TRAP_INT_DIV_ZERO: return "integer divide by zero";
    case ZWASM_TRAP_INT_OVERFLOW: return "integer overflow";
    case ZWASM_TRAP_INVALID_CONVERSION: return "invalid conversion to integer";
    case ZWASM_TRAP_UNDEFINED_ELEMENT: return "undefined element";
    case ZWASM_TRAP_UNINITIALIZED_ELEMENT: return "uninitialized element";
    case ZWASM_TRAP_INDIRECT_CALL_TYPE: return "indirect call type mismatch";
    case ZWASM_TRAP_STACK_EXHAUSTED: return "call stack exhausted";
    case ZWASM_TRAP_NULL_REFERENCE: return "null reference";
    case ZWASM_TRAP_HOST: return "host function error";
    case ZWASM_TRAP_EXIT: return "exit";
    case ZWASM_TRAP_INTERRUPTED: return "interrupted";
    case ZWASM_TRAP_OUT_OF_FUEL: return "out of fuel";
    case ZWASM_TRAP_NULL_FUNC_REFERENCE: return "null function reference";
    case ZWASM_TRAP_NULL_STRUCT_REFERENCE: return "null structure reference";
    case ZWASM_TRAP_NULL_ARRAY_REFERENCE: return "null array reference";
    case ZWASM_TRAP_NULL_I31_REFERENCE: return "null i31 reference";
    case ZWASM_TRAP_CAST_FAILURE: return "cast failure";
    case ZWASM_TRAP_ARRAY_OOB: return "out of bounds array access";
    case ZWASM_TRAP_OUT_OF_MEMORY: return "out of memory";
    case ZWASM_TRAP_UNALIGNED_ATOMIC: return "unaligned atomic";
    case ZWASM_TRAP_EXPECTED_SHARED_MEMORY: return "expected shared memory";
    }
    return "trap";
}

zwasm_result_t zw_trap_set(zwasm_error_t *err, zwasm_trap_kind_t kind, const char *fmt, ...) {
    if (!err) return ZWASM_ERR_TRAP;
    err->code = ZWASM_ERR_TRAP;
    err->trap = kind;
    err->offset = ZWASM_NO_OFFSET;
    err->func = ZWASM_NO_FUNC;
    err->backtrace[0] = 0; /* the engine that trapped writes it after this */
    err->exception = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        sanitize(err->message, sizeof err->message);
    } else {
        snprintf(err->message, sizeof err->message, "%s", zw_trap_message(kind));
    }
    return ZWASM_ERR_TRAP;
}

static bool read_uleb(const uint8_t **pp, const uint8_t *end, unsigned bits, uint64_t *out) {
    const uint8_t *p = *pp;
    uint64_t result = 0;
    unsigned shift = 0;
    unsigned maxbytes = (bits + 6) / 7;
    for (unsigned i = 0;; i++) {
        if (p >= end || i >= maxbytes) return false;
        uint8_t b = *p++;
        if (i == maxbytes - 1) {
            /* last permitted byte: no continuation, unused bits must be 0 */
            unsigned used = bits - 7 * i;
            if (b & 0x80) return false;
            if (used < 7 && (b >> used)) return false;
        }
        result |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
    }
    *pp = p;
    *out = result;
    return true;
}

static bool read_sleb(const uint8_t **pp, const uint8_t *end, unsigned bits, int64_t *out) {
    const uint8_t *p = *pp;
    uint64_t result = 0;
    unsigned shift = 0;
    unsigned maxbytes = (bits + 6) / 7;
    uint8_t b = 0;
    for (unsigned i = 0;; i++) {
        if (p >= end || i >= maxbytes) return false;
        b = *p++;
        if (i == maxbytes - 1) {
            unsigned used = bits - 7 * i; /* value bits in this byte, incl. sign */
            if (b & 0x80) return false;
            if (used < 7) {
                /* the unused high bits must all equal the sign bit */
                int sign = (b >> (used - 1)) & 1;
                uint8_t rest = (uint8_t)((b & 0x7f) >> used);
                uint8_t want = sign ? (uint8_t)(0x7f >> used) : 0;
                if (rest != want) return false;
            }
        }
        if (shift < 64) result |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
        if (!(b & 0x80)) break;
    }
    if (shift < 64 && (b & 0x40)) result |= ~(uint64_t)0 << shift;
    *pp = p;
    *out = (int64_t)result;
    return true;
}

bool zw_read_u32(const uint8_t **p, const uint8_t *end, uint32_t *out) {
    uint64_t v;
    if (!read_uleb(p, end, 32, &v)) return false;
    *out = (uint32_t)v;
    return true;
}
bool zw_read_u64(const uint8_t **p, const uint8_t *end, uint64_t *out) {
    return read_uleb(p, end, 64, out);
}
bool zw_read_s32(const uint8_t **p, const uint8_t *end, int32_t *out) {
    int64_t v;
    if (!read_sleb(p, end, 32, &v)) return false;
    *out = (int32_t)v;
    return true;
}
bool zw_read_s33(const uint8_t **p, const uint8_t *end, int64_t *out) {
    return read_sleb(p, end, 33, out);
}
bool zw_read_s64(const uint8_t **p, const uint8_t *end, int64_t *out) {
    return read_sleb(p, end, 64, out);
}

bool zw_utf8_valid(const uint8_t *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        if (c < 0x80) { i++; continue; }
        uint32_t cp;
        size_t len;
        if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
        else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
        else if ((c & 0xF8) == 0xF0) { cp = c & 0x07; len = 4; }
        else return false;
        if (i + len > n) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000))
            return false; /* overlong */
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += len;
    }
    return true;
}
