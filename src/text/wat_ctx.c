/*
 * wat_ctx.c — shared machinery of the WAT encoder: error reporting, the
 * $id -> index tables of each index space, value, reference and heap types
 * (parsed to and emitted from zw_valtype), index resolution, and type uses
 * (explicit (type x), inline signatures, implicit types).
 */
#include <stdarg.h>
#include <stdio.h>

#include "text/wat_internal.h"

bool zw_wt_fail(wt_mod *m, const zw_sx *node, const char *fmt, ...) {
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    m->code = ZWASM_ERR_MALFORMED;
    if (!node) node = m->pos;
    if (node)
        zw_err_set(m->err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%u:%u: %s",
                   node->line, node->col, msg);
    else
        zw_err_set(m->err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%s", msg);
    return false;
}

bool zw_wt_nomem(wt_mod *m) {
    m->code = ZWASM_ERR_NOMEM;
    zw_err_set(m->err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    return false;
}

/* ---- names ----------------------------------------------------------------- */
static uint32_t str_hash(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

bool zw_wt_names_get(const wt_names *ns, const char *id, uint32_t *idx) {
    if (!ns->cap) return false;
    uint32_t mask = ns->cap - 1;
    for (uint32_t i = str_hash(id) & mask;; i = (i + 1) & mask) {
        if (!ns->slots[i].id) return false;
        if (!strcmp(ns->slots[i].id, id)) {
            *idx = ns->slots[i].idx;
            return true;
        }
    }
}

static bool names_put(wt_names *ns, const char *id, uint32_t idx) {
    if ((ns->n + 1) * 2 > ns->cap) {
        uint32_t ncap = ns->cap ? ns->cap * 2 : 16;
        struct wt_name_slot *s = zw_calloc(NULL, ncap, sizeof *s);
        if (!s) return false;
        for (uint32_t i = 0; i < ns->cap; i++) {
            if (!ns->slots[i].id) continue;
            uint32_t j = str_hash(ns->slots[i].id) & (ncap - 1);
            while (s[j].id) j = (j + 1) & (ncap - 1);
            s[j] = ns->slots[i];
        }
        free(ns->slots);
        ns->slots = s;
        ns->cap = ncap;
    }
    uint32_t j = str_hash(id) & (ns->cap - 1);
    while (ns->slots[j].id) j = (j + 1) & (ns->cap - 1);
    ns->slots[j].id = id;
    ns->slots[j].idx = idx;
    ns->n++;
    return true;
}

bool zw_wt_names_add(wt_mod *m, wt_names *ns, const zw_sx *id, uint32_t idx, const char *what) {
    uint32_t old;
    if (zw_wt_names_get(ns, id->text, &old))
        return zw_wt_fail(m, id, "duplicate %s %s", what, id->text);
    if (!names_put(ns, id->text, idx)) return zw_wt_nomem(m);
    return true;
}

void zw_wt_names_free(wt_names *ns) {
    free(ns->slots);
    ns->slots = NULL;
    ns->cap = ns->n = 0;
}

/* ---- indices and types -------------------------------------------------------- */
static const char *const ns_names[WT_NS] = {"type", "function", "table", "memory",
                                            "global", "tag", "elem segment", "data segment"};

bool zw_wt_u32(wt_mod *m, const zw_sx *s, uint32_t *out) {
    if (!s || s->kind != ZW_SX_ATOM) return zw_wt_fail(m, s, "unexpected token, expected a number");
    uint64_t v;
    zw_num_res r = zw_num_uint(s->text, UINT32_MAX, &v);
    if (r != ZW_NUM_OK) return zw_wt_fail(m, s, "%s", zw_num_msg(r));
    *out = (uint32_t)v;
    return true;
}

bool zw_wt_idx(wt_mod *m, int ns, const zw_sx *s, uint32_t *out) {
    if (!s || s->kind != ZW_SX_ATOM) return zw_wt_fail(m, s, "unexpected token, expected an index");
    if (s->text[0] == '$') {
        if (!zw_wt_names_get(&m->ns[ns], s->text, out))
            return zw_wt_fail(m, s, "unknown %s %s", ns_names[ns], s->text);
        return true;
    }
    return zw_wt_u32(m, s, out);
}

/* Abstract heap types by name, and the shorthand reference types. */
static const struct { const char *name; uint32_t ht; } heap_names[] = {
    {"func", ZW_HT_FUNC},     {"extern", ZW_HT_EXTERN},     {"any", ZW_HT_ANY},
    {"eq", ZW_HT_EQ},         {"i31", ZW_HT_I31},           {"struct", ZW_HT_STRUCT},
    {"array", ZW_HT_ARRAY},   {"none", ZW_HT_NONE},         {"nofunc", ZW_HT_NOFUNC},
    {"noextern", ZW_HT_NOEXTERN}, {"exn", ZW_HT_EXN},       {"noexn", ZW_HT_NOEXN},
};
static const struct { const char *name; zw_valtype t; } valtype_names[] = {
    {"i32", ZW_I32},          {"i64", ZW_I64},              {"f32", ZW_F32},
    {"f64", ZW_F64},          {"v128", ZW_V128},            {"funcref", ZW_HT_FUNC},
    {"externref", ZW_HT_EXTERN}, {"anyref", ZW_HT_ANY},     {"eqref", ZW_HT_EQ},
    {"i31ref", ZW_HT_I31},    {"structref", ZW_HT_STRUCT},  {"arrayref", ZW_HT_ARRAY},
    {"nullref", ZW_HT_NONE},  {"nullfuncref", ZW_HT_NOFUNC}, {"nullexternref", ZW_HT_NOEXTERN},
    {"exnref", ZW_HT_EXN},    {"nullexnref", ZW_HT_NOEXN},
};

static bool valtype_atom(const zw_sx *s, zw_valtype *out) {
    if (s && s->kind == ZW_SX_ATOM)
        for (size_t i = 0; i < ZW_ARRAY_LEN(valtype_names); i++)
            if (!strcmp(s->text, valtype_names[i].name)) {
                *out = valtype_names[i].t;
                return true;
            }
    return false;
}

bool zw_wt_is_valtype(const zw_sx *s) {
    zw_valtype t;
    return valtype_atom(s, &t) || zw_wt_is_list(s, "ref");
}

bool zw_wt_heaptype(wt_mod *m, const zw_sx *s, uint32_t *out) {
    if (s && s->kind == ZW_SX_ATOM)
        for (size_t i = 0; i < ZW_ARRAY_LEN(heap_names); i++)
            if (!strcmp(s->text, heap_names[i].name)) {
                *out = heap_names[i].ht;
                return true;
            }
    if (!zw_wt_is_idx(s)) return zw_wt_fail(m, s, "unexpected token, expected a heap type");
    uint32_t x;
    if (!zw_wt_idx(m, WT_TYPE, s, &x)) return false;
    /* beyond what a valtype carries: still an unknown type for the validator */
    *out = ZW_HT_IDX + (x < ZW_HT_MAX_IDX ? x : ZW_HT_MAX_IDX - 1);
    return true;
}

/* (ref null? heaptype) */
static bool ref_form(wt_mod *m, const zw_sx *s, zw_valtype *out) {
    uint32_t i = 1, ht;
    bool nullable = i < s->nitems && zw_wt_is_atom(s->items[i], "null");
    if (nullable) i++;
    if (i >= s->nitems) return zw_wt_fail(m, s, "unexpected token, expected a heap type");
    if (i + 1 != s->nitems) return zw_wt_fail(m, s->items[i + 1], "unexpected token in reference type");
    if (!zw_wt_heaptype(m, s->items[i], &ht)) return false;
    *out = zw_ref_type(ht, nullable);
    return true;
}

bool zw_wt_reftype(wt_mod *m, const zw_sx *s, zw_valtype *out) {
    if (zw_wt_is_list(s, "ref")) return ref_form(m, s, out);
    if (valtype_atom(s, out) && zw_is_ref(*out)) return true;
    return zw_wt_fail(m, s, "unexpected token, expected a reference type");
}

bool zw_wt_valtype(wt_mod *m, const zw_sx *s, zw_valtype *out) {
    if (zw_wt_is_list(s, "ref")) return ref_form(m, s, out);
    if (valtype_atom(s, out)) return true;
    return zw_wt_fail(m, s, "unexpected token, expected a value type");
}

bool zw_wt_storagetype(wt_mod *m, const zw_sx *s, zw_valtype *out) {
    if (zw_wt_is_atom(s, "i8")) *out = ZW_I8;
    else if (zw_wt_is_atom(s, "i16")) *out = ZW_I16;
    else return zw_wt_valtype(m, s, out);
    return true;
}

void zw_wt_put_heaptype(zw_buf *b, uint32_t ht) {
    if (zw_heap_is_idx(ht)) zw_buf_sleb(b, (int64_t)(ht - ZW_HT_IDX));
    else zw_buf_byte(b, (uint8_t)ht);
}

void zw_wt_put_valtype(zw_buf *b, zw_valtype t) {
    zw_buf_byte(b, (uint8_t)t);
    if (t >= 0x100) zw_wt_put_heaptype(b, t >> 8);
}

void zw_wt_type_free(wt_type *t) {
    free(t->t);
    free(t->mut);
    free(t->supers);
    zw_wt_names_free(&t->fields);
}

/* Whether type i is what an inline type use may stand for: a final function
 * type without supertypes, alone in its recursion group. */
static bool plain_functype(const wt_mod *m, uint32_t i) {
    const wt_type *t = &m->types.v[i];
    return t->kind == ZW_COMP_FUNC && t->final && !t->nsuper && t->alone;
}

uint32_t zw_wt_type_find_or_add(wt_mod *m, const zw_valtype *t, uint32_t np, uint32_t nr, bool *ok) {
    *ok = true;
    size_t bytes = (size_t)(np + nr) * sizeof *t;
    for (uint32_t i = 0; i < m->types.n; i++) {
        wt_type *ft = &m->types.v[i];
        if (ft->kind == ZW_COMP_FUNC && ft->np == np && ft->nr == nr && (!bytes || !memcmp(ft->t, t, bytes)) &&
            plain_functype(m, i))
            return i;
    }
    wt_type ft = {.kind = ZW_COMP_FUNC, .np = np, .nr = nr, .final = true, .alone = true,
                  .t = malloc(bytes + 1)};
    wt_group g = {m->types.n, 1, false};
    if (!ft.t || !ZW_VEC_GROW(NULL, &m->groups) || !ZW_VEC_PUSH(NULL, &m->types, ft)) {
        free(ft.t);
        *ok = zw_wt_nomem(m);
        return 0;
    }
    m->groups.v[m->groups.n++] = g;
    if (bytes) memcpy(ft.t, t, bytes);
    return m->types.n - 1;
}

/* ---- type uses ------------------------------------------------------------------ */
void zw_wt_sig_free(wt_sig *sig) {
    ZW_VEC_FREE(NULL, &sig->params);
    ZW_VEC_FREE(NULL, &sig->results);
    ZW_VEC_FREE(NULL, &sig->param_ids);
}

bool zw_wt_sig_parse(wt_mod *m, zw_sx *const *items, uint32_t n, uint32_t *pos, bool allow_ids,
                     wt_sig *sig) {
    memset(sig, 0, sizeof *sig);
    uint32_t i = *pos;
    if (i < n && zw_wt_is_list(items[i], "type")) {
        const zw_sx *t = items[i];
        if (t->nitems != 2) return zw_wt_fail(m, t, "unexpected token in type use");
        if (!zw_wt_idx(m, WT_TYPE, t->items[1], &sig->typeidx)) return false;
        sig->has_type = true;
        i++;
    }
    while (i < n && zw_wt_is_list(items[i], "param")) {
        const zw_sx *p = items[i];
        sig->has_inline = true;
        if (p->nitems >= 2 && zw_wt_is_id(p->items[1])) {
            if (!allow_ids) return zw_wt_fail(m, p->items[1], "unexpected token");
            zw_valtype t;
            if (p->nitems != 3) return zw_wt_fail(m, p, "unexpected token in param");
            if (!zw_wt_valtype(m, p->items[2], &t)) return false;
            if (!ZW_VEC_PUSH(NULL, &sig->params, t) || !ZW_VEC_PUSH(NULL, &sig->param_ids, p->items[1]))
                return zw_wt_nomem(m);
        } else {
            for (uint32_t j = 1; j < p->nitems; j++) {
                zw_valtype t;
                const zw_sx *none = NULL;
                if (!zw_wt_valtype(m, p->items[j], &t)) return false;
                if (!ZW_VEC_PUSH(NULL, &sig->params, t) || !ZW_VEC_PUSH(NULL, &sig->param_ids, none))
                    return zw_wt_nomem(m);
            }
        }
        i++;
    }
    while (i < n && zw_wt_is_list(items[i], "result")) {
        const zw_sx *p = items[i];
        sig->has_inline = true;
        for (uint32_t j = 1; j < p->nitems; j++) {
            zw_valtype t;
            if (!zw_wt_valtype(m, p->items[j], &t)) return false;
            if (!ZW_VEC_PUSH(NULL, &sig->results, t)) return zw_wt_nomem(m);
        }
        i++;
    }
    *pos = i;
    return true;
}

bool zw_wt_sig_resolve(wt_mod *m, const zw_sx *where, wt_sig *sig, uint32_t *typeidx,
                       uint32_t *nparams) {
    uint32_t np = sig->params.n, nr = sig->results.n;
    if (sig->has_type) {
        *typeidx = sig->typeidx;
        if (sig->typeidx < m->types.n) {
            wt_type *ft = &m->types.v[sig->typeidx];
            if (ft->kind != ZW_COMP_FUNC) {
                if (sig->has_inline) return zw_wt_fail(m, where, "inline function type does not match");
                np = 0; /* the validator reports the type */
            } else if (sig->has_inline) {
                if (ft->np != np || ft->nr != nr ||
                    (np && memcmp(ft->t, sig->params.v, np * sizeof *ft->t)) ||
                    (nr && memcmp(ft->t + np, sig->results.v, nr * sizeof *ft->t)))
                    return zw_wt_fail(m, where, "inline function type does not match");
            } else {
                np = ft->np;
            }
        } else if (sig->has_inline) {
            return zw_wt_fail(m, where, "unknown type %u", sig->typeidx);
        }
        if (nparams) *nparams = np;
        return true;
    }
    zw_valtype stackbuf[32];
    zw_valtype *t = np + nr <= ZW_ARRAY_LEN(stackbuf) ? stackbuf : malloc((size_t)(np + nr) * sizeof *t);
    if (!t) return zw_wt_nomem(m);
    if (np) memcpy(t, sig->params.v, np * sizeof *t);
    if (nr) memcpy(t + np, sig->results.v, nr * sizeof *t);
    bool ok;
    *typeidx = zw_wt_type_find_or_add(m, t, np, nr, &ok);
    if (t != stackbuf) free(t);
    if (nparams) *nparams = np;
    return ok;
}
