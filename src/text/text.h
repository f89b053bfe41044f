/*
 * text.h — the text format: an S-expression reader, the WAT -> binary
 * encoder, and parsers for the constant/result forms of .wast scripts.
 *
 * Everything textual is turned into the binary format and then goes through
 * the same decoder and validator as a .wasm file; text-level errors are
 * ZWASM_ERR_MALFORMED with "line:col: message".
 */
#ifndef ZW_TEXT_H
#define ZW_TEXT_H

#include "../common.h"

/* ---- S-expressions ---------------------------------------------------------- */
typedef enum { ZW_SX_LIST, ZW_SX_ATOM, ZW_SX_STRING } zw_sx_kind;

typedef struct zw_sx {
    zw_sx_kind kind;
    uint32_t line, col;          /* 1-based position of the first character */
    /* ATOM: the token text (keywords, numbers, $ids), NUL-terminated.
     * STRING: the decoded bytes (escapes resolved), NUL-terminated, with
     *         the exact byte length in len (may contain NULs). */
    char *text;
    size_t len;
    struct zw_sx **items;        /* LIST */
    uint32_t nitems;
    const char *src;             /* the start of this form in the source text */
    size_t src_len;              /* its length in source bytes */
} zw_sx;

/* Parse a whole source text into a LIST node holding all top-level forms.
 * Handles line and (nested) block comments and annotations (skipped).
 * Returns NULL with err filled (ZWASM_ERR_MALFORMED) on a lexical error,
 * ZWASM_ERR_NOMEM when out of memory.
 *
 * Lists may nest ZW_SX_MAX_DEPTH deep; one more is "line:col: nesting too
 * deep" at the offending '('.  The reader and every pass over the tree
 * (wat_instr.c's folded instructions, zw_sx_free) use explicit heap stacks or
 * none, so the C stack does not grow with the nesting.  The limit is ten times
 * the 100,000 nested blocks the binary path is held to; it caps those heap
 * stacks (under 100 bytes per level) for hostile input, while the tree itself
 * is bounded by the input size anyway (every level costs at least one '('). */
#define ZW_SX_MAX_DEPTH 1000000u
zw_sx *zw_sx_parse(const char *src, size_t len, zwasm_error_t *err);
/* Free a tree returned by zw_sx_parse (the root only: a tree is one arena). */
void zw_sx_free(zw_sx *sx);

/* ---- WAT -> binary ----------------------------------------------------------- */
/* Encode one (module ...) form: text modules, (module binary "..."), and
 * (module quote "...") (the quoted text is parsed as a plain module, without
 * binary/quote forms of its own).  An optional $id after `module` is
 * returned in *id (malloc'd, NULL if none). */
zwasm_result_t zw_wat_encode_module(const zw_sx *module_form, zw_buf *out, char **id,
                                    zwasm_error_t *err);
/* A whole .wat file: either one (module ...) form or a sequence of module
 * fields without the wrapper. */
zwasm_result_t zw_wat_compile(const char *src, size_t len, zw_buf *out, zwasm_error_t *err);

/* ---- script values ------------------------------------------------------------- */
/* A constant or an expected result of a .wast command.  Reference forms
 * (heap types are module.h's ZW_HT_* codes):
 *   (ref.null ht)    REF_NULL, reftype = the abstract heap type's code
 *                    (ht: func extern any eq i31 struct array none nofunc
 *                    noextern exn noexn; the code equals the shorthand
 *                    zw_valtype / zwasm_valkind_t of the nullable reference,
 *                    0x70 funcref, 0x6F externref, 0x6E anyref, ...).  As an
 *                    argument: the null of that type; as a result: a null
 *                    reference (of that hierarchy).
 *   (ref.null)       REF_NULL, reftype = 0: result only, any null reference.
 *   (ref.extern N)   REF_EXTERN, u.i64 = N, host = false: host reference N as
 *                    an externref.
 *   (ref.host N)     REF_EXTERN, u.i64 = N, host = true: the same host value
 *                    N, seen inside the any hierarchy (what any.convert_extern
 *                    makes of (ref.extern N); extern.convert_any turns it back).
 *   (ref.func)       REF_OF (== REF_FUNC), reftype = ZW_HT_FUNC: result only,
 *                    any non-null funcref.
 *   (ref.any) (ref.eq) (ref.i31) (ref.struct) (ref.array) (ref.exn)
 *                    REF_OF, reftype = ZW_HT_ANY / EQ / I31 / STRUCT / ARRAY /
 *                    EXN: result only, any non-null reference whose value is
 *                    of that heap type (an i31 for ref.i31, a struct for
 *                    ref.struct, an i31/struct/array for ref.eq, anything
 *                    non-null of the any hierarchy for ref.any, an exception
 *                    for ref.exn).
 *   (ref.extern)     REF_EXTERN_ANY: result only, any non-null externref.
 * REF_OF is REF_FUNC's general name (the same value): matching must look at
 * reftype. */
