/*
 * instance.c — instantiation (Wasm 2.0 semantics): import checking,
 * creation of function/table/memory/global instances, evaluation of
 * constant expressions, element and data segment initialisation, and the
 * start function.
 */
#include <stdio.h>

#include "../opcodes.h"
#include "runtime.h"

/* ---- constant expressions ------------------------------------------------------ */

typedef ZW_VEC(zw_value) value_stack;

static zwasm_result_t const_bad(zwasm_error_t *err, const zw_expr *e, const char *what) {
    return zw_err_set(err, ZWASM_ERR_INVALID, e->offset, ZWASM_NO_FUNC,
                      "constant expression: %s", what);
}

/* Evaluates the validated instruction sequence e (ending with `end`),
 * read with the decoder's instruction reader: the Wasm 2.0 constant
 * instructions plus the extended-const integer add/sub/mul. */
zwasm_result_t zw_eval_const(zw_instance *inst, const zw_expr *e, zw_value *out,
                             zwasm_error_t *err) {
    const zw_module *m = inst->module;
    const uint8_t *p = e->code, *end = e->code + e->len;
    value_stack st = {0};
    zwasm_result_t r;
    zw_instr in;
    for (;;) {
        if (p >= end) {
            r = const_bad(err, e, "missing end");
            goto done;
        }
        if (zw_read_instr(m->bytes, m->features, &p, end, ZWASM_NO_FUNC, &in, err) != ZWASM_OK) goto bad;
        if (in.op == ZW_OP_END) break;
        zw_value v;
        memset(&v, 0, sizeof v);
        switch (in.op) {
        case ZW_OP_I32_CONST: v.i32 = (uint32_t)in.imm; break;
        case ZW_OP_I64_CONST: v.i64 = (uint64_t)in.imm; break;
        case ZW_OP_F32_CONST: v.i32 = in.v.u32[0]; break;
        case ZW_OP_F64_CONST: v.i64 = in.v.u64[0]; break;
        case ZW_OP_V128_CONST: v.v128 = in.v; break;
        case ZW_OP_REF_NULL: v.ref = NULL; break;
        case ZW_OP_REF_FUNC:
            if (in.a >= m->nfuncs || !inst->funcs[in.a]) goto bad;
            v.ref = inst->funcs[in.a];
            break;
        case ZW_OP_GLOBAL_GET:
            if (in.a >= m->nglobals || !inst->globals[in.a]) goto bad;
            v = inst->globals[in.a]->val;
            break;
        case ZW_OP_I32_ADD: case ZW_OP_I32_SUB: case ZW_OP_I32_MUL:
        case ZW_OP_I64_ADD: case ZW_OP_I64_SUB: case ZW_OP_I64_MUL: {
            if (st.n < 2) goto bad;
            zw_value b = st.v[--st.n], a = st.v[--st.n];
            switch (in.op) {
            case ZW_OP_I32_ADD: v.i32 = a.i32 + b.i32; break;
            case ZW_OP_I32_SUB: v.i32 = a.i32 - b.i32; break;
            case ZW_OP_I32_MUL: v.i32 = a.i32 * b.i32; break;
            case ZW_OP_I64_ADD: v.i64 = a.i64 + b.i64; break;
            case ZW_OP_I64_SUB: v.i64 = a.i64 - b.i64; break;
            default: v.i64 = a.i64 * b.i64; break;
            }
            break;
        }
        case ZW_OP_STRUCT_NEW: case ZW_OP_STRUCT_NEW_DEFAULT: case ZW_OP_ARRAY_NEW:
        case ZW_OP_ARRAY_NEW_DEFAULT: case ZW_OP_ARRAY_NEW_FIXED: {
            /* operands: the fields; an array's init and length; its elements */
            uint32_t n = 0, take = 0;
            if (in.op == ZW_OP_STRUCT_NEW) take = m->types[in.a].nfields;
            else if (in.op == ZW_OP_ARRAY_NEW_FIXED) take = n = in.b;
            else if (in.op != ZW_OP_STRUCT_NEW_DEFAULT) take = in.op == ZW_OP_ARRAY_NEW ? 2 : 1;
            if (st.n < take) goto bad;
            st.n -= take;
            if (in.op == ZW_OP_ARRAY_NEW || in.op == ZW_OP_ARRAY_NEW_DEFAULT) n = st.v[st.n + take - 1].i32;
            /* collection stays off: the operands here are no roots */
            inst->store->gc.no_collect++;
            v.ref = (void *)(uintptr_t)zw_gc_const_new(inst, in.op, in.a, n, take ? st.v + st.n : NULL);
            inst->store->gc.no_collect--;
            if (!v.ref) {
                r = zw_trap_set(err, ZWASM_TRAP_OUT_OF_MEMORY, NULL);
                goto done;
            }
            break;
        }
        case ZW_OP_REF_I31: case ZW_OP_ANY_CONVERT_EXTERN: case ZW_OP_EXTERN_CONVERT_ANY: {
            if (st.n < 1) goto bad;
            zw_value a = st.v[--st.n];
            inst->store->gc.no_collect++;
            uint64_t x = zw_gc_const_convert(inst, in.op, a.slots[0]);
            inst->store->gc.no_collect--;
            if (!x && a.slots[0] && in.op != ZW_OP_REF_I31) {
                r = zw_trap_set(err, ZWASM_TRAP_OUT_OF_MEMORY, NULL);
                goto done;
            }
            v.slots[0] = x;
            break;
        }
        default:
            r = const_bad(err, e, "unsupported instruction");
            goto done;
        }
        if (!ZW_VEC_PUSH(inst->store->al, &st, v)) {
            r = zw_err_set(err, ZWASM_ERR_NOMEM, e->offset, ZWASM_NO_FUNC, "out of memory");
            goto done;
        }
    }
    if (st.n != 1) {
        r = const_bad(err, e, "wrong number of values");
    } else {
        *out = st.v[0];
        r = ZWASM_OK;
    }
done:
    ZW_VEC_FREE(inst->store->al, &st);
    return r;
bad:
    ZW_VEC_FREE(inst->store->al, &st);
    return const_bad(err, e, "malformed instruction");
}

