/*
 * wat_internal.h — private state shared by the WAT encoder files
 * (wat_ctx.c, wat_instr.c, wat_module.c).  Not part of any contract.
 */
#ifndef ZW_WAT_INTERNAL_H
#define ZW_WAT_INTERNAL_H

#include "valtype.h"
#include "text/text.h"


/* id ($name, borrowed from the S-expression tree) -> index. */
typedef struct wt_names {
    struct wt_name_slot { const char *id; uint32_t idx; } *slots;
    uint32_t cap, n;
} wt_names;

/* Index spaces.  WT_FUNC .. WT_TAG are in the order of the binary's
 * import/export kinds (kind = ns - WT_FUNC). */
enum { WT_TYPE, WT_FUNC, WT_TABLE, WT_MEM, WT_GLOBAL, WT_TAG, WT_ELEM, WT_DATA, WT_NS };

/* A defined type (GC "sub type"). */
typedef struct wt_type {
    uint8_t kind;        /* ZW_COMP_FUNC / ZW_COMP_STRUCT / ZW_COMP_ARRAY */
    uint32_t np, nr;     /* FUNC: np params then nr results in t[] */
    uint32_t nfields;    /* STRUCT, ARRAY (1): storage types in t[], mutability in mut[] */
    zw_valtype *t;
    uint8_t *mut;
    wt_names fields;     /* STRUCT: field $ids -> field index */
    bool sub;            /* written as (sub ...): encoded with 0x50 / 0x4F */
    bool final;
    bool alone;          /* the only type of its recursion group */
    uint32_t nsuper;
    uint32_t *supers;
} wt_type;

/* A recursion group: types first .. first+count-1; rec when written as
 * (rec ...) (0x4E vec(subtype)), else one type encoded alone. */
typedef struct wt_group {
    uint32_t first, count;
    bool rec;
} wt_group;

/* Label kinds of the label stack. */
enum {
    WT_L_BLOCK, WT_L_LOOP, WT_L_IF, WT_L_ELSE, /* ELSE: no (further) else */
    WT_L_TRY,       /* legacy try before any catch: catch, catch_all, delegate may follow */
    WT_L_CATCH,     /* after a catch: catch, catch_all may follow */
    WT_L_CATCH_ALL, /* after catch_all: only end */
};

#define WT_OPHASH 1024

typedef struct wt_mod {
    zwasm_error_t *err;
    ZW_VEC(wt_type) types;
    ZW_VEC(wt_group) groups;
    wt_names ns[WT_NS];
    uint32_t count[WT_NS]; /* pass 1: definitions seen per index space */
    uint16_t ophash[WT_OPHASH]; /* opcode index + 1, open addressing */
    bool uses_data_instr;
    zwasm_result_t code; /* set by zw_wt_fail / zw_wt_nomem */
    const zw_sx *pos; /* the form being encoded: position for errors at a missing token */
} wt_mod;

typedef struct wt_label {
    const char *id; /* NULL when unnamed */
    uint8_t kind;   /* WT_L_* */
} wt_label;

typedef struct wt_func {
    wt_mod *m;
    wt_names locals;
    uint32_t nlocals;
    ZW_VEC(wt_label) labels;
    zw_buf *out;
} wt_func;

/* Errors: "line:col: message" at node (may be NULL); always returns false. */
bool zw_wt_fail(wt_mod *m, const zw_sx *node, const char *fmt, ...) ZW_PRINTF(3, 4);
bool zw_wt_nomem(wt_mod *m);

/* Names. */
bool zw_wt_names_add(wt_mod *m, wt_names *ns, const zw_sx *id, uint32_t idx, const char *what);
bool zw_wt_names_get(const wt_names *ns, const char *id, uint32_t *idx);
void zw_wt_names_free(wt_names *ns);

