/*
 * module.h — the in-memory form of a decoded module (output of decode/,
 * input of validate/, ir/, runtime/ and api/).
 *
 * A zw_module owns a private copy of the binary; code bodies, constant
 * expressions, data segment bytes and names point into that copy.
 * Index spaces (functions, tables, memories, globals, tags) list imports
 * first, then definitions, exactly as in the specification.
 *
 * Room for Wasm 3.0: value types are 32-bit (typed references carry a heap
 * type and nullability), memories carry is64 / page size, every memory
 * access carries a memory index, types are "composite types" grouped in
 * recursion groups (only function types exist today), tags have a slot.
 */
#ifndef ZW_MODULE_H
#define ZW_MODULE_H

#include "common.h"

#include "valtype.h"

/* ---- types ----------------------------------------------------------------- */
typedef struct zw_functype {
    uint32_t nparams, nresults;
    zw_valtype *params;  /* nparams entries followed by nresults entries */
    zw_valtype *results; /* == params + nparams */
} zw_functype;


/* A field of a struct or the element of an array: a value type or a packed
 * storage type (ZW_I8, ZW_I16). */
typedef struct zw_fieldtype {
    zw_valtype type;
    bool mut;
} zw_fieldtype;

#define ZW_NO_TYPE UINT32_MAX

/* A defined type (a "sub type" of the GC proposal): a composite type, its
 * declared supertype and finality, and the recursion group it belongs to.
 * Heap types inside it are indices of the same index space as the type
 * itself (module type indices in a module, canonical ids in a store). */
typedef struct zw_type {
    zw_comp_kind kind;
    zw_functype func;      /* ZW_COMP_FUNC */
    uint32_t nfields;      /* ZW_COMP_STRUCT: the fields; ZW_COMP_ARRAY: 1 */
    zw_fieldtype *fields;
    uint32_t super;        /* the declared supertype, or ZW_NO_TYPE */
    bool final;
    uint32_t rec_first, rec_count; /* its recursion group: types rec_first .. +rec_count-1 */
    /* Set by the validator (module) or the store (canonical ids): the
     * smallest index of an equivalent type (iso-recursive equivalence), so
     * types a and b are equal iff canon[a] == canon[b]; and the length of
     * its supertype chain. */
    uint32_t canon;
    uint32_t depth;
    /* In a zw_typetab only: the supertype display, the ids of the type's
     * supertype chain from the root (supers[0]) to itself (supers[depth]),
     * so "a <: b" is one compare: depth(a) >= depth(b) && a.supers[depth(b)] == b. */
    uint32_t *supers;
    /* In a zw_typetab only, the layout of a GC object of this type
     * (runtime/gc.c): a struct's field offsets (field_off[nfields] is the
     * payload size), an array's element size (elem_size). */
    uint32_t *field_off;
    uint32_t elem_size;
} zw_type;



typedef struct zw_limits {
    uint64_t min, max;
    bool has_max;
} zw_limits;

typedef struct zw_tabletype {
    zw_valtype elem;
    zw_limits lim;
    bool is64; /* table64: i64 indices */
} zw_tabletype;

typedef struct zw_memtype {
    zw_limits lim; /* in pages */
    bool is64;     /* memory64: i64 addresses */
    bool shared;   /* threads, later */
    uint8_t page_log2; /* log2 of the page size: 16 (64 KiB), or 0 (custom-page-sizes) */
} zw_memtype;

typedef struct zw_globaltype {
    zw_valtype type;
    bool mut;
} zw_globaltype;

typedef enum zw_extkind {
    ZW_EXT_FUNC = 0,
    ZW_EXT_TABLE = 1,
    ZW_EXT_MEM = 2,
    ZW_EXT_GLOBAL = 3,
    ZW_EXT_TAG = 4,
} zw_extkind;

/* ---- sections ---------------------------------------------------------------- */
typedef struct zw_name {
    const char *str; /* points into the module's bytes, NOT NUL-terminated */
    uint32_t len;
} zw_name;

typedef struct zw_import {
    zw_name module, name;
    zw_extkind kind;
    union {
        uint32_t func_type; /* type index */
        zw_tabletype table;
        zw_memtype mem;
        zw_globaltype global;
        uint32_t tag_type;
    } u;
    uint64_t offset; /* byte offset of the import entry, for messages */
} zw_import;

typedef struct zw_export {
    zw_name name;
    zw_extkind kind;
    uint32_t index;
} zw_export;

/* A constant expression: the raw bytes of its instruction sequence,
 * including the final 0x0B end. */