/* ---- import checking -------------------------------------------------------------- */

static const char *kind_name(uint32_t k) {
    switch (k) {
    case ZW_EXT_FUNC: return "func";
    case ZW_EXT_TABLE: return "table";
    case ZW_EXT_MEM: return "memory";
    case ZW_EXT_GLOBAL: return "global";
    case ZW_EXT_TAG: return "tag";
    }
    return "unknown";
}

/* Limits subtyping: actual (current size, declared max) matches expected. */
static bool limits_match(uint64_t act_min, bool act_has_max, uint64_t act_max,
                         const zw_limits *exp) {
    if (act_min < exp->min) return false;
    if (exp->has_max) {
        if (!act_has_max || act_max > exp->max) return false;
    }
    return true;
}

static zwasm_result_t link_err(zwasm_error_t *err, const zw_import *im, const char *why) {
    return zw_err_set(err, ZWASM_ERR_LINK, im->offset, ZWASM_NO_FUNC,
                      "incompatible import type for \"%.*s\" \"%.*s\": %s", (int)im->module.len,
                      im->module.str, (int)im->name.len, im->name.str, why);
}

static const zw_objkind obj_of_ext[] = {
    [ZW_EXT_FUNC] = ZW_OBJ_FUNC, [ZW_EXT_TABLE] = ZW_OBJ_TABLE,
    [ZW_EXT_MEM] = ZW_OBJ_MEMORY, [ZW_EXT_GLOBAL] = ZW_OBJ_GLOBAL, [ZW_EXT_TAG] = ZW_OBJ_TAG,
};

/* The object of an extern (NULL for unsupported kinds). */
static const void *extern_obj(const zwasm_extern_t *ex) {
    switch ((uint32_t)ex->kind) {
    case ZW_EXT_FUNC: return ex->of.func;
    case ZW_EXT_TABLE: return ex->of.table;
    case ZW_EXT_MEM: return ex->of.memory;
    case ZW_EXT_GLOBAL: return ex->of.global;
    case ZW_EXT_TAG: return ex->of.tag;
    }
    return NULL;
}

