/*
 * validate.c — the validation algorithm of the WebAssembly specification
 * (Wasm 2.0: MVP, multi-value, sign extension, saturating conversions, bulk
 * memory, reference types, SIMD-128): module-level rules (types, imports,
 * limits, exports, start, segments, constant expressions) and the
 * operand/control-stack algorithm for function bodies.  Instruction typing
 * comes from the signatures and immediate kinds of opcodes.def; only the
 * instructions marked S_SPECIAL are typed by hand here.
 *
 * Failures return ZWASM_ERR_INVALID with the byte offset of the offending
 * instruction or entry and the function index.
 */
#include <stdarg.h>
#include <stdio.h>

#include "../module.h"
#include "../opcodes.h"

/* The proposals the validator's rules depend on, from the module's
 * ZWASM_FEATURE_* bits (the others only add instructions and types, which
 * the decoder refuses when they are off). */
typedef struct zw_vfeatures {
    bool multi_value;      /* several results (block types by index: the decoder) */
    bool reference_types;  /* several tables */
    bool multi_memory;     /* several memories, memory index in memargs */
    bool memory64;         /* i64 addresses */
    bool extended_const;   /* i32/i64 add/sub/mul in constant expressions */
    bool gc_globals;       /* global.get of any earlier immutable global */
} zw_vfeatures;


#define T_UNKNOWN 0u /* the bottom type of the polymorphic stack */
static const zw_valtype empty_types[1] = {0};

/* C_TRY, C_CATCH, C_CATCH_ALL: the legacy try and its handlers */
typedef enum { C_BLOCK, C_LOOP, C_IF, C_ELSE, C_FUNC, C_TRY, C_CATCH, C_CATCH_ALL } ctrl_kind;

typedef struct ctrl {
    ctrl_kind kind;
    uint32_t np, nr;
    const zw_valtype *p, *r; /* NULL with n == 1: the type is in `single` */
    zw_valtype single;
    uint32_t height;
    uint32_t init_height; /* locals set since the block began: inits[init_height..] */
    bool unreachable;
} ctrl;

typedef struct vctx {
    const zw_module *m;
    const zw_vfeatures *feat;
    zwasm_error_t *err;
    uint32_t func;     /* current function index or ZWASM_NO_FUNC */
    uint64_t at;       /* offset of the current instruction */
    /* function body state */
    const zw_functype *ft;
    const zw_func *f;
    ZW_VEC(zw_valtype) vals;
    ZW_VEC(ctrl) ctrls;
    ZW_VEC(zw_valtype) tmp;
    /* Local initialisation (non-defaultable locals): linit[i] says local i
     * is set; inits lists the locals set in the open blocks, to forget at
     * each block's end. */
    bool *linit;
    uint32_t nlinit;
    ZW_VEC(uint32_t) inits;
} vctx; /* err is never NULL: zw_validate supplies a local one */

static bool verr(vctx *v, const char *fmt, ...) ZW_PRINTF(2, 3);
static bool verr(vctx *v, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    zw_err_set(v->err, ZWASM_ERR_INVALID, v->at, v->func, "%s", msg);
    return false;
}

static bool vnomem(vctx *v) {
    zw_err_set(v->err, ZWASM_ERR_NOMEM, v->at, v->func, "out of memory");
    return false;
}

/* ---- helpers derived from the opcode table ------------------------------- */
/* ---- operand and control stacks ------------------------------------------- */
static bool push(vctx *v, zw_valtype t) {
    if (!ZW_VEC_PUSH(&v->m->al, &v->vals, t)) return vnomem(v);
    return true;
}

static bool pop_any(vctx *v, zw_valtype *out) {
    ctrl *c = &v->ctrls.v[v->ctrls.n - 1];
    if (v->vals.n == c->height) {
        if (c->unreachable) { *out = T_UNKNOWN; return true; }
        return verr(v, "type mismatch: operand stack underflow");
    }
    *out = v->vals.v[--v->vals.n];
    return true;
}

static bool sub(vctx *v, zw_valtype a, zw_valtype b) {
    return a == T_UNKNOWN || b == T_UNKNOWN || zw_valtype_sub(v->m->types, a, b);
}

static bool mismatch(vctx *v, const char *what, zw_valtype want, zw_valtype got) {
    char a[ZW_VALTYPE_BUF], b[ZW_VALTYPE_BUF];
    return verr(v, "type mismatch: %s%s, got %s", what, zw_valtype_str(want, a), zw_valtype_str(got, b));
}

/* Pop a value of type want; *got receives the actual type (T_UNKNOWN when
 * it came from the polymorphic bottom of an unreachable frame). */
static bool pop_expect(vctx *v, zw_valtype want, zw_valtype *got) {
    zw_valtype t = T_UNKNOWN;
    if (!pop_any(v, &t)) return false;
    if (!sub(v, t, want)) return mismatch(v, "expected ", want, t);
    if (got) *got = t;
    return true;
}

/* Pop a reference of any type; the bottom of an unreachable stack is a
 * nullable reference to the bottom heap type. */
static bool pop_ref(vctx *v, zw_valtype *out) {
    zw_valtype t = T_UNKNOWN;
    if (!pop_any(v, &t)) return false;
    if (t == T_UNKNOWN) t = zw_ref_type(ZW_HT_BOT, true);
    if (!zw_is_ref(t)) {
        char b[ZW_VALTYPE_BUF];
        return verr(v, "type mismatch: expected a reference, got %s", zw_valtype_str(t, b));
    }
    *out = t;
    return true;
}

static bool pop(vctx *v, zw_valtype want) { return pop_expect(v, want, NULL); }

static bool pop_vals(vctx *v, const zw_valtype *ts, uint32_t n) {
    for (uint32_t i = n; i-- > 0;)
        if (!pop(v, ts[i])) return false;
    return true;
}

static bool push_vals(vctx *v, const zw_valtype *ts, uint32_t n) {
    for (uint32_t i = 0; i < n; i++)
        if (!push(v, ts[i])) return false;
    return true;
}

static const zw_valtype *ctrl_params(const ctrl *c) { return c->p ? c->p : &c->single; }
static const zw_valtype *ctrl_results(const ctrl *c) { return c->r ? c->r : &c->single; }
static uint32_t label_n(const ctrl *c) { return c->kind == C_LOOP ? c->np : c->nr; }
static const zw_valtype *label_types(const ctrl *c) {
    return c->kind == C_LOOP ? ctrl_params(c) : ctrl_results(c);
}

static bool push_ctrl(vctx *v, ctrl c) {
    c.height = v->vals.n;
    c.init_height = v->inits.n;
    c.unreachable = false;
    if (!ZW_VEC_PUSH(&v->m->al, &v->ctrls, c)) return vnomem(v);
    return push_vals(v, ctrl_params(&v->ctrls.v[v->ctrls.n - 1]), c.np);
}

static bool pop_ctrl(vctx *v, ctrl *out) {
    ctrl *c = &v->ctrls.v[v->ctrls.n - 1];
    if (!pop_vals(v, ctrl_results(c), c->nr)) return false;
    if (v->vals.n != c->height) return verr(v, "type mismatch: values remain at end of block");
    /* locals set inside the block are unset again after it */
    while (v->inits.n > c->init_height) v->linit[v->inits.v[--v->inits.n]] = false;
    *out = *c;
    v->ctrls.n--;
    return true;
}