typedef struct zw_expr {
    const uint8_t *code;
    uint32_t len;
    uint64_t offset; /* byte offset in the binary */
} zw_expr;

typedef struct zw_func {
    uint32_t type_idx;
    bool imported;
    /* Defined functions only: */
    uint32_t nlocals;         /* declared locals, excluding parameters */
    zw_valtype *locals;       /* nlocals entries (runs expanded) */
    const uint8_t *code;      /* the instruction sequence (after the locals) */
    uint32_t code_len;        /* up to and including the final end */
    uint64_t code_offset;     /* byte offset of `code` in the binary */
    uint64_t body_offset;     /* byte offset of the body (its size field) */
} zw_func;

typedef struct zw_table {
    zw_tabletype type;
    bool imported;
    bool has_init;  /* table with an init expression (function-references, later) */
    zw_expr init;
} zw_table;

typedef struct zw_mem {
    zw_memtype type;
    bool imported;
} zw_mem;

typedef struct zw_global {
    zw_globaltype type;
    bool imported;
    zw_expr init; /* defined globals */
} zw_global;

/* A tag (exception handling): the index of its function type (no results). */
typedef struct zw_tag {
    uint32_t type_idx;
    bool imported;
} zw_tag;

typedef enum { ZW_SEG_ACTIVE, ZW_SEG_PASSIVE, ZW_SEG_DECLARATIVE } zw_segmode;

typedef struct zw_elem {
    zw_segmode mode;
    uint32_t table;     /* active */
    zw_expr offset;     /* active */
    zw_valtype type;    /* element type (funcref for the legacy forms) */
    uint32_t count;
    /* Exactly one of the two is non-NULL (when count > 0): */
    uint32_t *funcs;    /* function indices (elemkind 0x00 forms) */
    zw_expr *exprs;     /* constant expressions (expression forms) */
    uint64_t offset_in_file;
} zw_elem;

typedef struct zw_data {
    zw_segmode mode;    /* ACTIVE or PASSIVE */
    uint32_t mem;       /* active */
    zw_expr offset;     /* active */
    const uint8_t *bytes;
    uint32_t len;
    uint64_t offset_in_file;
} zw_data;

typedef struct zw_custom {
    zw_name name;
    const uint8_t *data;
    uint32_t len;
    uint64_t offset;
} zw_custom;

struct zw_ir_func; /* ir/ir.h */

typedef struct zw_module {
    zw_alloc al; /* every allocation of the module and its code (the engine's) */
    uint32_t features; /* ZWASM_FEATURE_* the module was decoded and validated with */
    uint8_t *bytes; /* owned copy of the binary */
    size_t nbytes;

    uint32_t ntypes;
    zw_type *types;

    uint32_t nimports;
    zw_import *imports;

    /* index spaces: imports first */
    uint32_t nfuncs, nfunc_imports;
    zw_func *funcs;
    uint32_t ntables, ntable_imports;
    zw_table *tables;
    uint32_t nmems, nmem_imports;
    zw_mem *mems;
    uint32_t nglobals, nglobal_imports;
    zw_global *globals;
    uint32_t ntags, ntag_imports;
    zw_tag *tags;

    uint32_t nexports;
    zw_export *exports;

    bool has_start;
    uint32_t start;

    uint32_t nelems;
    zw_elem *elems;

    bool has_datacount;
    uint32_t datacount;
    uint32_t ndatas;
    zw_data *datas;

    uint32_t ncustoms;
    zw_custom *customs;

    /* From the "name" custom section (all optional; NULL/0 when absent). */
    zw_name module_name;
    zw_name *func_names; /* nfuncs entries, .str == NULL when unnamed */

    /* Functions referenced outside function bodies (exports, elements,
     * globals): the C.refs set for ref.func validation.  nfuncs booleans. */
    bool *func_declared;

    /* Lowered code, one per defined function, filled by ir/ (index
     * nfunc_imports + i is ir[i]). */
    struct zw_ir_func **ir;
    uint8_t *inlinable; /* per defined function: how calls of it are inlined, 0 unknown (ir/lower.c) */
    /* The execution engine's form of the code (its own layout), and the
     * engine interface that made it (a zw_backend; it outlives engines). */
    void *engine_code;
    const void *backend;
    /* Set by the layer that attaches ir and engine_code: frees them;
     * zw_module_free calls it first. */
    void (*dispose)(struct zw_module *m);
    bool trace; /* set by the API before lowering: emit per-instruction trace hooks */
    bool fuel;  /* set by the API before lowering: emit fuel checks (loops, function entry) */
    bool perf_map; /* set by the API: the JIT announces compiled code in /tmp/perf-<pid>.map */
    /* Set by the API: 1 for the zwasm_module_t handle plus 1 per live
     * instance, so zwasm_module_delete before zwasm_store_delete is safe.
     * 0 (as left by zw_decode) means "not reference counted".  Changed
     * atomically (zw_module_retain/release): stores on several threads may
     * instantiate one module. */
    uint32_t refs;
    /* Set by the API: the engine whose configuration the code was lowered
     * for (compared, never dereferenced). */
    const void *engine;
} zw_module;