/* ids: the store ids of m's types (import types are compared in the store's
 * index space, where the exporter's types are). */
static zwasm_result_t check_import(zw_store *s, const zw_module *m, const uint32_t *ids, const zw_import *im,
                                   const zwasm_extern_t *ex, zwasm_error_t *err) {
    const zw_type *types = s->types.v.v;
    char why[128];
    if ((uint32_t)ex->kind != (uint32_t)im->kind) {
        snprintf(why, sizeof why, "expected %s, got %s", kind_name(im->kind), kind_name(ex->kind));
        return link_err(err, im, why);
    }
    /* Only objects of this store may be linked: type ids, and the
     * references the objects hold, mean nothing in another store. */
    const void *obj = extern_obj(ex);
    /* (a shared memory of another store of the engine is taken up: threads) */
    if (obj && !zw_store_owns(s, obj_of_ext[im->kind], obj) &&
        !(im->kind == ZW_EXT_MEM && zw_memory_share(s, (zw_memory *)obj)))
        return zw_err_set(err, ZWASM_ERR_ARG, im->offset, ZWASM_NO_FUNC,
                          "import \"%.*s\" \"%.*s\": the %s belongs to another store or was "
                          "deleted%s", (int)im->module.len, im->module.str, (int)im->name.len,
                          im->name.str, kind_name(im->kind),
                          im->kind == ZW_EXT_MEM ? " (only a shared memory of the same engine "
                                                   "may cross stores)" : "");
    switch (im->kind) {
    case ZW_EXT_FUNC: {
        const zw_funcinst *f = ex->of.func;
        if (!f) goto null_obj;
        if (im->u.func_type >= m->ntypes || !zw_store_type_sub(s, f->type_id, ids[im->u.func_type]))
            return link_err(err, im, "function type mismatch");
        return ZWASM_OK;
    }
    case ZW_EXT_TABLE: {
        const zw_tableinst *t = ex->of.table;
        if (!t) goto null_obj;
        if (!zw_valtype_eq(types, t->type.elem, zw_vt_canon(ids, im->u.table.elem)) || t->type.is64 != im->u.table.is64)
            return link_err(err, im, "table element type mismatch");
        if (!limits_match(t->size, t->type.lim.has_max, t->type.lim.max, &im->u.table.lim))
            return link_err(err, im, "table limits mismatch");
        return ZWASM_OK;
    }
    case ZW_EXT_MEM: {
        const zw_memory *mem = ex->of.memory;
        if (!mem) goto null_obj;
        if (mem->type.is64 != im->u.mem.is64 || mem->type.shared != im->u.mem.shared ||
            mem->type.page_log2 != im->u.mem.page_log2)
            return link_err(err, im, "memory type mismatch");
        if (!limits_match(zw_mem_pages(mem), mem->type.lim.has_max, mem->type.lim.max, &im->u.mem.lim))
            return link_err(err, im, "memory limits mismatch");
        return ZWASM_OK;
    }
    case ZW_EXT_GLOBAL: {
        const zw_globalinst *g = ex->of.global;
        if (!g) goto null_obj;
        zw_valtype want = zw_vt_canon(ids, im->u.global.type);
        if (g->type.mut != im->u.global.mut ||
            !(g->type.mut ? zw_valtype_eq(types, g->type.type, want) : zw_valtype_sub(types, g->type.type, want)))
            return link_err(err, im, "global type mismatch");
        return ZWASM_OK;
    }
    case ZW_EXT_TAG: {
        const zw_taginst *t = ex->of.tag;
        if (!t) goto null_obj;
        /* tag types match exactly */
        if (im->u.tag_type >= m->ntypes || t->type_id != ids[im->u.tag_type])
            return link_err(err, im, "tag type mismatch");
        return ZWASM_OK;
    }
    default:
        return zw_err_set(err, ZWASM_ERR_UNSUPPORTED, im->offset, ZWASM_NO_FUNC,
                          "import \"%.*s\" \"%.*s\": %s imports are not supported",
                          (int)im->module.len, im->module.str, (int)im->name.len, im->name.str,
                          kind_name(im->kind));
    }
null_obj:
    return zw_err_set(err, ZWASM_ERR_ARG, im->offset, ZWASM_NO_FUNC,
                      "import \"%.*s\" \"%.*s\": NULL %s", (int)im->module.len, im->module.str,
                      (int)im->name.len, im->name.str, kind_name(im->kind));
}