typedef enum {
    ZW_WV_I32, ZW_WV_I64, ZW_WV_F32, ZW_WV_F64, ZW_WV_V128,
    ZW_WV_REF_NULL,   /* (ref.null ht), (ref.null): see above */
    ZW_WV_REF_EXTERN, /* (ref.extern N), (ref.host N) */
    ZW_WV_REF_FUNC,   /* (ref.func) and the other REF_OF patterns */
    ZW_WV_REF_OF = ZW_WV_REF_FUNC, /* a non-null reference of heap type reftype */
    ZW_WV_REF_EXTERN_ANY, /* (ref.extern) in a result without a number */
    ZW_WV_EITHER,     /* (either r1 r2 ...) in results */
} zw_wv_kind;

typedef enum { ZW_NAN_NONE = 0, ZW_NAN_CANONICAL, ZW_NAN_ARITHMETIC } zw_nan_pat;

typedef struct zw_wvalue {
    zw_wv_kind kind;
    uint32_t reftype;       /* REF_NULL, REF_OF: a heap type code (REF_NULL: 0 for any) */
    bool host;              /* REF_EXTERN: written (ref.host N) */
    uint8_t lane_shape;     /* V128: 0 i8x16, 1 i16x8, 2 i32x4, 3 i64x2, 4 f32x4, 5 f64x2 */
    zw_nan_pat nan[4];      /* per lane for f32x4/f64x2; nan[0] for scalar floats */
    union {
        uint32_t i32;       /* also f32 bits */
        uint64_t i64;       /* also f64 bits, extern N */
        zw_v128 v128;
    } u;
    struct zw_wvalue *alts; /* EITHER: the alternatives */
    uint32_t nalts;
} zw_wvalue;

/* Parse one value form such as (i32.const 1), (f32.const nan:canonical),
 * (v128.const f32x4 1 nan:arithmetic 2 3), (ref.null func), (ref.extern 7),
 * (ref.host 7), (ref.func), (ref.struct), (either ...).  `pattern` (results)
 * allows nan:canonical/arithmetic, (ref.null), (ref.func), (ref.extern),
 * the REF_OF forms and (either ...). */
zwasm_result_t zw_wast_parse_value(const zw_sx *form, bool pattern, zw_wvalue *out,
                                   zwasm_error_t *err);
void zw_wvalue_free(zw_wvalue *v);

/* ---- internal helpers shared by the text/ files ---------------------------------- */
/* Number literals.  Results: OK, MALFORMED ("unknown operator"), RANGE
 * ("constant out of range"). */
typedef enum { ZW_NUM_OK = 0, ZW_NUM_MALFORMED, ZW_NUM_RANGE } zw_num_res;
/* Unsigned literal (decimal or 0x hex, '_' separators, no sign) <= max. */
zw_num_res zw_num_uint(const char *s, uint64_t max, uint64_t *out);
/* iN literal (bits 8/16/32/64): unsigned up to 2^N-1 or signed down to
 * -2^(N-1); *out is the two's complement value masked to N bits. */
zw_num_res zw_num_int(const char *s, unsigned bits, uint64_t *out);
zw_num_res zw_num_f32(const char *s, uint32_t *bits);
zw_num_res zw_num_f64(const char *s, uint64_t *bits);
const char *zw_num_msg(zw_num_res r);
/* Characters allowed in keywords, $ids and numbers. */
bool zw_sx_idchar(unsigned char c);

#endif