/* decode/decode.c: parse a binary module.  Malformed input returns
 * ZWASM_ERR_MALFORMED with the byte offset; Wasm 2.0 validity rules that
 * the decoder can check cheaply (counts, indices inside sections) are left to
 * the validator. */
zwasm_result_t zw_decode(const zw_alloc *al, uint32_t features, const uint8_t *bytes, size_t len,
                         zw_module **out, zwasm_error_t *err);
void zw_module_free(zw_module *m);
/* Take / drop a reference of a reference-counted module (refs != 0); the
 * last release frees it. */
static inline void zw_module_retain(zw_module *m) {
    if (ZW_ATOMIC_LOAD(&m->refs)) ZW_ATOMIC_ADD_FETCH(&m->refs, 1u);
}
static inline void zw_module_release(zw_module *m) {
    if (ZW_ATOMIC_LOAD(&m->refs) && ZW_ATOMIC_SUB_FETCH(&m->refs, 1u) == 0) zw_module_free(m);
}

/* validate/validate.c: the validation algorithm of the specification.
 * Returns ZWASM_ERR_INVALID with offset and function index on failure. */
zwasm_result_t zw_validate(zw_module *m, zwasm_error_t *err);

/* decode/instr.c: read one instruction (opcode and immediates) of a function
 * body or constant expression at *pp (< end), advancing *pp past it.
 * base is the start of the module binary (for error offsets), func the
 * function index for messages (ZWASM_NO_FUNC outside functions).
 * Malformed encodings return ZWASM_ERR_MALFORMED.  Immediates:
 *   BLOCK: bt_kind 0 = empty, 1 = value type in a, 2 = type index in a
 *   LABEL/FUNC/LOCAL/GLOBAL/TABLE/ELEM/DATA/MEM: a
 *   CALLIND: a = type index, b = table;  ELEM_TABLE: a = elem, b = table
 *   DATA_MEM: a = data, b = memory;  TABLE_TABLE / MEM_MEM: a = dst, b = src
 *   BRTABLE: a = number of targets (LEB128 u32s at tbl), b = default
 *   MEMARG: align (log2), mem, offset;  LANE / MEMARG_LANE: lane
 *   I32/I64: imm (sign-extended);  F32/F64: v.u32[0] / v.u64[0] bits
 *   V128/SHUFFLE: v;  SELECT_T: a = number of types, b = the first type
 *   HEAPTYPE: a = heap type (ZW_HT_* or ZW_HT_IDX + type index)
 *   TYPE / TAG: a;  TYPE_FIELD / TYPE_N / TYPE_DATA / TYPE_ELEM / TYPE_TYPE: a, b
 *   TRY_TABLE: the block type as BLOCK, b = number of catch clauses at tbl
 *   BR_ON_CAST: flags, a = label, b = source heap type, c = target heap type */
typedef struct zw_instr {
    uint32_t op; /* zw_op from opcodes.h */
    uint32_t a, b, c;
    uint8_t bt_kind;
    uint8_t lane;
    uint8_t flags;
    uint32_t align, mem;
    uint64_t offset;
    int64_t imm;
    zw_v128 v;
    const uint8_t *tbl;
} zw_instr;
/* One instruction at *pp (base: the module's bytes, for offsets; features:
 * ZWASM_FEATURE_* that change the encoding). */
zwasm_result_t zw_read_instr(const uint8_t *base, uint32_t features, const uint8_t **pp,
                             const uint8_t *end, uint32_t func, zw_instr *out, zwasm_error_t *err);

/* One catch clause of try_table at *pp (decoded already by zw_read_instr,
 * so it is well-formed): kind 0 catch, 1 catch_ref (with a tag), 2
 * catch_all, 3 catch_all_ref; the tag (UINT32_MAX for the catch_all
 * kinds) and the label. */