static void set_unreachable(vctx *v) {
    ctrl *c = &v->ctrls.v[v->ctrls.n - 1];
    v->vals.n = c->height;
    c->unreachable = true;
}

/* ---- types ------------------------------------------------------------------ */
/* A heap type naming one of the first `limit` types (or an abstract one). */
static bool check_heap(vctx *v, uint32_t ht, uint32_t limit) {
    if (zw_heap_is_idx(ht) && ht - ZW_HT_IDX >= limit) return verr(v, "unknown type %u", ht - ZW_HT_IDX);
    return true;
}

static bool check_vt(vctx *v, zw_valtype t) {
    return !zw_is_ref(t) || check_heap(v, zw_ref_heap(t), v->m->ntypes);
}

/* Type index x must name a function type. */
static bool check_functype(vctx *v, uint32_t x) {
    if (x >= v->m->ntypes) return verr(v, "unknown type %u", x);
    if (v->m->types[x].kind != ZW_COMP_FUNC) return verr(v, "type mismatch: type %u is not a function type", x);
    return true;
}

/* Block type -> control frame types. */
static bool block_ctrl(vctx *v, const zw_instr *in, ctrl_kind kind, ctrl *c) {
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->p = c->r = empty_types;
    if (in->bt_kind == 1) {
        if (!check_vt(v, in->a)) return false;
        c->nr = 1;
        c->r = NULL; /* the type lives in c->single */
        c->single = in->a;
    } else if (in->bt_kind == 2) {
        if (!check_functype(v, in->a)) return false;
        const zw_functype *ft = &v->m->types[in->a].func;
        c->np = ft->nparams;
        c->p = ft->params;
        c->nr = ft->nresults;
        c->r = ft->results;
    }
    return true;
}

/* ---- index checks ------------------------------------------------------------ */
static bool check_mem(vctx *v, uint32_t idx) {
    if (idx >= v->m->nmems) return verr(v, "unknown memory %u", idx);
    return true;
}

static bool check_table(vctx *v, uint32_t idx) {
    if (idx >= v->m->ntables) return verr(v, "unknown table %u", idx);
    return true;
}

static bool check_elem(vctx *v, uint32_t idx) {
    if (idx >= v->m->nelems) return verr(v, "unknown elem segment %u", idx);
    return true;
}

static bool check_data(vctx *v, uint32_t idx) {
    /* the decoder guarantees a data count section wherever these appear */
    uint32_t n = v->m->has_datacount ? v->m->datacount : v->m->ndatas;
    if (idx >= n) return verr(v, "unknown data segment %u", idx);
    return true;
}

static bool check_func(vctx *v, uint32_t idx) {
    if (idx >= v->m->nfuncs) return verr(v, "unknown function %u", idx);
    return true;
}

static bool check_tag(vctx *v, uint32_t idx) {
    if (idx >= v->m->ntags) return verr(v, "unknown tag %u", idx);
    return true;
}

static bool check_global(vctx *v, uint32_t idx) {
    if (idx >= v->m->nglobals) return verr(v, "unknown global %u", idx);
    return true;
}

static bool check_memarg(vctx *v, const zw_opinfo *oi, const zw_instr *in) {
    if (!check_mem(v, in->mem)) return false;
    if (!v->m->mems[in->mem].type.is64 && in->offset > UINT32_MAX) return verr(v, "offset out of range");
    unsigned bytes = oi->access;
    if (oi->imm == IMM_ATOMIC && (in->align >= 32 || (1u << in->align) != bytes))
        return verr(v, "atomic alignment must be natural");
    if (bytes && (in->align >= 32 || (1u << in->align) > bytes))
        return verr(v, "alignment must not be larger than natural");
    if (oi->imm == IMM_MEMARG_LANE && in->lane >= oi->lanes) return verr(v, "invalid lane index");
    return true;
}

/* Immediate checks common to every instruction with that immediate kind. */
static bool check_imm(vctx *v, const zw_opinfo *oi, const zw_instr *in) {
    switch (oi->imm) {
    case IMM_MEMARG: case IMM_MEMARG_LANE: case IMM_ATOMIC: return check_memarg(v, oi, in);
    case IMM_MEM: return check_mem(v, in->a);
    case IMM_MEM_MEM: return check_mem(v, in->a) && check_mem(v, in->b);
    case IMM_DATA_MEM: return check_mem(v, in->b) && check_data(v, in->a);
    case IMM_DATA: return check_data(v, in->a);
    case IMM_TABLE: return check_table(v, in->a);
    case IMM_TABLE_TABLE: return check_table(v, in->a) && check_table(v, in->b);
    case IMM_ELEM_TABLE: return check_table(v, in->b) && check_elem(v, in->a);
    case IMM_ELEM: return check_elem(v, in->a);
    case IMM_LANE:
        if (in->lane >= oi->lanes) return verr(v, "invalid lane index");
        return true;
    case IMM_SHUFFLE:
        for (int i = 0; i < 16; i++)
            if (in->v.u8[i] >= 32) return verr(v, "invalid lane index");
        return true;
    case IMM_FUNC: return check_func(v, in->a);
    case IMM_GLOBAL: return check_global(v, in->a);
    case IMM_TAG: return check_tag(v, in->a);
    default: return true;
    }
}

/* Pop and push a fixed signature from opcodes.def ("ii" -> "i"). */
/* The fixed signature of in, with the address, index and size types of
 * 64-bit memories and tables (memory64, table64) put in. */
static bool apply_sig(vctx *v, const zw_opinfo *oi, const zw_instr *in) {
    const zw_module *m = v->m;
    zw_valtype p[4] = {0}, r[2] = {0};
    size_t np = strlen(oi->params), nr = strlen(oi->results);
    for (size_t i = 0; i < np && i < 4; i++) p[i] = zw_sig_letter_type(oi->params[i]);
    for (size_t i = 0; i < nr && i < 2; i++) r[i] = zw_sig_letter_type(oi->results[i]);
    zw_valtype a, b;
    switch (oi->imm) {
    case IMM_MEMARG: case IMM_MEMARG_LANE: case IMM_ATOMIC: p[0] = zw_mem_addr_type(m, in->mem); break;
    default: break;
    }
    switch (in->op) {
    case ZW_OP_MEMORY_SIZE: r[0] = zw_mem_addr_type(m, in->a); break;
    case ZW_OP_MEMORY_GROW: p[0] = r[0] = zw_mem_addr_type(m, in->a); break;
    case ZW_OP_MEMORY_FILL: p[0] = p[2] = zw_mem_addr_type(m, in->a); break;
    case ZW_OP_MEMORY_INIT: p[0] = zw_mem_addr_type(m, in->b); break;
    case ZW_OP_MEMORY_COPY:
        a = zw_mem_addr_type(m, in->a), b = zw_mem_addr_type(m, in->b);
        p[0] = a, p[1] = b, p[2] = zw_copy_count_type(a, b);
        break;
    case ZW_OP_TABLE_SIZE: r[0] = zw_table_addr_type(m, in->a); break;
    case ZW_OP_TABLE_INIT: p[0] = zw_table_addr_type(m, in->b); break;
    case ZW_OP_TABLE_COPY:
        a = zw_table_addr_type(m, in->a), b = zw_table_addr_type(m, in->b);
        p[0] = a, p[1] = b, p[2] = zw_copy_count_type(a, b);
        break;
    default: break;
    }
    for (size_t i = np; i-- > 0;)
        if (!pop(v, p[i])) return false;
    for (size_t i = 0; i < nr; i++)
        if (!push(v, r[i])) return false;
    return true;
}

