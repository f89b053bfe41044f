/*
 * valtype.h — the encoding of value types (zw_valtype), heap types and
 * composite type kinds: facts every layer may use (the decoder, the
 * validator, the runtime, the engines, and the text format, which writes
 * them).  The structures built from them are module.h's.
 */
#ifndef ZW_VALTYPE_H
#define ZW_VALTYPE_H

#include "common.h"

/* ---- value types ----------------------------------------------------------
 * zw_valtype is 32 bits:
 *   number types: the binary code byte (0x7F i32 ... 0x7B v128);
 *   a nullable reference to an abstract heap type: its shorthand code byte
 *   (0x70 funcref, 0x6F externref, 0x6E anyref, ... 0x69 exnref), however
 *   it was written, so that Wasm 2.0 types (and the API's value kinds,
 *   zwasm_valkind_t) are the same numbers;
 *   every other reference: bits 0..7 ZW_REF_NULL (0x63, nullable) or ZW_REF
 *   (0x64, non-null), bits 8..31 the heap type:
 *     < 0x100  an abstract heap type, by its binary code (ZW_HT_FUNC 0x70 ...);
 *     >= 0x100 a defined type, ZW_HT_IDX + index.  The index is a type index
 *              of the module the type appears in, or a canonical type id of
 *              a store (runtime/), as each structure says.
 *   packed storage types of fields are ZW_I8 / ZW_I16.
 * Equal types have equal encodings (within one index space). */
typedef uint32_t zw_valtype;
enum {
    ZW_I32 = 0x7F,
    ZW_I64 = 0x7E,
    ZW_F32 = 0x7D,
    ZW_F64 = 0x7C,
    ZW_V128 = 0x7B,
    ZW_I8 = 0x78,   /* packed field storage types (GC) */
    ZW_I16 = 0x77,
    ZW_REF_NULL = 0x63,
    ZW_REF = 0x64,
};
/* Abstract heap types (their binary codes). ZW_HT_BOT is the validator's
 * bottom of an unreachable stack, never in a module. */
enum {
    ZW_HT_BOT = 0x01,
    ZW_HT_EXN = 0x69,
    ZW_HT_ARRAY = 0x6A,
    ZW_HT_STRUCT = 0x6B,
    ZW_HT_I31 = 0x6C,
    ZW_HT_EQ = 0x6D,
    ZW_HT_ANY = 0x6E,
    ZW_HT_EXTERN = 0x6F,
    ZW_HT_FUNC = 0x70,
    ZW_HT_NONE = 0x71,
    ZW_HT_NOEXTERN = 0x72,
    ZW_HT_NOFUNC = 0x73,
    ZW_HT_NOEXN = 0x74,
    ZW_HT_IDX = 0x100, /* + type index */
};
#define ZW_HT_MAX_IDX ((1u << 23) - ZW_HT_IDX) /* type indices a valtype can carry */
static inline bool zw_heap_is_idx(uint32_t ht) { return ht >= ZW_HT_IDX; }
static inline zw_valtype zw_ref_type(uint32_t ht, bool nullable) {
    if (nullable && !zw_heap_is_idx(ht) && ht != ZW_HT_BOT) return ht;
    return (ht << 8) | (nullable ? ZW_REF_NULL : ZW_REF);
}
#define ZW_FUNCREF ((zw_valtype)ZW_HT_FUNC)
#define ZW_EXTERNREF ((zw_valtype)ZW_HT_EXTERN)
#define ZW_EXNREF ((zw_valtype)ZW_HT_EXN)
static inline bool zw_is_ref(zw_valtype t) {
    if (t < 0x100) return t >= ZW_HT_EXN && t <= ZW_HT_NOEXN;
    return (t & 0xFF) == ZW_REF || (t & 0xFF) == ZW_REF_NULL;
}
static inline bool zw_is_num(zw_valtype t) { return t >= ZW_V128 && t <= ZW_I32; }
static inline bool zw_ref_nullable(zw_valtype t) { return t < 0x100 || (t & 0xFF) == ZW_REF_NULL; }
static inline uint32_t zw_ref_heap(zw_valtype t) { return t < 0x100 ? t : t >> 8; }
/* A type a local may have without an initialisation rule: numbers and
 * nullable references have a default value. */
static inline bool zw_defaultable(zw_valtype t) { return !zw_is_ref(t) || zw_ref_nullable(t); }
/* Number of 8-byte value slots a value of this type occupies (v128: 2). */
static inline uint32_t zw_slots(zw_valtype t) { return t == ZW_V128 ? 2 : 1; }
/* "i32", "funcref", "(ref null 3)", ... in buf (ZW_VALTYPE_BUF bytes); returns buf. */
#define ZW_VALTYPE_BUF 32
const char *zw_valtype_str(zw_valtype t, char *buf);
/* Short name for messages without a buffer: exact for numbers and the
 * abstract references, "ref" for references to a defined type. */
const char *zw_valtype_name(zw_valtype t);

typedef enum { ZW_COMP_FUNC = 0, ZW_COMP_STRUCT = 1, ZW_COMP_ARRAY = 2 } zw_comp_kind;

/* Bytes a field of storage type t takes in a GC object: i8 1, i16 2,
 * i32/f32 4, v128 16, everything else (i64, f64, references) 8. */
static inline uint32_t zw_storage_size(zw_valtype t) {
    switch (t) {
    case ZW_I8: return 1;
    case ZW_I16: return 2;
    case ZW_I32: case ZW_F32: return 4;
    case ZW_V128: return 16;
    }
    return 8;
}
/* The value type a field of storage type t is read as (i8/i16: i32). */
static inline zw_valtype zw_unpacked(zw_valtype t) { return t == ZW_I8 || t == ZW_I16 ? ZW_I32 : t; }

#endif
