/*
 * wat_ctx.c — shared machinery of the WAT encoder: error reporting, the
 * $id -> index tables of each index space, value types, index resolution,
 * and type uses (explicit (type x), inline signatures, implicit types).
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
                                            "global", "elem segment", "data segment"};

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

bool zw_wt_valtype(wt_mod *m, const zw_sx *s, uint8_t *out) {
    static const struct { const char *name; uint8_t code; } vt[] = {
        {"i32", 0x7F}, {"i64", 0x7E}, {"f32", 0x7D}, {"f64", 0x7C},
        {"v128", 0x7B}, {"funcref", 0x70}, {"externref", 0x6F},
    };
    if (s && s->kind == ZW_SX_ATOM)
        for (size_t i = 0; i < ZW_ARRAY_LEN(vt); i++)
            if (!strcmp(s->text, vt[i].name)) {
                *out = vt[i].code;
                return true;
            }
    return zw_wt_fail(m, s, "unexpected token, expected a value type");
}

bool zw_wt_reftype(wt_mod *m, const zw_sx *s, uint8_t *out) {
    if (zw_wt_is_atom(s, "funcref")) *out = 0x70;
    else if (zw_wt_is_atom(s, "externref")) *out = 0x6F;
    else return zw_wt_fail(m, s, "unexpected token, expected a reference type");
    return true;
}

void zw_wt_ft_free(wt_ft *ft) { free(ft->t); }

uint32_t zw_wt_type_find_or_add(wt_mod *m, const uint8_t *t, uint32_t np, uint32_t nr, bool *ok) {
    *ok = true;
    for (uint32_t i = 0; i < m->types.n; i++) {
        wt_ft *ft = &m->types.v[i];
        if (ft->np == np && ft->nr == nr && (np + nr == 0 || !memcmp(ft->t, t, np + nr)))
            return i;
    }
    wt_ft ft = {np, nr, malloc(np + nr + 1)};
    if (!ft.t || !ZW_VEC_PUSH(NULL, &m->types, ft)) {
        free(ft.t);
        *ok = zw_wt_nomem(m);
        return 0;
    }
    if (np + nr) memcpy(ft.t, t, np + nr);
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
            uint8_t t;
            if (p->nitems != 3) return zw_wt_fail(m, p, "unexpected token in param");
            if (!zw_wt_valtype(m, p->items[2], &t)) return false;
            if (!ZW_VEC_PUSH(NULL, &sig->params, t) || !ZW_VEC_PUSH(NULL, &sig->param_ids, p->items[1]))
                return zw_wt_nomem(m);
        } else {
            for (uint32_t j = 1; j < p->nitems; j++) {
                uint8_t t;
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
            uint8_t t;
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
            wt_ft *ft = &m->types.v[sig->typeidx];
            if (sig->has_inline) {
                if (ft->np != np || ft->nr != nr ||
                    (np && memcmp(ft->t, sig->params.v, np)) ||
                    (nr && memcmp(ft->t + np, sig->results.v, nr)))
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
    uint8_t stackbuf[64];
    uint8_t *t = np + nr <= sizeof stackbuf ? stackbuf : malloc(np + nr);
    if (!t) return zw_wt_nomem(m);
    if (np) memcpy(t, sig->params.v, np);
    if (nr) memcpy(t + np, sig->results.v, nr);
    bool ok;
    *typeidx = zw_wt_type_find_or_add(m, t, np, nr, &ok);
    if (t != stackbuf) free(t);
    if (nparams) *nparams = np;
    return ok;
}