/* Helpers on nodes. */
static inline bool zw_wt_is_atom(const zw_sx *s, const char *text) {
    return s && s->kind == ZW_SX_ATOM && !strcmp(s->text, text);
}
static inline bool zw_wt_is_id(const zw_sx *s) {
    return s && s->kind == ZW_SX_ATOM && s->text[0] == '$' && s->text[1];
}
/* A list whose first item is the keyword kw. */
static inline bool zw_wt_is_list(const zw_sx *s, const char *kw) {
    return s && s->kind == ZW_SX_LIST && s->nitems > 0 && zw_wt_is_atom(s->items[0], kw);
}
/* Atom that looks like an index: $id or an unsigned number. */
static inline bool zw_wt_is_idx(const zw_sx *s) {
    return s && s->kind == ZW_SX_ATOM && (s->text[0] == '$' || (s->text[0] >= '0' && s->text[0] <= '9'));
}

/* Resolve an index (number or $id) in index space ns; locals/labels have
 * their own helpers in wat_instr.c. */
bool zw_wt_idx(wt_mod *m, int ns, const zw_sx *s, uint32_t *out);
bool zw_wt_u32(wt_mod *m, const zw_sx *s, uint32_t *out);
/* Value types: numbers, shorthands (funcref, anyref, ...) and (ref null? ht),
 * as zw_valtype (module.h); heap types are abstract codes or ZW_HT_IDX + a
 * type index.  Storage types add i8 / i16 (ZW_I8 / ZW_I16). */
bool zw_wt_heaptype(wt_mod *m, const zw_sx *s, uint32_t *out);
bool zw_wt_reftype(wt_mod *m, const zw_sx *s, zw_valtype *out);
bool zw_wt_valtype(wt_mod *m, const zw_sx *s, zw_valtype *out);
bool zw_wt_storagetype(wt_mod *m, const zw_sx *s, zw_valtype *out);
/* Binary encodings: a heap type (code byte or s33 index), a value type. */
void zw_wt_put_heaptype(zw_buf *b, uint32_t ht);
void zw_wt_put_valtype(zw_buf *b, zw_valtype t);
/* Whether s is a value type keyword or a (ref ...) form. */
bool zw_wt_is_valtype(const zw_sx *s);

/* Function types.  find_or_add: the first type that is a function type equal
 * to t (np params, nr results), final, without supertypes and alone in its
 * recursion group; else a new such type at the end. */
uint32_t zw_wt_type_find_or_add(wt_mod *m, const zw_valtype *t, uint32_t np, uint32_t nr, bool *ok);
void zw_wt_type_free(wt_type *t);

/* A parsed type use. */
typedef struct wt_sig {
    bool has_type, has_inline;
    uint32_t typeidx;
    ZW_VEC(zw_valtype) params;
    ZW_VEC(zw_valtype) results;
    ZW_VEC(const zw_sx *) param_ids; /* one per param (NULL when unnamed) */
} wt_sig;
/* Parse (type x)? (param ...)* (result ...)* at items[*pos...].  Param ids
 * are only allowed when allow_ids. */
bool zw_wt_sig_parse(wt_mod *m, zw_sx *const *items, uint32_t n, uint32_t *pos, bool allow_ids,
                     wt_sig *sig);
/* Resolve a parsed sig to a type index (checking an inline signature against
 * the referenced type, or finding / appending the implicit type).  When
 * nparams is not NULL it receives the number of parameters. */
bool zw_wt_sig_resolve(wt_mod *m, const zw_sx *where, wt_sig *sig, uint32_t *typeidx,
                       uint32_t *nparams);
void zw_wt_sig_free(wt_sig *sig);

/* Instructions (wat_instr.c). */
void zw_wt_ophash_init(wt_mod *m);
/* Encode an instruction sequence items[0..n) (flat and folded) into f->out;
 * the caller appends the final `end`. */
bool zw_wt_instrs(wt_func *f, zw_sx *const *items, uint32_t n);
void zw_wt_func_free(wt_func *f);

#endif