/* ---- instantiation ------------------------------------------------------------------ */

static zwasm_result_t nomem(zwasm_error_t *err) {
    return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
}

/* Prefix err's message with the object it is about ("memory 1: ..."). */
static zwasm_result_t where(zwasm_error_t *err, const char *what, uint32_t i) {
    if (!err) return ZWASM_ERR_NOMEM;
    char msg[sizeof err->message];
    memcpy(msg, err->message, sizeof msg);
    return zw_err_set(err, err->code, err->offset, err->func, "%s %u: %s", what, i, msg);
}

static bool alloc_arrays(zw_instance *inst, const zw_module *m) {
    inst->funcs = zw_calloc(inst->store->al, m->nfuncs, sizeof *inst->funcs);
    inst->tables = zw_calloc(inst->store->al, m->ntables, sizeof *inst->tables);
    inst->mems = zw_calloc(inst->store->al, m->nmems, sizeof *inst->mems);
    inst->globals = zw_calloc(inst->store->al, m->nglobals, sizeof *inst->globals);
    inst->tags = zw_calloc(inst->store->al, m->ntags + 1, sizeof *inst->tags);
    inst->elem_len = zw_calloc(inst->store->al, m->nelems, sizeof *inst->elem_len);
    inst->elem_refs = zw_calloc(inst->store->al, m->nelems, sizeof *inst->elem_refs);
    inst->data_len = zw_calloc(inst->store->al, m->ndatas, sizeof *inst->data_len);
    return inst->funcs && inst->tables && inst->mems && inst->globals && inst->tags && inst->type_ids &&
           inst->elem_len && inst->elem_refs && inst->data_len;
}

/* Offset of an active segment: an i32 (or i64 for 64-bit tables/memories). */
static zwasm_result_t eval_offset(zw_instance *inst, const zw_expr *e, bool is64, uint64_t *out,
                                  zwasm_error_t *err) {
    zw_value v;
    zwasm_result_t r = zw_eval_const(inst, e, &v, err);
    if (r != ZWASM_OK) return r;
    *out = is64 ? v.i64 : (uint64_t)v.i32;
    return ZWASM_OK;
}

