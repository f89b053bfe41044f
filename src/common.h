/*
 * common.h — portability layer and small utilities shared by every stage.
 *
 * Owns: compiler-specific macros (ZW_LIKELY, ZW_NOINLINE, ...), the v128
 * value type, growable byte buffers (zw_buf), growable arrays (ZW_VEC),
 * the internal error helper (zw_err_set) and LEB128 readers.
 * Nothing here holds mutable global state.
 */
#ifndef ZW_COMMON_H
#define ZW_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "zwasm.h"

/* ---- portability ------------------------------------------------------ */
#if defined(__GNUC__) || defined(__clang__)
#define ZW_LIKELY(x) __builtin_expect(!!(x), 1)
#define ZW_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define ZW_NOINLINE __attribute__((noinline))
#define ZW_INLINE static inline __attribute__((always_inline))
#define ZW_COLD __attribute__((cold))
#define ZW_UNUSED __attribute__((unused))
#define ZW_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define ZW_HIDDEN __attribute__((visibility("hidden")))
#define ZW_HAVE_COMPUTED_GOTO 1
#else
#define ZW_LIKELY(x) (x)
#define ZW_UNLIKELY(x) (x)
#define ZW_NOINLINE
#define ZW_INLINE static inline
#define ZW_COLD
#define ZW_UNUSED
#define ZW_PRINTF(a, b)
#define ZW_HIDDEN
#define ZW_HAVE_COMPUTED_GOTO 0
#endif

/* Atomics (relaxed loads/stores for flags another thread sets; sequentially
 * consistent read-modify-write for reference counts). */
#if defined(__GNUC__) || defined(__clang__)
#define ZW_ATOMIC_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define ZW_ATOMIC_STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define ZW_ATOMIC_ADD_FETCH(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define ZW_ATOMIC_SUB_FETCH(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)
#else
#error "zwasm needs GCC or Clang atomics (__atomic builtins)"
#endif

/* ThreadSanitizer builds (ZW_TSAN): ZW_TSAN_ACQUIRE / ZW_TSAN_RELEASE tell
 * it of an acquire or release that compiled wasm code (not instrumented)
 * performs; nothing in other builds. */
#if defined(__SANITIZE_THREAD__)
#define ZW_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ZW_TSAN 1
#endif
#endif
#ifdef ZW_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define ZW_TSAN_ACQUIRE(p) __tsan_acquire((void *)(p))
#define ZW_TSAN_RELEASE(p) __tsan_release((void *)(p))
#else
#define ZW_TSAN_ACQUIRE(p) ((void)0)
#define ZW_TSAN_RELEASE(p) ((void)0)
#endif

/* x86-64 inline assembly (GNU syntax): sem/ pins the operand order of
 * commutative float instructions with it */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
#define ZW_X86_64_ASM 1
#else
#define ZW_X86_64_ASM 0
#endif
/* AArch64 inline assembly, for the same */
#if (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
#define ZW_AARCH64_ASM 1
#else
#define ZW_AARCH64_ASM 0
#endif

#define ZW_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- values ----------------------------------------------------------- */
typedef union zw_v128 {
    uint8_t u8[16];
    int8_t i8[16];
    uint16_t u16[8];
    int16_t i16[8];
    uint32_t u32[4];
    int32_t i32[4];
    uint64_t u64[2];
    int64_t i64[2];
    float f32[4];
    double f64[2];
} zw_v128;