static zw_valtype local_type(vctx *v, uint32_t idx, bool *ok) {
    *ok = true;
    if (idx < v->ft->nparams) return v->ft->params[idx];
    idx -= v->ft->nparams;
    if (idx < v->f->nlocals) return v->f->locals[idx];
    *ok = false;
    return 0;
}

static bool check_label(vctx *v, uint32_t l) {
    if (l >= v->ctrls.n) return verr(v, "unknown label %u", l);
    return true;
}

static const ctrl *label_at(vctx *v, uint32_t l) { return &v->ctrls.v[v->ctrls.n - 1 - l]; }

/* ---- one instruction ------------------------------------------------------------ */

/* A tail call's callee returns for the caller: its results must be the
 * caller's; then, as after return, the rest of the block is unreachable. */
static bool tail_results(vctx *v, const zw_functype *callee) {
    const zw_functype *ft = v->ft;
    bool same = callee->nresults == ft->nresults;
    for (uint32_t i = 0; same && i < ft->nresults; i++) same = sub(v, callee->results[i], ft->results[i]);
    if (!same) return verr(v, "type mismatch: tail call results differ from the function's");
    set_unreachable(v);
    return true;
}

/* Type index x must name a type of kind k (a struct or an array type). */
static bool check_comp(vctx *v, uint32_t x, zw_comp_kind k) {
    if (x >= v->m->ntypes) return verr(v, "unknown type %u", x);
    if (v->m->types[x].kind != k)
        return verr(v, "type mismatch: type %u is not %s type", x, k == ZW_COMP_STRUCT ? "a struct" : "an array");
    return true;
}

static zw_valtype ref_idx(uint32_t x, bool nullable) { return zw_ref_type(ZW_HT_IDX + x, nullable); }

/* A field read as a value: packed ones need get_s/get_u, others get. */
static bool check_get(vctx *v, const zw_fieldtype *f, bool signed_or_unsigned) {
    bool packed = f->type == ZW_I8 || f->type == ZW_I16;
    if (packed != signed_or_unsigned)
        return verr(v, "type mismatch: %s", packed ? "a packed field needs get_s or get_u" : "get_s/get_u of an unpacked field");
    return true;
}

/* The data segment's bytes can fill an array of type x (numbers, vectors). */
static bool check_array_data(vctx *v, uint32_t x, uint32_t d) {
    if (!check_data(v, d)) return false;
    if (zw_is_ref(v->m->types[x].fields[0].type)) return verr(v, "type mismatch: array.*_data on an array of references");
    return true;
}

static bool check_array_elem(vctx *v, uint32_t x, uint32_t e) {
    if (!check_elem(v, e)) return false;
    if (!sub(v, v->m->elems[e].type, v->m->types[x].fields[0].type))
        return verr(v, "type mismatch: element segment and array types differ");
    return true;
}