static zwasm_result_t create_objects(zw_store *s, zw_instance *inst, const zw_module *m,
                                     const zwasm_extern_t *imports, zwasm_error_t *err) {
    zwasm_result_t r;
    /* Imports, in order, into their index spaces. */
    uint32_t fi = 0, ti = 0, mi = 0, gi = 0, xi = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        switch (m->imports[i].kind) {
        case ZW_EXT_TAG: inst->tags[xi++] = imports[i].of.tag; break;
        case ZW_EXT_FUNC: inst->funcs[fi++] = imports[i].of.func; break;
        case ZW_EXT_TABLE: inst->tables[ti++] = imports[i].of.table; break;
        case ZW_EXT_MEM: inst->mems[mi++] = imports[i].of.memory; break;
        case ZW_EXT_GLOBAL: inst->globals[gi++] = imports[i].of.global; break;
        default: break;
        }
    }
    /* Defined tags: each a new identity. */
    for (uint32_t i = m->ntag_imports; i < m->ntags; i++) {
        uint32_t ti_ = m->tags[i].type_idx;
        inst->tags[i] = zw_tag_create(s, inst->type_ids[ti_], &m->types[ti_].func, false);
        if (!inst->tags[i]) return nomem(err);
    }
    /* Defined functions (before globals: ref.func may appear in initialisers). */
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        zw_funcinst *f = zw_calloc(s->al, 1, sizeof *f);
        if (!f || !zw_store_adopt(s, ZW_OBJ_FUNC, f)) {
            zw_free(s->al, f);
            return nomem(err);
        }
        f->store = s;
        uint32_t ti_ = m->funcs[i].type_idx;
        zw_func_set_type(f, s, inst->type_ids[ti_]);
        f->type = &m->types[ti_].func;
        f->inst = inst;
        f->index = i;
        f->code = s->engine->backend->func_code(m, i - m->nfunc_imports);
        inst->funcs[i] = f;
    }
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++) {
        zw_value v;
        r = zw_eval_const(inst, &m->globals[i].init, &v, err);
        if (r != ZWASM_OK) return r;
        zw_globaltype gt = m->globals[i].type;
        gt.type = zw_vt_canon(inst->type_ids, gt.type);
        inst->globals[i] = zw_global_create(s, &gt, &v);
        if (!inst->globals[i]) return nomem(err);
    }
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) {
        zw_value init = {0};
        if (m->tables[i].has_init) {
            r = zw_eval_const(inst, &m->tables[i].init, &init, err);
            if (r != ZWASM_OK) return r;
        }
        zw_tabletype tt = m->tables[i].type;
        tt.elem = zw_vt_canon(inst->type_ids, tt.elem);
        r = zw_table_create(s, &tt, init.ref, &inst->tables[i], err);
        if (r != ZWASM_OK) return where(err, "table", i);
    }
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++) {
        r = zw_memory_create(s, &m->mems[i].type, &inst->mems[i], err);
        if (r != ZWASM_OK) return where(err, "memory", i);
    }
    inst->mem0 = m->nmems ? inst->mems[0] : NULL;
    /* Element segments -> reference arrays. */
    for (uint32_t i = 0; i < m->nelems; i++) {
        const zw_elem *el = &m->elems[i];
        void **refs = zw_calloc(s->al, el->count, sizeof *refs);
        if (!refs) return nomem(err);
        inst->elem_refs[i] = refs;
        for (uint32_t k = 0; k < el->count; k++) {
            if (el->funcs) {
                if (el->funcs[k] >= m->nfuncs)
                    return zw_err_set(err, ZWASM_ERR_INVALID, el->offset_in_file, ZWASM_NO_FUNC,
                                      "unknown function %u", el->funcs[k]);
                refs[k] = inst->funcs[el->funcs[k]];
            } else if (el->exprs) {
                zw_value v;
                r = zw_eval_const(inst, &el->exprs[k], &v, err);
                if (r != ZWASM_OK) return r;
                refs[k] = v.ref;
            }
        }
        inst->elem_len[i] = el->count;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) inst->data_len[i] = m->datas[i].len;
    return ZWASM_OK;
}

static zwasm_result_t init_segments(zw_instance *inst, const zw_module *m, zwasm_error_t *err) {
    zwasm_result_t r;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const zw_elem *el = &m->elems[i];
        if (el->mode == ZW_SEG_ACTIVE) {
            if (el->table >= m->ntables)
                return zw_err_set(err, ZWASM_ERR_INVALID, el->offset_in_file, ZWASM_NO_FUNC,
                                  "unknown table %u", el->table);
            zw_tableinst *t = inst->tables[el->table];
            uint64_t off;
            r = eval_offset(inst, &el->offset, t->type.is64, &off, err);
            if (r != ZWASM_OK) return r;
            uint32_t n = inst->elem_len[i];
            if (off > t->size || n > t->size - off)
                return zw_trap_set(err, ZWASM_TRAP_TABLE_OOB, NULL);
            if (n) memcpy(t->elems + off, inst->elem_refs[i], (size_t)n * sizeof(void *));
        }
        if (el->mode != ZW_SEG_PASSIVE) inst->elem_len[i] = 0; /* elem.drop */
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const zw_data *d = &m->datas[i];
        if (d->mode != ZW_SEG_ACTIVE) continue;
        if (d->mem >= m->nmems)
            return zw_err_set(err, ZWASM_ERR_INVALID, d->offset_in_file, ZWASM_NO_FUNC,
                              "unknown memory %u", d->mem);
        zw_memory *mem = inst->mems[d->mem];
        uint64_t off;
        r = eval_offset(inst, &d->offset, mem->type.is64, &off, err);
        if (r != ZWASM_OK) return r;
        if (off > mem->size || d->len > mem->size - off)
            return zw_trap_set(err, ZWASM_TRAP_MEMORY_OOB, NULL);
        if (d->len) memcpy(mem->base + off, d->bytes, d->len);
        inst->data_len[i] = 0; /* data.drop */
    }
    return ZWASM_OK;
}