/* Bit-exact float <-> int reinterpretation (never changes a NaN payload). */
ZW_INLINE uint32_t zw_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
ZW_INLINE float zw_bits_f32(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
ZW_INLINE uint64_t zw_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
ZW_INLINE double zw_bits_f64(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

/* ---- memory ------------------------------------------------------------ */
/* Every allocation goes through an allocator (zwasm_allocator_t, given by
 * the embedder in zwasm_config_t): an engine keeps its own, and modules,
 * stores and everything in them use it.  A NULL allocator means the C
 * library's (used where no engine exists: the text format, the CLI).
 * The helpers return NULL on failure like malloc (callers report
 * ZWASM_ERR_NOMEM); zw_calloc and zw_realloc_array check n*size for
 * overflow; a request for 0 bytes allocates 1. */
typedef zwasm_allocator_t zw_alloc;
void *zw_malloc(const zw_alloc *a, size_t n);
void *zw_calloc(const zw_alloc *a, size_t n, size_t size);
void *zw_realloc_array(const zw_alloc *a, void *p, size_t n, size_t size);
void zw_free(const zw_alloc *a, void *p);
char *zw_strdup(const zw_alloc *a, const char *s);
/* The C library's allocator function (what a NULL allocator means). */
void *zw_libc_alloc(void *user, void *ptr, size_t size);

/* Growable byte buffer (the C library's allocator: the text format and
 * the CLI use it, never an engine). */
typedef struct zw_buf {
    uint8_t *data;
    size_t len, cap;
    bool oom; /* set once an allocation failed; further appends are dropped */
} zw_buf;

void zw_buf_free(zw_buf *b);
bool zw_buf_reserve(zw_buf *b, size_t extra);
void zw_buf_append(zw_buf *b, const void *p, size_t n);
void zw_buf_byte(zw_buf *b, uint8_t v);
void zw_buf_uleb(zw_buf *b, uint64_t v);
void zw_buf_sleb(zw_buf *b, int64_t v);
void zw_buf_printf(zw_buf *b, const char *fmt, ...) ZW_PRINTF(2, 3);

/* Growable typed array: struct { T *v; uint32_t n, cap; }, allocated with
 * the allocator a.  ZW_VEC_PUSH returns false on allocation failure. */
#define ZW_VEC(T) struct { T *v; uint32_t n, cap; }
#define ZW_VEC_GROW(a, vec)                                                    \
    ((vec)->n < (vec)->cap ||                                                   \
     zw_vec_grow_((a), (void **)&(vec)->v, &(vec)->cap, sizeof(*(vec)->v)))
#define ZW_VEC_PUSH(a, vec, x) (ZW_VEC_GROW(a, vec) ? ((vec)->v[(vec)->n++] = (x), true) : false)
#define ZW_VEC_FREE(a, vec) (zw_free((a), (vec)->v), (vec)->v = NULL, (vec)->n = (vec)->cap = 0)
bool zw_vec_grow_(const zw_alloc *a, void **v, uint32_t *cap, size_t elem);

/* ---- errors ------------------------------------------------------------ */
/* Fill *err (may be NULL) and return code.  offset is a byte offset in the
 * module binary (or (uint64_t)-1 when not applicable); func is a function
 * index or ZWASM_NO_FUNC. */
zwasm_result_t zw_err_set(zwasm_error_t *err, zwasm_result_t code, uint64_t offset,
                          uint32_t func, const char *fmt, ...) ZW_PRINTF(5, 6);
zwasm_result_t zw_trap_set(zwasm_error_t *err, zwasm_trap_kind_t kind, const char *fmt, ...)
    ZW_PRINTF(3, 4);
/* Copy n bytes of untrusted text (a name, a token, a host's message) into
 * dst (cap bytes, NUL-terminated, truncated at a character boundary) with
 * everything that could act on a terminal escaped: control characters and
 * bytes of invalid UTF-8 as \xHH, C1 controls and invisible/bidirectional
 * format characters as \u{HHHH}.  Returns the length written.  Every
 * message zw_err_set / zw_trap_set format goes through it. */
size_t zw_escape(char *dst, size_t cap, const char *src, size_t n);
/* Escape err->message in place (after a host function wrote it). */
void zw_err_sanitize(zwasm_error_t *err);
/* The canonical spec message of a trap kind ("integer divide by zero", ...). */
const char *zw_trap_message(zwasm_trap_kind_t kind);

/* ---- LEB128 readers ----------------------------------------------------- */
/* Read from [*p, end).  Return false on truncation or on an over-long /
 * out-of-range encoding (per the spec's limits for N-bit integers); *p is
 * advanced only on success. */
bool zw_read_u32(const uint8_t **p, const uint8_t *end, uint32_t *out);
bool zw_read_s32(const uint8_t **p, const uint8_t *end, int32_t *out);
bool zw_read_u64(const uint8_t **p, const uint8_t *end, uint64_t *out);
bool zw_read_s33(const uint8_t **p, const uint8_t *end, int64_t *out);
bool zw_read_s64(const uint8_t **p, const uint8_t *end, int64_t *out);

/* UTF-8 well-formedness check (used for names). */
bool zw_utf8_valid(const uint8_t *s, size_t n);

#endif