/* Typing of the GC instructions (0xFB) and ref.eq. */
static bool validate_gc(vctx *v, const zw_instr *in) {
    const zw_module *m = v->m;
    zw_valtype t1 = T_UNKNOWN;
    const zw_type *ty = NULL;
    uint32_t op = in->op;
    switch (op) {
    case ZW_OP_STRUCT_NEW: case ZW_OP_STRUCT_NEW_DEFAULT: case ZW_OP_STRUCT_GET: case ZW_OP_STRUCT_GET_S:
    case ZW_OP_STRUCT_GET_U: case ZW_OP_STRUCT_SET:
        if (!check_comp(v, in->a, ZW_COMP_STRUCT)) return false;
        ty = &m->types[in->a];
        if (op >= ZW_OP_STRUCT_GET && in->b >= ty->nfields) return verr(v, "unknown field %u", in->b);
        break;
    case ZW_OP_ARRAY_NEW: case ZW_OP_ARRAY_NEW_DEFAULT: case ZW_OP_ARRAY_NEW_FIXED: case ZW_OP_ARRAY_NEW_DATA:
    case ZW_OP_ARRAY_NEW_ELEM: case ZW_OP_ARRAY_GET: case ZW_OP_ARRAY_GET_S: case ZW_OP_ARRAY_GET_U:
    case ZW_OP_ARRAY_SET: case ZW_OP_ARRAY_FILL: case ZW_OP_ARRAY_COPY: case ZW_OP_ARRAY_INIT_DATA:
    case ZW_OP_ARRAY_INIT_ELEM:
        if (!check_comp(v, in->a, ZW_COMP_ARRAY)) return false;
        ty = &m->types[in->a];
        break;
    default:
        break;
    }
    const zw_fieldtype *el = ty && ty->kind == ZW_COMP_ARRAY ? &ty->fields[0] : NULL;
    switch (op) {
    case ZW_OP_STRUCT_NEW:
        for (uint32_t i = ty->nfields; i-- > 0;)
            if (!pop(v, zw_unpacked(ty->fields[i].type))) return false;
        return push(v, ref_idx(in->a, false));
    case ZW_OP_STRUCT_NEW_DEFAULT:
        for (uint32_t i = 0; i < ty->nfields; i++)
            if (!zw_defaultable(ty->fields[i].type)) return verr(v, "type mismatch: field %u has no default value", i);
        return push(v, ref_idx(in->a, false));
    case ZW_OP_STRUCT_GET: case ZW_OP_STRUCT_GET_S: case ZW_OP_STRUCT_GET_U:
        if (!check_get(v, &ty->fields[in->b], op != ZW_OP_STRUCT_GET)) return false;
        if (!pop(v, ref_idx(in->a, true))) return false;
        return push(v, zw_unpacked(ty->fields[in->b].type));
    case ZW_OP_STRUCT_SET:
        if (!ty->fields[in->b].mut) return verr(v, "field is immutable");
        return pop(v, zw_unpacked(ty->fields[in->b].type)) && pop(v, ref_idx(in->a, true));
    case ZW_OP_ARRAY_NEW:
        return pop(v, ZW_I32) && pop(v, zw_unpacked(el->type)) && push(v, ref_idx(in->a, false));
    case ZW_OP_ARRAY_NEW_DEFAULT:
        if (!zw_defaultable(el->type)) return verr(v, "type mismatch: array elements have no default value");
        return pop(v, ZW_I32) && push(v, ref_idx(in->a, false));
    case ZW_OP_ARRAY_NEW_FIXED:
        if (in->b > ZW_MAX_ARRAY_NEW_FIXED) /* an implementation limit (the JS API's) */
            return verr(v, "array.new_fixed of more than %u elements", ZW_MAX_ARRAY_NEW_FIXED);
        for (uint32_t i = 0; i < in->b; i++)
            if (!pop(v, zw_unpacked(el->type))) return false;
        return push(v, ref_idx(in->a, false));
    case ZW_OP_ARRAY_NEW_DATA:
        if (!check_array_data(v, in->a, in->b)) return false;
        return pop(v, ZW_I32) && pop(v, ZW_I32) && push(v, ref_idx(in->a, false));
    case ZW_OP_ARRAY_NEW_ELEM:
        if (!check_array_elem(v, in->a, in->b)) return false;
        return pop(v, ZW_I32) && pop(v, ZW_I32) && push(v, ref_idx(in->a, false));
    case ZW_OP_ARRAY_GET: case ZW_OP_ARRAY_GET_S: case ZW_OP_ARRAY_GET_U:
        if (!check_get(v, el, op != ZW_OP_ARRAY_GET)) return false;
        return pop(v, ZW_I32) && pop(v, ref_idx(in->a, true)) && push(v, zw_unpacked(el->type));
    case ZW_OP_ARRAY_SET:
        if (!el->mut) return verr(v, "array is immutable");
        return pop(v, zw_unpacked(el->type)) && pop(v, ZW_I32) && pop(v, ref_idx(in->a, true));
    case ZW_OP_ARRAY_LEN:
        return pop(v, zw_ref_type(ZW_HT_ARRAY, true)) && push(v, ZW_I32);
    case ZW_OP_ARRAY_FILL:
        if (!el->mut) return verr(v, "array is immutable");
        return pop(v, ZW_I32) && pop(v, zw_unpacked(el->type)) && pop(v, ZW_I32) && pop(v, ref_idx(in->a, true));
    case ZW_OP_ARRAY_COPY: {
        if (!check_comp(v, in->b, ZW_COMP_ARRAY)) return false;
        const zw_fieldtype *src = &m->types[in->b].fields[0];
        if (!el->mut) return verr(v, "array is immutable");
        bool packed = el->type == ZW_I8 || el->type == ZW_I16;
        if (packed ? src->type != el->type : !sub(v, src->type, el->type))
            return verr(v, "type mismatch: array.copy between arrays of other element types");
        return pop(v, ZW_I32) && pop(v, ZW_I32) && pop(v, ref_idx(in->b, true)) && pop(v, ZW_I32) &&
               pop(v, ref_idx(in->a, true));
    }
    case ZW_OP_ARRAY_INIT_DATA: case ZW_OP_ARRAY_INIT_ELEM:
        if (!el->mut) return verr(v, "array is immutable");
        if (op == ZW_OP_ARRAY_INIT_DATA ? !check_array_data(v, in->a, in->b) : !check_array_elem(v, in->a, in->b))
            return false;
        return pop(v, ZW_I32) && pop(v, ZW_I32) && pop(v, ZW_I32) && pop(v, ref_idx(in->a, true));
    case ZW_OP_REF_TEST: case ZW_OP_REF_TEST_NULL: case ZW_OP_REF_CAST: case ZW_OP_REF_CAST_NULL: {
        if (!check_heap(v, in->a, m->ntypes) || !pop_ref(v, &t1)) return false;
        bool null = op == ZW_OP_REF_TEST_NULL || op == ZW_OP_REF_CAST_NULL;
        zw_valtype rt = zw_ref_type(in->a, null);
        /* the target is in the operand's hierarchy */
        if (zw_ref_heap(t1) != ZW_HT_BOT && zw_heap_top(m->types, in->a) != zw_heap_top(m->types, zw_ref_heap(t1)))
            return mismatch(v, "cast to ", rt, t1);
        return push(v, op == ZW_OP_REF_TEST || op == ZW_OP_REF_TEST_NULL ? ZW_I32 : rt);
    }
    case ZW_OP_BR_ON_CAST: case ZW_OP_BR_ON_CAST_FAIL: {
        if (!check_label(v, in->a) || !check_heap(v, in->b, m->ntypes) || !check_heap(v, in->c, m->ntypes))
            return false;
        zw_valtype rt1 = zw_ref_type(in->b, in->flags & 1), rt2 = zw_ref_type(in->c, in->flags & 2);
        if (!zw_valtype_sub(m->types, rt2, rt1)) return mismatch(v, "br_on_cast target within ", rt1, rt2);
        const ctrl *l = label_at(v, in->a);
        uint32_t n = label_n(l);
        const zw_valtype *ts = label_types(l);
        /* the value that takes the branch, and the one that falls through */
        zw_valtype diff = zw_ref_type(in->b, (in->flags & 1) && !(in->flags & 2));
        zw_valtype taken = op == ZW_OP_BR_ON_CAST ? rt2 : diff, stays = op == ZW_OP_BR_ON_CAST ? diff : rt2;
        if (n == 0 || !sub(v, taken, ts[n - 1])) return verr(v, "type mismatch: br_on_cast label");
        if (!pop(v, rt1) || !pop_vals(v, ts, n - 1) || !push_vals(v, ts, n - 1)) return false;
        return push(v, stays);
    }
    case ZW_OP_ANY_CONVERT_EXTERN: case ZW_OP_EXTERN_CONVERT_ANY: {
        bool to_any = op == ZW_OP_ANY_CONVERT_EXTERN;
        if (!pop_ref(v, &t1)) return false;
        uint32_t from = zw_ref_heap(t1);
        if (from != ZW_HT_BOT && zw_heap_top(m->types, from) != (to_any ? ZW_HT_EXTERN : ZW_HT_ANY))
            return mismatch(v, "a reference of the other hierarchy, ", to_any ? ZW_EXTERNREF : zw_ref_type(ZW_HT_ANY, true), t1);
        return push(v, zw_ref_type(to_any ? ZW_HT_ANY : ZW_HT_EXTERN, zw_ref_nullable(t1)));
    }
    case ZW_OP_REF_I31:
        return pop(v, ZW_I32) && push(v, zw_ref_type(ZW_HT_I31, false));
    case ZW_OP_I31_GET_S: case ZW_OP_I31_GET_U:
        return pop(v, zw_ref_type(ZW_HT_I31, true)) && push(v, ZW_I32);
    case ZW_OP_REF_EQ:
        return pop(v, zw_ref_type(ZW_HT_EQ, true)) && pop(v, zw_ref_type(ZW_HT_EQ, true)) && push(v, ZW_I32);
    }
    return verr(v, "unsupported instruction %s", zw_opinfos[op].text);
}

/* The type of ref.func f: a non-null reference to its function type. */
static zw_valtype func_ref_type(const zw_module *m, uint32_t f) {
    return zw_ref_type(ZW_HT_IDX + m->funcs[f].type_idx, false);
}

/* A try_table's catch clauses: each label (outside the try_table's own
 * block) must take the tag's payload, then (ref exn) for the _ref kinds. */
static bool check_catches(vctx *v, const zw_instr *in) {
    const zw_module *m = v->m;
    const uint8_t *p = in->tbl, *end = m->bytes + m->nbytes;
    for (uint32_t i = 0; i < in->b; i++) {
        uint8_t kind;
        uint32_t tag, label;
        zw_read_catch(&p, end, &kind, &tag, &label);
        if (kind < ZW_CATCH_ALL && !check_tag(v, tag)) return false;
        if (!check_label(v, label)) return false;
        const ctrl *l = label_at(v, label);
        const zw_functype *tt = kind < ZW_CATCH_ALL ? zw_tag_type(m, tag) : NULL;
        uint32_t np = tt ? tt->nparams : 0;
        bool ref = kind == ZW_CATCH_REF || kind == ZW_CATCH_ALL_REF;
        if (label_n(l) != np + ref) return verr(v, "type mismatch: catch clause arity differs from its label");
        const zw_valtype *lt = label_types(l);
        for (uint32_t k = 0; k < np; k++)
            if (!sub(v, tt->params[k], lt[k])) return mismatch(v, "catch clause label expects ", lt[k], tt->params[k]);
        if (ref && !sub(v, zw_ref_type(ZW_HT_EXN, false), lt[np]))
            return mismatch(v, "catch clause label expects ", lt[np], zw_ref_type(ZW_HT_EXN, false));
    }
    return true;
}