enum { ZW_CATCH = 0, ZW_CATCH_REF = 1, ZW_CATCH_ALL = 2, ZW_CATCH_ALL_REF = 3 };
void zw_read_catch(const uint8_t **pp, const uint8_t *end, uint8_t *kind, uint32_t *tag, uint32_t *label);

/* The address type of memory or table x (memory64, table64): i64 when it
 * is 64-bit, else i32; the type of its addresses, indices and sizes. */
static inline zw_valtype zw_mem_addr_type(const zw_module *m, uint32_t x) {
    return x < m->nmems && m->mems[x].type.is64 ? ZW_I64 : ZW_I32;
}
static inline zw_valtype zw_table_addr_type(const zw_module *m, uint32_t x) {
    return x < m->ntables && m->tables[x].type.is64 ? ZW_I64 : ZW_I32;
}
/* The type of memory.copy's / table.copy's count between objects of address
 * types a and b: i64 only when both are 64-bit. */
static inline zw_valtype zw_copy_count_type(zw_valtype a, zw_valtype b) {
    return a == ZW_I64 && b == ZW_I64 ? ZW_I64 : ZW_I32;
}

/* The most pages memory type t may have: as many as its address type can
 * address, and no more than 2^32-1 (i32) or 2^64-1 (i64). */
static inline uint64_t zw_mem_max_pages(const zw_memtype *t) {
    unsigned bits = t->is64 ? 64 : 32;
    uint64_t all = t->is64 ? UINT64_MAX : 0xFFFFFFFFull;
    if (t->page_log2 == 0 || t->page_log2 >= bits) return all;
    uint64_t n = (uint64_t)1 << (bits - t->page_log2);
    return n < all ? n : all;
}

/* ---- types.c: type equivalence and subtyping ---------------------------------
 * A canonical type table: recursion groups interned by structure, so that
 * equal types get equal ids.  Heap types inside its zw_types are its own
 * ids; each type's canon is its id. */
typedef struct zw_typetab {
    ZW_VEC(zw_type) v;
    uint32_t *index; /* open addressing over groups: first id + 1, 0 empty */
    uint32_t cap;
} zw_typetab;
/* Intern the group types[first .. first+count) (types of a validated
 * module: heap types index `types`; ids[] holds the table ids of the types
 * before first) and write its members' ids to ids[first ..].  false: out of
 * memory, or more ids than a zw_valtype can carry. */
bool zw_typetab_add_group(zw_typetab *t, const zw_alloc *al, const zw_type *types, uint32_t first,
                          uint32_t count, uint32_t *ids);
void zw_typetab_free(zw_typetab *t, const zw_alloc *al);
/* Subtyping, where type indices in heap types index `types` and equal
 * types have equal .canon (a validated module's types, or a table's). */
bool zw_heap_sub(const zw_type *types, uint32_t a, uint32_t b);
bool zw_valtype_sub(const zw_type *types, zw_valtype a, zw_valtype b);
bool zw_valtype_eq(const zw_type *types, zw_valtype a, zw_valtype b);
bool zw_comp_sub(const zw_type *types, const zw_type *a, const zw_type *b);
/* Implementation limits of GC types and instructions (the JS API's). */
#define ZW_MAX_SUBTYPE_DEPTH 63u
#define ZW_MAX_ARRAY_NEW_FIXED 10000u
/* The offset of field f in a GC object's payload of struct type t (fields
 * at their natural alignment, in order); f == nfields: the payload's size. */
uint32_t zw_struct_field_offset(const zw_type *t, uint32_t f);
/* The layout of GC objects (runtime/gc.c), for compiled code: an 8-byte
 * header; a struct's fields from ZW_GC_PAYLOAD; an array's u32 length at
 * ZW_GC_PAYLOAD and its elements from ZW_GC_ELEMS. */
#define ZW_GC_PAYLOAD 8
#define ZW_GC_ELEMS 16
/* The top of ht's hierarchy: ZW_HT_FUNC, ZW_HT_EXTERN, ZW_HT_EXN or ZW_HT_ANY. */
uint32_t zw_heap_top(const zw_type *types, uint32_t ht);

/* Function type of tag index x (its params are the payload). */
static inline const zw_functype *zw_tag_type(const zw_module *m, uint32_t x) {
    return &m->types[m->tags[x].type_idx].func;
}

/* Function type of function index fi. */
static inline const zw_functype *zw_func_type(const zw_module *m, uint32_t fi) {
    return &m->types[m->funcs[fi].type_idx].func;
}

#endif