/* Undo create_objects (complete or not): free what it made for inst, and
 * inst itself, giving their bytes and counts back to the store. */
static void discard_objects(zw_store *s, zw_instance *inst, const zw_module *m) {
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) zw_store_discard(s, ZW_OBJ_FUNC, inst->funcs[i]);
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
        zw_store_discard(s, ZW_OBJ_GLOBAL, inst->globals[i]);
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) zw_store_discard(s, ZW_OBJ_TABLE, inst->tables[i]);
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++) zw_store_discard(s, ZW_OBJ_MEMORY, inst->mems[i]);
    for (uint32_t i = m->ntag_imports; i < m->ntags; i++) zw_store_discard(s, ZW_OBJ_TAG, inst->tags[i]);
    zw_store_discard(s, ZW_OBJ_INSTANCE, inst); /* releases the module reference */
}

zwasm_result_t zw_instantiate(zw_store *s, const zw_module *m, const zwasm_extern_t *imports,
                              size_t nimports, zw_instance **out, zwasm_error_t *err) {
    if (out) *out = NULL;
    if (nimports != m->nimports)
        return zw_err_set(err, ZWASM_ERR_LINK, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "unknown import: the module has %u imports, %zu were given",
                          m->nimports, nimports);
    if (nimports && !imports)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "instantiate: NULL imports array");
    if (m->engine && m->engine != s->engine)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "instantiate: the module was compiled by another engine");
    uint32_t *ids = zw_calloc(s->al, m->ntypes ? m->ntypes : 1, sizeof *ids);
    if (!ids || !zw_store_module_types(s, m, ids)) {
        zw_free(s->al, ids);
        return nomem(err);
    }
    for (uint32_t i = 0; i < m->nimports; i++) {
        zwasm_result_t r = check_import(s, m, ids, &m->imports[i], &imports[i], err);
        if (r != ZWASM_OK) {
            zw_free(s->al, ids);
            return r;
        }
    }

    if (s->ninstances >= s->limits.instances) {
        zw_free(s->al, ids);
        return zw_err_set(err, ZWASM_ERR_LIMIT, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "instance limit: the store may create %u instances", s->limits.instances);
    }

    zw_instance *inst = zw_calloc(s->al, 1, sizeof *inst);
    if (!inst) {
        zw_free(s->al, ids);
        return nomem(err);
    }
    inst->store = s;
    inst->module = m;
    inst->type_ids = ids;
    if (!alloc_arrays(inst, m) || !zw_store_adopt(s, ZW_OBJ_INSTANCE, inst)) {
        zw_free(s->al, inst->funcs); zw_free(s->al, inst->tables); zw_free(s->al, inst->mems); zw_free(s->al, inst->globals);
        zw_free(s->al, inst->tags);
        zw_free(s->al, inst->type_ids); zw_free(s->al, inst->elem_len); zw_free(s->al, inst->elem_refs); zw_free(s->al, inst->data_len);
        zw_free(s->al, inst);
        return nomem(err);
    }
    /* From here on the store owns inst and everything created for it;
     * the instance holds a reference on its module until the store dies. */
    s->ninstances++;
    zw_module_retain((zw_module *)m);
    zwasm_result_t r = create_objects(s, inst, m, imports, err);
    if (r != ZWASM_OK) { /* nothing outside the new objects refers to them yet */
        discard_objects(s, inst, m);
        return r;
    }
    r = init_segments(inst, m, err);
    if (r == ZWASM_OK && m->has_start) {
        if (m->start >= m->nfuncs)
            return zw_err_set(err, ZWASM_ERR_INVALID, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                              "unknown start function %u", m->start);
        r = zw_call(s, inst->funcs[m->start], NULL, NULL, err);
        if (zw_store_settle(s)) /* the start function's host import deleted the store */
            return r != ZWASM_OK ? r : zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                                                  "instantiate: the store was deleted by the start "
                                                  "function");
    }
    if (r != ZWASM_OK) return r;
    if (out) *out = inst;
    return ZWASM_OK;
}