static bool validate_instr(vctx *v, const zw_instr *in, bool *done) {
    const zw_module *m = v->m;
    const zw_opinfo *oi = &zw_opinfos[in->op];
    if (!check_imm(v, oi, in)) return false;

    /* fixed-signature instructions, plus the table/segment ones whose
     * extra typing rules follow */
    if (oi->params) {
        if (in->op == ZW_OP_TABLE_INIT) {
            if (!sub(v, m->elems[in->a].type, m->tables[in->b].type.elem))
                return verr(v, "type mismatch: element segment and table types differ");
        } else if (in->op == ZW_OP_TABLE_COPY) {
            if (!sub(v, m->tables[in->b].type.elem, m->tables[in->a].type.elem))
                return verr(v, "type mismatch: table types differ");
        }
        return apply_sig(v, oi, in);
    }

    zw_valtype t1 = T_UNKNOWN, t2 = T_UNKNOWN;
    ctrl c;
    switch (in->op) {
    case ZW_OP_UNREACHABLE:
        set_unreachable(v);
        return true;
    case ZW_OP_BLOCK: case ZW_OP_LOOP:
        if (!block_ctrl(v, in, in->op == ZW_OP_BLOCK ? C_BLOCK : C_LOOP, &c)) return false;
        if (!pop_vals(v, ctrl_params(&c), c.np)) return false;
        return push_ctrl(v, c);
    case ZW_OP_TRY:
        if (!block_ctrl(v, in, C_TRY, &c)) return false;
        if (!pop_vals(v, ctrl_params(&c), c.np)) return false;
        return push_ctrl(v, c);
    case ZW_OP_TRY_TABLE:
        if (!block_ctrl(v, in, C_BLOCK, &c)) return false;
        if (!check_catches(v, in) || !pop_vals(v, ctrl_params(&c), c.np)) return false;
        return push_ctrl(v, c);
    case ZW_OP_CATCH: case ZW_OP_CATCH_ALL: {
        ctrl_kind k = v->ctrls.v[v->ctrls.n - 1].kind;
        if (k != C_TRY && k != C_CATCH) return verr(v, in->op == ZW_OP_CATCH ? "catch without try" : "catch_all without try");
        if (!pop_ctrl(v, &c)) return false;
        /* the handler starts with the payload (catch) or nothing */
        uint32_t np = c.np;
        c.kind = in->op == ZW_OP_CATCH ? C_CATCH : C_CATCH_ALL;
        c.np = 0;
        if (!push_ctrl(v, c)) return false;
        v->ctrls.v[v->ctrls.n - 1].np = np;
        if (in->op == ZW_OP_CATCH) {
            const zw_functype *tt = zw_tag_type(m, in->a);
            return push_vals(v, tt->params, tt->nparams);
        }
        return true;
    }
    case ZW_OP_DELEGATE:
        if (v->ctrls.v[v->ctrls.n - 1].kind != C_TRY) return verr(v, "delegate without try");
        if (!pop_ctrl(v, &c) || !check_label(v, in->a)) return false;
        return push_vals(v, ctrl_results(&c), c.nr);
    case ZW_OP_RETHROW: {
        if (!check_label(v, in->a)) return false;
        ctrl_kind k = label_at(v, in->a)->kind;
        if (k != C_CATCH && k != C_CATCH_ALL) return verr(v, "invalid rethrow label");
        set_unreachable(v);
        return true;
    }
    case ZW_OP_THROW: {
        const zw_functype *tt = zw_tag_type(m, in->a);
        if (!pop_vals(v, tt->params, tt->nparams)) return false;
        set_unreachable(v);
        return true;
    }
    case ZW_OP_THROW_REF:
        if (!pop(v, ZW_EXNREF)) return false;
        set_unreachable(v);
        return true;
    case ZW_OP_IF:
        if (!block_ctrl(v, in, C_IF, &c)) return false;
        if (!pop(v, ZW_I32) || !pop_vals(v, ctrl_params(&c), c.np)) return false;
        return push_ctrl(v, c);
    case ZW_OP_ELSE: {
        if (v->ctrls.v[v->ctrls.n - 1].kind != C_IF) return verr(v, "else without if");
        if (!pop_ctrl(v, &c)) return false;
        c.kind = C_ELSE;
        return push_ctrl(v, c);
    }
    case ZW_OP_END:
        if (!pop_ctrl(v, &c)) return false;
        if (c.kind == C_IF) {
            /* an if without else must leave its inputs as its outputs */
            const zw_valtype *p = ctrl_params(&c), *r = ctrl_results(&c);
            if (c.np != c.nr) return verr(v, "type mismatch: if without else");
            for (uint32_t i = 0; i < c.np; i++)
                if (!sub(v, p[i], r[i])) return verr(v, "type mismatch: if without else");
        }
        if (v->ctrls.n == 0) {
            *done = true;
            return true;
        }
        return push_vals(v, ctrl_results(&c), c.nr);
    case ZW_OP_BR: {
        if (!check_label(v, in->a)) return false;
        const ctrl *l = label_at(v, in->a);
        if (!pop_vals(v, label_types(l), label_n(l))) return false;
        set_unreachable(v);
        return true;
    }
    case ZW_OP_BR_IF: {
        if (!check_label(v, in->a)) return false;
        if (!pop(v, ZW_I32)) return false;
        const ctrl *l = label_at(v, in->a);
        uint32_t n = label_n(l);
        const zw_valtype *ts = label_types(l);
        if (!pop_vals(v, ts, n)) return false;
        return push_vals(v, ts, n);
    }
    case ZW_OP_BR_TABLE: {
        if (!pop(v, ZW_I32)) return false;
        if (!check_label(v, in->b)) return false;
        uint32_t arity = label_n(label_at(v, in->b));
        const uint8_t *p = in->tbl;
        for (uint32_t i = 0; i < in->a; i++) {
            uint32_t l;
            zw_read_u32(&p, p + 5, &l);
            if (!check_label(v, l)) return false;
            const ctrl *lc = label_at(v, l);
            if (label_n(lc) != arity) return verr(v, "type mismatch: br_table arity differs");
            /* pop the label's types, remembering what was there, then restore */
            v->tmp.n = 0;
            const zw_valtype *ts = label_types(lc);
            for (uint32_t k = arity; k-- > 0;) {
                zw_valtype got = T_UNKNOWN;
                if (!pop_expect(v, ts[k], &got)) return false;
                if (!ZW_VEC_PUSH(&v->m->al, &v->tmp, got)) return vnomem(v);
            }
            /* push back what was popped (an unknown stays unknown) */
            for (uint32_t k = v->tmp.n; k-- > 0;) {
                if (!push(v, v->tmp.v[k])) return false;
            }
        }
        const ctrl *d = label_at(v, in->b);
        if (!pop_vals(v, label_types(d), arity)) return false;
        set_unreachable(v);
        return true;
    }
    case ZW_OP_RETURN: {
        if (!pop_vals(v, v->ft->results, v->ft->nresults)) return false;
        set_unreachable(v);
        return true;
    }
    case ZW_OP_CALL: {
        const zw_functype *ft = zw_func_type(m, in->a);
        if (!pop_vals(v, ft->params, ft->nparams)) return false;
        return push_vals(v, ft->results, ft->nresults);
    }
    case ZW_OP_CALL_INDIRECT: case ZW_OP_RETURN_CALL_INDIRECT: {
        if (!check_table(v, in->b)) return false;
        if (!sub(v, m->tables[in->b].type.elem, ZW_FUNCREF))
            return verr(v, "type mismatch: call_indirect on a table of %s",
                        zw_valtype_name(m->tables[in->b].type.elem));
        if (!check_functype(v, in->a)) return false;
        const zw_functype *ft = &m->types[in->a].func;
        if (!pop(v, zw_table_addr_type(m, in->b)) || !pop_vals(v, ft->params, ft->nparams)) return false;
        if (in->op == ZW_OP_RETURN_CALL_INDIRECT) return tail_results(v, ft);
        return push_vals(v, ft->results, ft->nresults);
    }
    case ZW_OP_RETURN_CALL: {
        const zw_functype *ft = zw_func_type(m, in->a);
        if (!pop_vals(v, ft->params, ft->nparams)) return false;
        return tail_results(v, ft);
    }
    case ZW_OP_CALL_REF: case ZW_OP_RETURN_CALL_REF: {
        if (!check_functype(v, in->a)) return false;
        const zw_functype *ft = &m->types[in->a].func;
        if (!pop(v, zw_ref_type(ZW_HT_IDX + in->a, true)) || !pop_vals(v, ft->params, ft->nparams)) return false;
        if (in->op == ZW_OP_RETURN_CALL_REF) return tail_results(v, ft);
        return push_vals(v, ft->results, ft->nresults);
    }
    case ZW_OP_REF_AS_NON_NULL:
        if (!pop_ref(v, &t1)) return false;
        return push(v, zw_ref_type(zw_ref_heap(t1), false));
    case ZW_OP_BR_ON_NULL: {
        if (!check_label(v, in->a) || !pop_ref(v, &t1)) return false;
        const ctrl *l = label_at(v, in->a);
        uint32_t n = label_n(l);
        const zw_valtype *ts = label_types(l);
        if (!pop_vals(v, ts, n) || !push_vals(v, ts, n)) return false;
        return push(v, zw_ref_type(zw_ref_heap(t1), false));
    }
    case ZW_OP_BR_ON_NON_NULL: {
        if (!check_label(v, in->a)) return false;
        const ctrl *l = label_at(v, in->a);
        uint32_t n = label_n(l);
        const zw_valtype *ts = label_types(l);
        if (n == 0 || !zw_is_ref(ts[n - 1])) return verr(v, "type mismatch: br_on_non_null needs a reference label");
        if (!pop_ref(v, &t1) || !push(v, zw_ref_type(zw_ref_heap(t1), false))) return false;
        if (!pop_vals(v, ts, n)) return false;
        return push_vals(v, ts, n - 1);
    }
    case ZW_OP_DROP:
        return pop_any(v, &t1);
    case ZW_OP_SELECT:
        if (!pop(v, ZW_I32) || !pop_any(v, &t1) || !pop_any(v, &t2)) return false;
        if (zw_is_ref(t1) || zw_is_ref(t2))
            return verr(v, "type mismatch: select without type on references");
        if (t1 != t2 && t1 != T_UNKNOWN && t2 != T_UNKNOWN)
            return verr(v, "type mismatch: select operands differ");
        return push(v, t1 == T_UNKNOWN ? t2 : t1);
    case ZW_OP_SELECT_T:
        if (in->a != 1) return verr(v, "invalid result arity");
        if (!check_vt(v, in->b)) return false;
        if (!pop(v, ZW_I32) || !pop(v, in->b) || !pop(v, in->b)) return false;
        return push(v, in->b);
    case ZW_OP_LOCAL_GET: case ZW_OP_LOCAL_SET: case ZW_OP_LOCAL_TEE: {
        bool ok;
        zw_valtype t = local_type(v, in->a, &ok);
        if (!ok) return verr(v, "unknown local %u", in->a);
        if (in->op == ZW_OP_LOCAL_GET) {
            if (!v->linit[in->a]) return verr(v, "uninitialized local %u", in->a);
            return push(v, t);
        }
        if (!pop(v, t)) return false;
        if (!v->linit[in->a]) {
            v->linit[in->a] = true;
            if (!ZW_VEC_PUSH(&m->al, &v->inits, in->a)) return vnomem(v);
        }
        return in->op == ZW_OP_LOCAL_TEE ? push(v, t) : true;
    }
    case ZW_OP_GLOBAL_GET:
        return push(v, m->globals[in->a].type.type);
    case ZW_OP_GLOBAL_SET:
        if (!m->globals[in->a].type.mut) return verr(v, "global is immutable");
        return pop(v, m->globals[in->a].type.type);
    case ZW_OP_TABLE_GET:
        if (!pop(v, zw_table_addr_type(m, in->a))) return false;
        return push(v, m->tables[in->a].type.elem);
    case ZW_OP_TABLE_SET:
        return pop(v, m->tables[in->a].type.elem) && pop(v, zw_table_addr_type(m, in->a));
    case ZW_OP_TABLE_GROW:
        if (!pop(v, zw_table_addr_type(m, in->a)) || !pop(v, m->tables[in->a].type.elem)) return false;
        return push(v, zw_table_addr_type(m, in->a));
    case ZW_OP_TABLE_FILL:
        return pop(v, zw_table_addr_type(m, in->a)) && pop(v, m->tables[in->a].type.elem) &&
               pop(v, zw_table_addr_type(m, in->a));
    case ZW_OP_REF_NULL:
        if (!check_heap(v, in->a, m->ntypes)) return false;
        return push(v, zw_ref_type(in->a, true));
    case ZW_OP_REF_IS_NULL:
        if (!pop_ref(v, &t1)) return false;
        return push(v, ZW_I32);
    case ZW_OP_REF_FUNC:
        if (!m->func_declared[in->a]) return verr(v, "undeclared function reference");
        return push(v, func_ref_type(m, in->a));
    default:
        if (oi->prefix == 0xFB || in->op == ZW_OP_REF_EQ) return validate_gc(v, in);
        return verr(v, "unsupported instruction %s", oi->text);
    }
}

/* ---- function bodies ------------------------------------------------------------- */
static bool validate_body(vctx *v, uint32_t fi) {
    const zw_module *m = v->m;
    const zw_func *f = &m->funcs[fi];
    v->func = fi;
    v->f = f;
    v->ft = zw_func_type(m, fi);
    v->vals.n = 0;
    v->ctrls.n = 0;
    v->inits.n = 0;
    v->at = f->code_offset;
    uint32_t nl = v->ft->nparams + f->nlocals;
    if (nl > v->nlinit) {
        bool *li = zw_realloc_array(&m->al, v->linit, nl, sizeof *li);
        if (!li) return vnomem(v);
        v->linit = li;
        v->nlinit = nl;
    }
    for (uint32_t i = 0; i < nl; i++) v->linit[i] = i < v->ft->nparams || zw_defaultable(f->locals[i - v->ft->nparams]);
    for (uint32_t i = 0; i < f->nlocals; i++)
        if (!check_vt(v, f->locals[i])) return false;
    ctrl c = {0};
    c.kind = C_FUNC;
    c.p = empty_types;
    c.r = v->ft->results;
    c.nr = v->ft->nresults;
    if (!ZW_VEC_PUSH(&v->m->al, &v->ctrls, c)) return vnomem(v);
    const uint8_t *p = f->code, *end = f->code + f->code_len;
    bool done = false;
    while (p < end) {
        zw_instr in;
        v->at = (uint64_t)(p - m->bytes);
        if (zw_read_instr(m->bytes, m->features, &p, end, fi, &in, v->err) != ZWASM_OK) return false;
        if (done) return verr(v, "unexpected instruction after the end of the function");
        if (!validate_instr(v, &in, &done)) return false;
    }
    if (!done) return verr(v, "function body does not end");
    return true;
}

/* ---- constant expressions --------------------------------------------------------- */
/* nglobals_visible: globals that global.get may name.  Module-level only:
 * runs before any body, while v->func is still ZWASM_NO_FUNC. */
static bool validate_const(vctx *v, const zw_expr *e, zw_valtype want, uint32_t nglobals_visible) {
    const zw_module *m = v->m;
    const uint8_t *p = e->code, *end = e->code + e->len;
    /* the operand stack of a block around the expression */
    v->vals.n = 0;
    v->ctrls.n = 0;
    ctrl c = {0};
    c.kind = C_BLOCK;
    c.p = c.r = empty_types;
    if (!ZW_VEC_PUSH(&m->al, &v->ctrls, c)) return vnomem(v);
    while (p < end) {
        zw_instr in;
        v->at = (uint64_t)(p - m->bytes);
        if (zw_read_instr(m->bytes, m->features, &p, end, ZWASM_NO_FUNC, &in, v->err) != ZWASM_OK) return false;
        const zw_opinfo *oi = &zw_opinfos[in.op];
        bool ok;
        switch (in.op) {
        case ZW_OP_I32_CONST: case ZW_OP_I64_CONST: case ZW_OP_F32_CONST: case ZW_OP_F64_CONST:
        case ZW_OP_V128_CONST:
            ok = push(v, zw_sig_letter_type(oi->results[0]));
            break;
        case ZW_OP_REF_NULL:
            ok = check_heap(v, in.a, m->ntypes) && push(v, zw_ref_type(in.a, true));
            break;
        case ZW_OP_REF_FUNC:
            ok = check_func(v, in.a) && push(v, func_ref_type(m, in.a));
            break;
        case ZW_OP_GLOBAL_GET:
            if (in.a >= nglobals_visible) return verr(v, "unknown global %u", in.a);
            if (m->globals[in.a].type.mut) return verr(v, "constant expression required");
            ok = push(v, m->globals[in.a].type.type);
            break;
        case ZW_OP_I32_ADD: case ZW_OP_I32_SUB: case ZW_OP_I32_MUL:
        case ZW_OP_I64_ADD: case ZW_OP_I64_SUB: case ZW_OP_I64_MUL:
            if (!v->feat->extended_const) return verr(v, "constant expression required");
            ok = apply_sig(v, oi, &in);
            break;
        case ZW_OP_STRUCT_NEW: case ZW_OP_STRUCT_NEW_DEFAULT: case ZW_OP_ARRAY_NEW:
        case ZW_OP_ARRAY_NEW_DEFAULT: case ZW_OP_ARRAY_NEW_FIXED: case ZW_OP_REF_I31:
        case ZW_OP_ANY_CONVERT_EXTERN: case ZW_OP_EXTERN_CONVERT_ANY:
            ok = validate_gc(v, &in); /* the decoder refused them without GC */
            break;
        case ZW_OP_END:
            if (p != end) return verr(v, "constant expression required");
            if (v->vals.n != 1 || !sub(v, v->vals.v[0], want)) return verr(v, "type mismatch: constant expression");
            return true;
        default:
            return verr(v, "constant expression required");
        }
        if (!ok) return false;
    }
    return verr(v, "constant expression required");
}

/* ---- module-level rules ------------------------------------------------------------- */
static bool check_limits(vctx *v, const zw_limits *l, uint64_t bound, const char *what) {
    if (l->min > bound) return verr(v, "%s", what);
    if (l->has_max && l->max > bound) return verr(v, "%s", what);
    if (l->has_max && l->min > l->max) return verr(v, "size minimum must not be greater than maximum");
    return true;
}

static bool check_memtype(vctx *v, const zw_memtype *t) {
    if (t->page_log2 != 16 && t->page_log2 != 0) return verr(v, "invalid custom page size");
    if (t->shared && !t->lim.has_max) return verr(v, "shared memory must have maximum");
    if (t->page_log2 == 16)
        return t->is64 ? check_limits(v, &t->lim, (uint64_t)1 << 48, "memory size must be at most 2^48 pages")
                       : check_limits(v, &t->lim, 65536, "memory size must be at most 65536 pages (4GiB)");
    return check_limits(v, &t->lim, zw_mem_max_pages(t), "memory size must be at most the address space");
}

static bool check_tabletype(vctx *v, const zw_tabletype *t) {
    if (t->is64) return check_limits(v, &t->lim, UINT64_MAX, "table size must be at most 2^64-1");
    return check_limits(v, &t->lim, UINT32_MAX, "table size must be at most 2^32-1");
}

static int name_cmp(const void *a, const void *b) {
    const zw_name *x = *(const zw_name *const *)a, *y = *(const zw_name *const *)b;
    uint32_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->str, y->str, n);
    if (c) return c;
    return x->len < y->len ? -1 : x->len > y->len;
}

/* Every value type inside type t names one of the first `limit` types. */
static bool check_type_refs(vctx *v, const zw_type *t, uint32_t limit) {
    if (t->kind == ZW_COMP_FUNC) {
        if (t->func.nresults > 1 && !v->feat->multi_value) return verr(v, "invalid result arity");
        for (uint32_t i = 0; i < t->func.nparams + t->func.nresults; i++)
            if (zw_is_ref(t->func.params[i]) && !check_heap(v, zw_ref_heap(t->func.params[i]), limit)) return false;
        return true;
    }
    for (uint32_t i = 0; i < t->nfields; i++)
        if (zw_is_ref(t->fields[i].type) && !check_heap(v, zw_ref_heap(t->fields[i].type), limit)) return false;
    return true;
}

/* The type section: references stay inside their recursion group or
 * before it; equal types are found (iso-recursive canonicalisation, into
 * each type's canon); a declared supertype comes earlier, is not final
 * and has a matching structure. */
static bool validate_types(vctx *v, zw_module *mm) {
    const zw_module *m = v->m;
    zw_typetab tab = {0};
    uint32_t *ids = zw_calloc(&m->al, m->ntypes ? m->ntypes : 1, sizeof *ids);
    bool ok = ids != NULL;
    if (!ok) vnomem(v);
    for (uint32_t first = 0; ok && first < m->ntypes; first += m->types[first].rec_count) {
        uint32_t count = m->types[first].rec_count, limit = first + count;
        for (uint32_t k = 0; ok && k < count; k++) {
            const zw_type *t = &m->types[first + k];
            ok = check_type_refs(v, t, limit);
            if (ok && t->super != ZW_NO_TYPE && t->super >= first + k)
                ok = t->super >= limit ? verr(v, "unknown type %u", t->super) : verr(v, "sub type %u must come after its supertype", first + k);
        }
        if (ok && !zw_typetab_add_group(&tab, &m->al, m->types, first, count, ids)) ok = vnomem(v);
        for (uint32_t k = 0; ok && k < count; k++) mm->types[first + k].canon = ids[first + k];
        for (uint32_t k = 0; ok && k < count; k++) {
            zw_type *t = &mm->types[first + k];
            t->depth = 0;
            if (t->super == ZW_NO_TYPE) continue;
            const zw_type *st = &m->types[t->super];
            if (st->final || !zw_comp_sub(m->types, t, st))
                ok = verr(v, "sub type %u does not match its supertype %u", first + k, t->super);
            t->depth = st->depth + 1;
            /* an implementation limit (the JS API's): each type keeps its
             * chain of supertypes (zw_type.supers), so depth costs memory */
            if (ok && t->depth > ZW_MAX_SUBTYPE_DEPTH)
                ok = verr(v, "sub type %u: more than %u supertypes", first + k, ZW_MAX_SUBTYPE_DEPTH);
        }
    }
    zw_typetab_free(&tab, &m->al);
    zw_free(&m->al, ids);
    return ok;
}

static bool check_globaltype(vctx *v, const zw_globaltype *t) { return check_vt(v, t->type); }

/* A tag's type: a function type without results. */
static bool check_tagtype(vctx *v, uint32_t x) {
    if (!check_functype(v, x)) return false;
    if (v->m->types[x].func.nresults) return verr(v, "non-empty tag result type");
    return true;
}

static bool validate_module(vctx *v, zw_module *mm) {
    const zw_module *m = v->m;
    v->at = ZWASM_NO_OFFSET;
    if (!validate_types(v, mm)) return false;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const zw_import *im = &m->imports[i];
        v->at = im->offset;
        switch (im->kind) {
        case ZW_EXT_FUNC:
            if (!check_functype(v, im->u.func_type)) return false;
            break;
        case ZW_EXT_TABLE:
            if (!check_tabletype(v, &im->u.table) || !check_vt(v, im->u.table.elem)) return false;
            break;
        case ZW_EXT_MEM:
            if (!check_memtype(v, &im->u.mem)) return false;
            break;
        case ZW_EXT_GLOBAL:
            if (!check_globaltype(v, &im->u.global)) return false;
            break;
        case ZW_EXT_TAG:
            if (!check_tagtype(v, im->u.tag_type)) return false;
            break;
        default:
            break;
        }
    }
    v->at = ZWASM_NO_OFFSET;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        v->at = m->funcs[i].body_offset;
        if (!check_functype(v, m->funcs[i].type_idx)) return false;
    }
    v->at = ZWASM_NO_OFFSET;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        const zw_table *t = &m->tables[i];
        if (!check_tabletype(v, &t->type) || !check_vt(v, t->type.elem)) return false;
        if (t->has_init) {
            /* the table section comes first: only imported globals exist */
            if (!validate_const(v, &t->init, t->type.elem, m->nglobal_imports)) return false;
        } else if (!zw_ref_nullable(t->type.elem)) {
            return verr(v, "type mismatch: a table of non-nullable references needs an initial value");
        }
    }
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++)
        if (!check_memtype(v, &m->mems[i].type)) return false;
    if (m->nmems > 1 && !v->feat->multi_memory) return verr(v, "multiple memories");
    if (m->ntables > 1 && !v->feat->reference_types) return verr(v, "multiple tables");
    for (uint32_t i = m->ntag_imports; i < m->ntags; i++)
        if (!check_tagtype(v, m->tags[i].type_idx)) return false;
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        uint32_t visible = v->feat->gc_globals ? i : m->nglobal_imports;
        if (!check_globaltype(v, &m->globals[i].type)) return false;
        if (!validate_const(v, &m->globals[i].init, m->globals[i].type.type, visible)) return false;
    }
    /* exports */
    v->at = ZWASM_NO_OFFSET;
    for (uint32_t i = 0; i < m->nexports; i++) {
        const zw_export *e = &m->exports[i];
        switch (e->kind) {
        case ZW_EXT_FUNC: if (!check_func(v, e->index)) return false; break;
        case ZW_EXT_TABLE: if (!check_table(v, e->index)) return false; break;
        case ZW_EXT_MEM: if (!check_mem(v, e->index)) return false; break;
        case ZW_EXT_GLOBAL: if (!check_global(v, e->index)) return false; break;
        case ZW_EXT_TAG: if (!check_tag(v, e->index)) return false; break;
        default: return verr(v, "unknown export kind");
        }
    }
    if (m->nexports > 1) {
        const zw_name **names = zw_calloc(&v->m->al, m->nexports, sizeof *names);
        if (!names) return vnomem(v);
        for (uint32_t i = 0; i < m->nexports; i++) names[i] = &m->exports[i].name;
        qsort(names, m->nexports, sizeof *names, name_cmp);
        for (uint32_t i = 1; i < m->nexports; i++)
            if (!name_cmp(&names[i - 1], &names[i])) {
                zw_free(&v->m->al, names);
                return verr(v, "duplicate export name");
            }
        zw_free(&v->m->al, names);
    }
    if (m->has_start) {
        if (!check_func(v, m->start)) return false;
        const zw_functype *ft = zw_func_type(m, m->start);
        if (ft->nparams || ft->nresults) return verr(v, "start function must have type [] -> []");
    }
    /* Wasm 2.0: constant expressions may only read imported globals */
    uint32_t seg_globals = v->feat->gc_globals ? m->nglobals : m->nglobal_imports;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const zw_elem *e = &m->elems[i];
        v->at = e->offset_in_file;
        if (!check_vt(v, e->type)) return false;
        if (e->mode == ZW_SEG_ACTIVE) {
            if (!check_table(v, e->table)) return false;
            if (!validate_const(v, &e->offset, zw_table_addr_type(m, e->table), seg_globals)) return false;
            if (!sub(v, e->type, m->tables[e->table].type.elem)) {
                v->at = e->offset_in_file;
                return verr(v, "type mismatch: element segment does not match its table");
            }
        }
        for (uint32_t k = 0; k < e->count; k++) {
            if (e->funcs) {
                if (!check_func(v, e->funcs[k])) return false;
            } else if (!validate_const(v, &e->exprs[k], e->type, seg_globals)) {
                return false;
            }
        }
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const zw_data *d = &m->datas[i];
        v->at = d->offset_in_file;
        if (d->mode != ZW_SEG_ACTIVE) continue;
        if (!check_mem(v, d->mem)) return false;
        if (!validate_const(v, &d->offset, zw_mem_addr_type(m, d->mem), seg_globals)) return false;
    }
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++)
        if (!validate_body(v, i)) return false;
    return true;
}

zwasm_result_t zw_validate(zw_module *m, zwasm_error_t *err) {
    vctx v;
    memset(&v, 0, sizeof v);
    v.m = m;
    zw_vfeatures feat = {
        .multi_value = m->features & ZWASM_FEATURE_MULTI_VALUE,
        .reference_types = m->features & ZWASM_FEATURE_REFERENCE_TYPES,
        .multi_memory = m->features & ZWASM_FEATURE_MULTI_MEMORY,
        .extended_const = m->features & ZWASM_FEATURE_EXTENDED_CONST,
        .gc_globals = m->features & ZWASM_FEATURE_EXTENDED_CONST,
    };
    v.feat = &feat;
    v.err = err;
    v.func = ZWASM_NO_FUNC;
    v.at = ZWASM_NO_OFFSET;
    zwasm_error_t local;
    if (!v.err) v.err = &local;
    bool ok = validate_module(&v, m);
    ZW_VEC_FREE(&m->al, &v.inits);
    zw_free(&m->al, v.linit);
    ZW_VEC_FREE(&m->al, &v.vals);
    ZW_VEC_FREE(&m->al, &v.ctrls);
    ZW_VEC_FREE(&m->al, &v.tmp);
    return ok ? ZWASM_OK : v.err->code;
}
