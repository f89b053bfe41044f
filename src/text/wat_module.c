/*
 * wat_module.c — module fields of the text format encoded to a binary
 * module: types (recursion groups, sub types, function, struct and array
 * types), imports, functions, tables (with initialisers), memories, tags,
 * globals, exports, start, elem and data segments, with every inline
 * abbreviation, the implicit type rules, (module binary ...) /
 * (module quote ...), the "name" custom section, and the public entry
 * points zw_wat_encode_module and zw_wat_compile.
 *
 * Passes: type $ids first (types may name each other in any order), then
 * pass 1 declares every other $id and parses the type definitions; pass 2
 * encodes the fields in textual order into per-section buffers.
 */
#include <stdio.h>

#include "text/wat_internal.h"

typedef struct wt_sec {
    zw_buf b;
    uint32_t n;
} wt_sec;

enum { S_TYPE, S_IMPORT, S_FUNC, S_TABLE, S_MEM, S_TAG, S_GLOBAL, S_EXPORT, S_ELEM, S_CODE, S_DATA, S_NSEC };

typedef struct wt_enc {
    wt_mod m;
    wt_sec sec[S_NSEC];
    uint32_t cur[WT_NS]; /* pass 2: next index per index space */
    bool has_start;
    uint32_t start;
    zw_buf names; /* function name map entries */
    uint32_t nnames;
    zw_buf locnames; /* local name map entries (indirect name map) */
    uint32_t nlocfuncs;
} wt_enc;

static const char *const kind_names[] = {"type", "function", "table", "memory", "global", "tag"};

/* ---- small helpers ---------------------------------------------------------------- */
static bool name_str(wt_mod *m, const zw_sx *s, zw_buf *b) {
    if (!s || s->kind != ZW_SX_STRING) return zw_wt_fail(m, s, "unexpected token, expected a string");
    if (!zw_utf8_valid((const uint8_t *)s->text, s->len))
        return zw_wt_fail(m, s, "malformed UTF-8 encoding");
    zw_buf_uleb(b, s->len);
    zw_buf_append(b, s->text, s->len);
    return true;
}

/* An optional address type (i32 | i64, memory64 and table64) at items[*i]. */
static bool addr_type(zw_sx *const *items, uint32_t n, uint32_t *i) {
    if (*i < n && zw_wt_is_atom(items[*i], "i64")) return ++*i, true;
    if (*i < n && zw_wt_is_atom(items[*i], "i32")) ++*i;
    return false;
}

/* [i32|i64] min [max]: flags (bit 2 for i64), then the bounds (u64s in
 * Wasm 3.0's encoding, which 2.0's u32s are a case of) */
static bool limits(wt_mod *m, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t *i, zw_buf *b) {
    bool is64 = addr_type(items, n, i);
    uint64_t lo, hi, bound = UINT64_MAX; /* the validator bounds them */
    if (*i >= n) return zw_wt_fail(m, at, "expected limits");
    zw_num_res r = ZW_NUM_OK;
    if (items[*i]->kind != ZW_SX_ATOM || (r = zw_num_uint(items[*i]->text, bound, &lo)) != ZW_NUM_OK)
        return zw_wt_fail(m, items[*i], "%s", items[*i]->kind != ZW_SX_ATOM ? "expected limits" : zw_num_msg(r));
    ++*i;
    uint8_t flags = is64 ? 4 : 0;
    if (*i < n && items[*i]->kind == ZW_SX_ATOM && items[*i]->text[0] >= '0' && items[*i]->text[0] <= '9') {
        if ((r = zw_num_uint(items[*i]->text, bound, &hi)) != ZW_NUM_OK)
            return zw_wt_fail(m, items[*i], "%s", zw_num_msg(r));
        ++*i;
        zw_buf_byte(b, flags | 1);
        zw_buf_uleb(b, lo);
        zw_buf_uleb(b, hi);
    } else {
        zw_buf_byte(b, flags);
        zw_buf_uleb(b, lo);
    }
    return true;
}

/* limits reftype at items[i..): the table type, then *end = the index after it. */
static bool tabletype(wt_mod *m, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t i, zw_buf *b,
                      uint32_t *end) {
    zw_buf lim = {0};
    zw_valtype rt = 0;
    bool ok = limits(m, at, items, n, &i, &lim);
    if (ok && i >= n) ok = zw_wt_fail(m, at, "expected a reference type");
    if (ok) ok = zw_wt_reftype(m, items[i], &rt);
    if (ok) {
        zw_wt_put_valtype(b, rt);
        zw_buf_append(b, lim.data, lim.len);
        *end = i + 1;
    }
    zw_buf_free(&lim);
    return ok;
}

/* (pagesize N) at items[*i], if there: the log2 of N (a power of two:
 * custom-page-sizes) in *log2; false (failed) when it is not one. */
static bool page_size(wt_mod *m, zw_sx *const *items, uint32_t n, uint32_t *i, int *log2) {
    *log2 = -1;
    if (*i >= n || !zw_wt_is_list(items[*i], "pagesize")) return true;
    const zw_sx *ps = items[*i];
    uint64_t v;
    if (ps->nitems != 2 || ps->items[1]->kind != ZW_SX_ATOM || zw_num_uint(ps->items[1]->text, UINT64_MAX, &v) != ZW_NUM_OK ||
        !v || (v & (v - 1)))
        return zw_wt_fail(m, ps, "invalid custom page size");
    for (*log2 = 0; ((uint64_t)1 << *log2) < v; ++*log2) {}
    ++*i;
    return true;
}

static bool memtype(wt_mod *m, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t i, zw_buf *b) {
    size_t flags_at = b->len;
    int log2;
    if (!limits(m, at, items, n, &i, b) || !page_size(m, items, n, &i, &log2)) return false;
    if (i < n && zw_wt_is_atom(items[i], "shared")) { /* threads */
        if (!b->oom) b->data[flags_at] |= 0x02;
        i++;
    }
    if (i != n) return zw_wt_fail(m, items[i], "unexpected token in memory type");
    if (log2 >= 0 && !b->oom) {
        b->data[flags_at] |= 0x08; /* a page size follows the limits */
        zw_buf_uleb(b, (uint64_t)log2);
    }
    return true;
}

/* t | (mut t): a value type (storage types when packed) and its mutability */
static bool mut_type(wt_mod *m, const zw_sx *s, bool packed, zw_valtype *t, bool *mut) {
    *mut = zw_wt_is_list(s, "mut");
    if (*mut) {
        if (s->nitems != 2) return zw_wt_fail(m, s, "unexpected token in mutable type");
        s = s->items[1];
    }
    return packed ? zw_wt_storagetype(m, s, t) : zw_wt_valtype(m, s, t);
}

static bool globaltype(wt_mod *m, const zw_sx *s, zw_buf *b) {
    zw_valtype t;
    bool mut;
    if (!mut_type(m, s, false, &t, &mut)) return false;
    zw_wt_put_valtype(b, t);
    zw_buf_byte(b, mut);
    return true;
}

/* Encode a constant expression (or any expression without locals). */
static bool const_expr(wt_mod *m, zw_sx *const *items, uint32_t n, zw_buf *b) {
    wt_func f = {.m = m, .out = b};
    bool ok = zw_wt_instrs(&f, items, n);
    zw_wt_func_free(&f);
    zw_buf_byte(b, 0x0B);
    return ok;
}

static void add_export(wt_enc *e, const zw_sx *name, uint8_t kind, uint32_t idx) {
    zw_buf *b = &e->sec[S_EXPORT].b;
    zw_buf_uleb(b, name->len);
    zw_buf_append(b, name->text, name->len);
    zw_buf_byte(b, kind);
    zw_buf_uleb(b, idx);
    e->sec[S_EXPORT].n++;
}

/* Leading (export "n")* of a definition; stops at anything else. */
static bool inline_exports(wt_enc *e, const zw_sx *f, uint32_t *i, uint8_t kind, uint32_t idx) {
    while (*i < f->nitems && zw_wt_is_list(f->items[*i], "export")) {
        const zw_sx *x = f->items[*i];
        if (x->nitems != 2) return zw_wt_fail(&e->m, x, "malformed inline export");
        zw_buf tmp = {0};
        bool ok = name_str(&e->m, x->items[1], &tmp);
        zw_buf_free(&tmp);
        if (!ok) return false;
        add_export(e, x->items[1], kind, idx);
        ++*i;
    }
    return true;
}

static void add_name(wt_enc *e, const zw_sx *id, uint32_t idx) {
    if (!id) return;
    zw_buf_uleb(&e->names, idx);
    zw_buf_uleb(&e->names, id->len - 1);
    zw_buf_append(&e->names, id->text + 1, id->len - 1);
    e->nnames++;
}

/* ---- pass 1: declarations ------------------------------------------------------------ */
/* Type definitions: (type $id? comptype), (type $id? (sub final? x* comptype)),
 * (rec (type ...)*).  Their $ids come first (type_names), so that types may
 * name each other in any order; def_group then parses each group. */
static bool type_names(wt_mod *m, const zw_sx *f, uint32_t *count) {
    bool rec = zw_wt_is_list(f, "rec");
    uint32_t n = rec ? f->nitems - 1 : 1;
    for (uint32_t k = 0; k < n; k++) {
        const zw_sx *td = rec ? f->items[1 + k] : f;
        if (rec && !zw_wt_is_list(td, "type")) return zw_wt_fail(m, td, "unexpected token, expected (type ...)");
        if (td->nitems > 1 && zw_wt_is_id(td->items[1]) &&
            !zw_wt_names_add(m, &m->ns[WT_TYPE], td->items[1], *count, "type"))
            return false;
        ++*count;
    }
    return true;
}

/* A field type: storagetype | (mut storagetype). */
static bool field_type(wt_mod *m, const zw_sx *s, wt_type *t) {
    zw_valtype vt;
    bool mut;
    if (!mut_type(m, s, true, &vt, &mut)) return false;
    zw_valtype *nt = realloc(t->t, (t->nfields + 1) * sizeof *nt);
    if (nt) t->t = nt;
    uint8_t *nm = nt ? realloc(t->mut, t->nfields + 1) : NULL;
    if (!nm) return zw_wt_nomem(m);
    t->mut = nm;
    t->t[t->nfields] = vt;
    t->mut[t->nfields++] = mut;
    return true;
}

/* (struct (field $id? fieldtype) | (field fieldtype*) ...) */
static bool struct_type(wt_mod *m, const zw_sx *c, wt_type *t) {
    t->kind = ZW_COMP_STRUCT;
    for (uint32_t k = 1; k < c->nitems; k++) {
        const zw_sx *fd = c->items[k];
        if (!zw_wt_is_list(fd, "field")) return zw_wt_fail(m, fd, "unexpected token, expected (field ...)");
        if (fd->nitems > 1 && zw_wt_is_id(fd->items[1])) {
            if (fd->nitems != 3) return zw_wt_fail(m, fd, "unexpected token in field");
            if (!zw_wt_names_add(m, &t->fields, fd->items[1], t->nfields, "field") || !field_type(m, fd->items[2], t))
                return false;
            continue;
        }
        for (uint32_t j = 1; j < fd->nitems; j++)
            if (!field_type(m, fd->items[j], t)) return false;
    }
    return true;
}

/* (func $id? (param ...)* (result ...)*) */
static bool func_type(wt_mod *m, const zw_sx *fn, wt_type *t) {
    uint32_t p = 1;
    if (p < fn->nitems && zw_wt_is_id(fn->items[p])) p++;
    wt_sig sig;
    bool ok = zw_wt_sig_parse(m, fn->items, fn->nitems, &p, true, &sig);
    if (ok && (sig.has_type || p != fn->nitems))
        ok = zw_wt_fail(m, p < fn->nitems ? fn->items[p] : fn, "unexpected token in function type");
    if (ok) {
        t->kind = ZW_COMP_FUNC;
        t->np = sig.params.n;
        t->nr = sig.results.n;
        t->t = malloc((t->np + t->nr + 1) * sizeof *t->t);
        if (!t->t) ok = zw_wt_nomem(m);
    }
    if (ok) {
        if (t->np) memcpy(t->t, sig.params.v, t->np * sizeof *t->t);
        if (t->nr) memcpy(t->t + t->np, sig.results.v, t->nr * sizeof *t->t);
    }
    zw_wt_sig_free(&sig);
    return ok;
}

static bool comp_type(wt_mod *m, const zw_sx *c, wt_type *t) {
    if (zw_wt_is_list(c, "func")) return func_type(m, c, t);
    if (zw_wt_is_list(c, "struct")) return struct_type(m, c, t);
    if (zw_wt_is_list(c, "array")) {
        t->kind = ZW_COMP_ARRAY;
        if (c->nitems != 2) return zw_wt_fail(m, c, "unexpected token in array type");
        return field_type(m, c->items[1], t);
    }
    return zw_wt_fail(m, c, "unexpected token, expected a composite type");
}

/* (sub final? x* comptype) or comptype alone */
static bool sub_type(wt_mod *m, const zw_sx *s, wt_type *t) {
    t->final = true;
    if (!zw_wt_is_list(s, "sub")) return comp_type(m, s, t);
    uint32_t i = 1;
    t->sub = true;
    t->final = i < s->nitems && zw_wt_is_atom(s->items[i], "final");
    if (t->final) i++;
    for (; i < s->nitems && zw_wt_is_idx(s->items[i]); i++) {
        uint32_t *ns = realloc(t->supers, (t->nsuper + 1) * sizeof *ns);
        if (!ns) return zw_wt_nomem(m);
        t->supers = ns;
        if (!zw_wt_idx(m, WT_TYPE, s->items[i], &t->supers[t->nsuper++])) return false;
    }
    if (i >= s->nitems) return zw_wt_fail(m, s, "unexpected token, expected a composite type");
    if (i + 1 != s->nitems) return zw_wt_fail(m, s->items[i + 1], "unexpected token in sub type");
    return comp_type(m, s->items[i], t);
}

/* A (type ...) or (rec ...) field: its types, as one recursion group. */
static bool def_group(wt_mod *m, const zw_sx *f) {
    bool rec = zw_wt_is_list(f, "rec");
    wt_group g = {m->types.n, rec ? f->nitems - 1 : 1, rec};
    if (!ZW_VEC_PUSH(NULL, &m->groups, g)) return zw_wt_nomem(m);
    for (uint32_t k = 0; k < g.count; k++) {
        const zw_sx *td = rec ? f->items[1 + k] : f;
        uint32_t i = td->nitems > 1 && zw_wt_is_id(td->items[1]) ? 2 : 1;
        if (i + 1 != td->nitems) return zw_wt_fail(m, td, "malformed type definition");
        wt_type t = {.alone = g.count == 1};
        bool ok = sub_type(m, td->items[i], &t);
        if (ok && !ZW_VEC_PUSH(NULL, &m->types, t)) ok = zw_wt_nomem(m);
        if (!ok) {
            zw_wt_type_free(&t);
            return false;
        }
        m->count[WT_TYPE]++;
    }
    return true;
}

/* The type section: each group as 0x4E vec(subtype) or one subtype;
 * subtype = (0x50 | 0x4F final) vec(super) comptype, or comptype alone. */
static void put_comptype(zw_buf *b, const wt_type *t) {
    static const uint8_t form[] = {[ZW_COMP_FUNC] = 0x60, [ZW_COMP_STRUCT] = 0x5F, [ZW_COMP_ARRAY] = 0x5E};
    zw_buf_byte(b, form[t->kind]);
    if (t->kind == ZW_COMP_FUNC) {
        zw_buf_uleb(b, t->np);
        for (uint32_t k = 0; k < t->np; k++) zw_wt_put_valtype(b, t->t[k]);
        zw_buf_uleb(b, t->nr);
        for (uint32_t k = 0; k < t->nr; k++) zw_wt_put_valtype(b, t->t[t->np + k]);
        return;
    }
    if (t->kind == ZW_COMP_STRUCT) zw_buf_uleb(b, t->nfields);
    for (uint32_t k = 0; k < t->nfields; k++) {
        zw_wt_put_valtype(b, t->t[k]);
        zw_buf_byte(b, t->mut[k]);
    }
}

static void put_types(const wt_mod *m, zw_buf *b) {
    zw_buf_uleb(b, m->groups.n);
    for (uint32_t g = 0; g < m->groups.n; g++) {
        const wt_group *gr = &m->groups.v[g];
        if (gr->rec) {
            zw_buf_byte(b, 0x4E);
            zw_buf_uleb(b, gr->count);
        }
        for (uint32_t k = gr->first; k < gr->first + gr->count; k++) {
            const wt_type *t = &m->types.v[k];
            if (t->sub) {
                zw_buf_byte(b, t->final ? 0x4F : 0x50);
                zw_buf_uleb(b, t->nsuper);
                for (uint32_t j = 0; j < t->nsuper; j++) zw_buf_uleb(b, t->supers[j]);
            }
            put_comptype(b, t);
        }
    }
}

static int field_ns(const char *kw) {
    if (!strcmp(kw, "func")) return WT_FUNC;
    if (!strcmp(kw, "table")) return WT_TABLE;
    if (!strcmp(kw, "memory")) return WT_MEM;
    if (!strcmp(kw, "global")) return WT_GLOBAL;
    if (!strcmp(kw, "tag")) return WT_TAG;
    return -1;
}

static bool declare(wt_enc *e, const zw_sx *f, const char **seen_def) {
    wt_mod *m = &e->m;
    m->pos = f;
    if (f->kind != ZW_SX_LIST || !f->nitems || f->items[0]->kind != ZW_SX_ATOM)
        return zw_wt_fail(m, f, "unexpected token, expected a module field");
    const char *kw = f->items[0]->text;
    const zw_sx *id = f->nitems > 1 && zw_wt_is_id(f->items[1]) ? f->items[1] : NULL;
    if (!strcmp(kw, "type") || !strcmp(kw, "rec")) return def_group(m, f);
    if (!strcmp(kw, "import")) {
        if (f->nitems != 4 || f->items[3]->kind != ZW_SX_LIST || !f->items[3]->nitems ||
            f->items[3]->items[0]->kind != ZW_SX_ATOM)
            return zw_wt_fail(m, f, "malformed import");
        const zw_sx *d = f->items[3];
        int ns = field_ns(d->items[0]->text);
        if (ns < 0) return zw_wt_fail(m, d, "unexpected token, expected an import kind");
        if (*seen_def) return zw_wt_fail(m, f, "import after %s", *seen_def);
        if (d->nitems > 1 && zw_wt_is_id(d->items[1]) &&
            !zw_wt_names_add(m, &m->ns[ns], d->items[1], m->count[ns], kind_names[ns]))
            return false;
        m->count[ns]++;
        return true;
    }
    int ns = field_ns(kw);
    if (ns >= 0) {
        bool is_import = false;
        uint32_t i = id ? 2 : 1;
        for (; i < f->nitems && (zw_wt_is_list(f->items[i], "export") || zw_wt_is_list(f->items[i], "import")); i++)
            if (zw_wt_is_list(f->items[i], "import")) is_import = true;
        if (is_import && *seen_def) return zw_wt_fail(m, f, "import after %s", *seen_def);
        if (!is_import) *seen_def = kind_names[ns];
        if (id && !zw_wt_names_add(m, &m->ns[ns], id, m->count[ns], kind_names[ns])) return false;
        m->count[ns]++;
        uint32_t at = i;
        addr_type(f->items, f->nitems, &at);
        if (!is_import && ns == WT_TABLE && at + 1 < f->nitems && zw_wt_is_list(f->items[at + 1], "elem"))
            m->count[WT_ELEM]++;
        if (!is_import && ns == WT_MEM && i < f->nitems && zw_wt_is_list(f->items[i], "data"))
            m->count[WT_DATA]++;
        return true;
    }
    if (!strcmp(kw, "elem") || !strcmp(kw, "data")) {
        int s = kw[0] == 'e' ? WT_ELEM : WT_DATA;
        if (id && !zw_wt_names_add(m, &m->ns[s], id, m->count[s], s == WT_ELEM ? "elem" : "data"))
            return false;
        m->count[s]++;
        return true;
    }
    if (!strcmp(kw, "export") || !strcmp(kw, "start")) return true;
    return zw_wt_fail(m, f->items[0], "unknown module field %s", kw);
}

/* ---- pass 2: encoding ---------------------------------------------------------------- */
/* An (import "m" "n") abbreviation inside a definition: emit the import
 * entry header (module and field names). */
static bool import_names(wt_enc *e, const zw_sx *imp) {
    if (imp->nitems != 3) return zw_wt_fail(&e->m, imp, "malformed inline import");
    zw_buf *b = &e->sec[S_IMPORT].b;
    return name_str(&e->m, imp->items[1], b) && name_str(&e->m, imp->items[2], b);
}

/* A tag's type: attribute 0, then the function type use at items[i..n). */
static bool tag_type(wt_mod *m, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t i, zw_buf *b) {
    wt_sig sig;
    uint32_t t;
    bool ok = zw_wt_sig_parse(m, items, n, &i, true, &sig) && zw_wt_sig_resolve(m, at, &sig, &t, NULL);
    zw_wt_sig_free(&sig);
    if (!ok) return false;
    if (i != n) return zw_wt_fail(m, items[i], "unexpected token in tag type");
    zw_buf_byte(b, 0);
    zw_buf_uleb(b, t);
    return true;
}

/* Import descriptions (after the kind keyword and optional $id). */
static bool import_desc(wt_enc *e, int ns, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t i) {
    wt_mod *m = &e->m;
    zw_buf *b = &e->sec[S_IMPORT].b;
    switch (ns) {
    case WT_FUNC: {
        wt_sig sig;
        uint32_t t;
        bool ok = zw_wt_sig_parse(m, items, n, &i, true, &sig) && zw_wt_sig_resolve(m, at, &sig, &t, NULL);
        zw_wt_sig_free(&sig);
        if (!ok) return false;
        if (i != n) return zw_wt_fail(m, items[i], "unexpected token in imported function");
        zw_buf_byte(b, 0);
        zw_buf_uleb(b, t);
        break;
    }
    case WT_TABLE: {
        uint32_t end;
        zw_buf_byte(b, 1);
        if (!tabletype(m, at, items, n, i, b, &end)) return false;
        if (end != n) return zw_wt_fail(m, items[end], "unexpected token in table type");
        break;
    }
    case WT_MEM:
        zw_buf_byte(b, 2);
        if (!memtype(m, at, items, n, i, b)) return false;
        break;
    case WT_GLOBAL:
        if (i + 1 != n) return zw_wt_fail(m, at, "malformed imported global type");
        zw_buf_byte(b, 3);
        if (!globaltype(m, items[i], b)) return false;
        break;
    case WT_TAG:
        zw_buf_byte(b, 4);
        if (!tag_type(m, at, items, n, i, b)) return false;
        break;
    }
    e->sec[S_IMPORT].n++;
    return true;
}

static bool enc_import(wt_enc *e, const zw_sx *f) {
    const zw_sx *d = f->items[3];
    int ns = field_ns(d->items[0]->text);
    uint32_t i = 1;
    const zw_sx *id = NULL;
    if (i < d->nitems && zw_wt_is_id(d->items[i])) id = d->items[i++];
    if (!name_str(&e->m, f->items[1], &e->sec[S_IMPORT].b) ||
        !name_str(&e->m, f->items[2], &e->sec[S_IMPORT].b))
        return false;
    uint32_t idx = e->cur[ns]++;
    if (ns == WT_FUNC) add_name(e, id, idx);
    return import_desc(e, ns, d, d->items, d->nitems, i);
}

/* (local $id t) | (local t*) */
typedef ZW_VEC(zw_valtype) wt_valtypes;
typedef struct wt_lname { uint32_t idx; const zw_sx *id; } wt_lname;
typedef ZW_VEC(wt_lname) wt_lnames;

static bool locals_decl(wt_func *fc, const zw_sx *l, wt_valtypes *types, wt_lnames *ln) {
    wt_mod *m = fc->m;
    if (l->nitems >= 2 && zw_wt_is_id(l->items[1])) {
        zw_valtype t;
        if (l->nitems != 3) return zw_wt_fail(m, l, "malformed local");
        if (!zw_wt_valtype(m, l->items[2], &t)) return false;
        if (!zw_wt_names_add(m, &fc->locals, l->items[1], fc->nlocals, "local")) return false;
        wt_lname nm = {fc->nlocals, l->items[1]};
        if (!ZW_VEC_PUSH(NULL, types, t) || !ZW_VEC_PUSH(NULL, ln, nm)) return zw_wt_nomem(m);
        fc->nlocals++;
        return true;
    }
    for (uint32_t j = 1; j < l->nitems; j++) {
        zw_valtype t;
        if (!zw_wt_valtype(m, l->items[j], &t)) return false;
        if (!ZW_VEC_PUSH(NULL, types, t)) return zw_wt_nomem(m);
        fc->nlocals++;
    }
    return true;
}

static bool enc_func(wt_enc *e, const zw_sx *f) {
    wt_mod *m = &e->m;
    uint32_t i = 1, idx = e->cur[WT_FUNC]++;
    const zw_sx *id = NULL;
    if (i < f->nitems && zw_wt_is_id(f->items[i])) id = f->items[i++];
    add_name(e, id, idx);
    if (!inline_exports(e, f, &i, 0, idx)) return false;
    if (i < f->nitems && zw_wt_is_list(f->items[i], "import")) {
        if (!import_names(e, f->items[i])) return false;
        i++;
        return import_desc(e, WT_FUNC, f, f->items, f->nitems, i);
    }
    wt_sig sig;
    uint32_t t, np = 0;
    bool ok = zw_wt_sig_parse(m, f->items, f->nitems, &i, true, &sig) &&
              zw_wt_sig_resolve(m, f, &sig, &t, &np);
    wt_func fc = {.m = m};
    wt_valtypes ltypes = {0};
    wt_lnames ln = {0};
    zw_buf body = {0};
    fc.out = &body;
    if (ok) {
        zw_buf_uleb(&e->sec[S_FUNC].b, t);
        e->sec[S_FUNC].n++;
        /* Params: named ones come from the inline signature only. */
        for (uint32_t p = 0; ok && p < sig.param_ids.n; p++)
            if (sig.param_ids.v[p]) {
                wt_lname nm = {p, sig.param_ids.v[p]};
                ok = zw_wt_names_add(m, &fc.locals, sig.param_ids.v[p], p, "local") &&
                     (ZW_VEC_PUSH(NULL, &ln, nm) || zw_wt_nomem(m));
            }
        fc.nlocals = np;
    }
    zw_wt_sig_free(&sig);
    while (ok && i < f->nitems && zw_wt_is_list(f->items[i], "local")) ok = locals_decl(&fc, f->items[i++], &ltypes, &ln);
    if (ok) {
        /* Local declarations: runs of equal types. */
        uint32_t runs = 0;
        for (uint32_t k = 0; k < ltypes.n; k++)
            if (!k || ltypes.v[k] != ltypes.v[k - 1]) runs++;
        zw_buf_uleb(&body, runs);
        for (uint32_t k = 0; k < ltypes.n;) {
            uint32_t j = k;
            while (j < ltypes.n && ltypes.v[j] == ltypes.v[k]) j++;
            zw_buf_uleb(&body, j - k);
            zw_wt_put_valtype(&body, ltypes.v[k]);
            k = j;
        }
        ok = zw_wt_instrs(&fc, f->items + i, f->nitems - i);
        zw_buf_byte(&body, 0x0B);
    }
    if (ok && body.oom) ok = zw_wt_nomem(m);
    if (ok) {
        zw_buf_uleb(&e->sec[S_CODE].b, body.len);
        zw_buf_append(&e->sec[S_CODE].b, body.data, body.len);
        e->sec[S_CODE].n++;
        if (ln.n) {
            zw_buf_uleb(&e->locnames, idx);
            zw_buf_uleb(&e->locnames, ln.n);
            for (uint32_t k = 0; k < ln.n; k++) {
                zw_buf_uleb(&e->locnames, ln.v[k].idx);
                zw_buf_uleb(&e->locnames, ln.v[k].id->len - 1);
                zw_buf_append(&e->locnames, ln.v[k].id->text + 1, ln.v[k].id->len - 1);
            }
            e->nlocfuncs++;
        }
    }
    ZW_VEC_FREE(NULL, &ln);
    zw_buf_free(&body);
    ZW_VEC_FREE(NULL, &ltypes);
    zw_wt_func_free(&fc);
    return ok;
}

/* Element list after the table/offset part: `func x*`, `reftype elemexpr*`
 * or (legacy) bare x*.  Emits elemkind/reftype when with_kind. */
typedef struct wt_elemlist {
    bool exprs;      /* vec(expr) rather than vec(funcidx) */
    zw_valtype type; /* exprs: the reference type */
    zw_buf items;
    uint32_t n;
} wt_elemlist;

static bool elem_list(wt_enc *e, zw_sx *const *items, uint32_t n, uint32_t i, wt_elemlist *el) {
    wt_mod *m = &e->m;
    el->exprs = false;
    el->type = ZW_FUNCREF;
    if (i < n && zw_wt_is_atom(items[i], "func")) {
        i++;
    } else if (i < n && zw_wt_is_valtype(items[i])) {
        el->exprs = true;
        if (!zw_wt_reftype(m, items[i], &el->type)) return false;
        i++;
    }
    for (; i < n; i++) {
        const zw_sx *s = items[i];
        if (!el->exprs) {
            uint32_t x;
            if (s->kind != ZW_SX_ATOM) return zw_wt_fail(m, s, "unexpected token, expected a function index");
            if (!zw_wt_idx(m, WT_FUNC, s, &x)) return false;
            zw_buf_uleb(&el->items, x);
        } else if (zw_wt_is_list(s, "item")) {
            if (!const_expr(m, s->items + 1, s->nitems - 1, &el->items)) return false;
        } else if (s->kind == ZW_SX_LIST) {
            if (!const_expr(m, &items[i], 1, &el->items)) return false;
        } else {
            return zw_wt_fail(m, s, "unexpected token, expected an element expression");
        }
        el->n++;
    }
    return true;
}

/* Emit one element segment. mode: 0 active, 1 passive, 2 declarative. */
static void emit_elem(wt_enc *e, int mode, uint32_t table, const zw_buf *offset,
                      const wt_elemlist *el) {
    zw_buf *b = &e->sec[S_ELEM].b;
    uint32_t flags = el->exprs ? 4 : 0;
    if (mode == 1) flags |= 1;
    else if (mode == 2) flags |= 3;
    else if (table != 0 || (el->exprs && el->type != ZW_FUNCREF)) flags |= 2;
    zw_buf_uleb(b, flags);
    if (mode == 0) {
        if (flags & 2) zw_buf_uleb(b, table);
        zw_buf_append(b, offset->data, offset->len);
    }
    if (mode != 0 || (flags & 2)) {
        if (el->exprs) zw_wt_put_valtype(b, el->type);
        else zw_buf_byte(b, 0x00); /* elemkind funcref */
    }
    zw_buf_uleb(b, el->n);
    zw_buf_append(b, el->items.data, el->items.len);
    e->sec[S_ELEM].n++;
}

static bool enc_elem(wt_enc *e, const zw_sx *f) {
    wt_mod *m = &e->m;
    uint32_t i = 1, n = f->nitems;
    zw_sx *const *items = f->items;
    if (i < n && zw_wt_is_id(items[i])) i++;
    e->cur[WT_ELEM]++;
    int mode = 1;
    uint32_t table = 0;
    zw_buf off = {0};
    wt_elemlist el = {0};
    bool ok = true;
    if (i < n && zw_wt_is_atom(items[i], "declare")) {
        mode = 2;
        i++;
    } else {
        if (i < n && zw_wt_is_list(items[i], "table")) {
            if (items[i]->nitems != 2) ok = zw_wt_fail(m, items[i], "malformed table use");
            else ok = zw_wt_idx(m, WT_TABLE, items[i]->items[1], &table);
            i++;
            mode = 0;
        } else if (i < n && zw_wt_is_idx(items[i]) && i + 1 < n && items[i + 1]->kind == ZW_SX_LIST) {
            /* legacy: (elem 0 (offset ...) ...) */
            ok = zw_wt_idx(m, WT_TABLE, items[i], &table);
            i++;
            mode = 0;
        }
        if (ok && i < n && zw_wt_is_list(items[i], "offset")) {
            ok = const_expr(m, items[i]->items + 1, items[i]->nitems - 1, &off);
            i++;
            mode = 0;
        } else if (ok && i < n && items[i]->kind == ZW_SX_LIST && !zw_wt_is_list(items[i], "item") &&
                   !zw_wt_is_valtype(items[i])) {
            ok = const_expr(m, &items[i], 1, &off);
            i++;
            mode = 0;
        } else if (ok && mode == 0) {
            ok = zw_wt_fail(m, f, "expected an offset expression");
        }
    }
    if (ok) ok = elem_list(e, items, n, i, &el);
    if (ok) emit_elem(e, mode, table, &off, &el);
    zw_buf_free(&off);
    zw_buf_free(&el.items);
    return ok;
}

/* (table ... at? reftype (elem ...)): a table sized by its inline segment. */
static bool inline_elem_table(wt_enc *e, const zw_sx *f, uint32_t at, bool t64, uint32_t idx) {
    wt_mod *m = &e->m;
    zw_valtype rt;
    if (!zw_wt_reftype(m, f->items[at], &rt)) return false;
    if (at + 2 != f->nitems) return zw_wt_fail(m, f->items[at + 2], "unexpected token in table");
    const zw_sx *es = f->items[at + 1];
    wt_elemlist el = {.exprs = true, .type = rt};
    bool ok = true;
    /* (elem x*): function indices, as ref.func expressions unless funcref */
    bool indices = es->nitems == 1 || es->items[1]->kind != ZW_SX_LIST;
    for (uint32_t k = 1; ok && k < es->nitems; k++, el.n++) {
        const zw_sx *s = es->items[k];
        uint32_t x;
        if (indices) {
            ok = s->kind == ZW_SX_ATOM ? zw_wt_idx(m, WT_FUNC, s, &x)
                                       : zw_wt_fail(m, s, "unexpected token, expected a function index");
            if (ok && rt == ZW_FUNCREF) {
                zw_buf_uleb(&el.items, x);
            } else if (ok) {
                zw_buf_byte(&el.items, 0xD2);
                zw_buf_uleb(&el.items, x);
                zw_buf_byte(&el.items, 0x0B);
            }
        } else if (zw_wt_is_list(s, "item")) {
            ok = const_expr(m, s->items + 1, s->nitems - 1, &el.items);
        } else {
            ok = s->kind == ZW_SX_LIST ? const_expr(m, &es->items[k], 1, &el.items)
                                       : zw_wt_fail(m, s, "unexpected token, expected an element expression");
        }
    }
    if (indices && rt == ZW_FUNCREF) el.exprs = false;
    if (ok) {
        zw_buf *b = &e->sec[S_TABLE].b;
        zw_wt_put_valtype(b, rt);
        zw_buf_byte(b, t64 ? 5 : 1);
        zw_buf_uleb(b, el.n);
        zw_buf_uleb(b, el.n);
        e->sec[S_TABLE].n++;
        zw_buf off = {0};
        zw_buf_byte(&off, t64 ? 0x42 : 0x41); /* the offset: i64.const / i32.const 0 */
        zw_buf_byte(&off, 0);
        zw_buf_byte(&off, 0x0B);
        e->cur[WT_ELEM]++;
        emit_elem(e, 0, idx, &off, &el);
        zw_buf_free(&off);
    }
    zw_buf_free(&el.items);
    return ok;
}

static bool enc_table(wt_enc *e, const zw_sx *f) {
    wt_mod *m = &e->m;
    uint32_t i = 1, n = f->nitems, idx = e->cur[WT_TABLE]++;
    if (i < n && zw_wt_is_id(f->items[i])) i++;
    if (!inline_exports(e, f, &i, 1, idx)) return false;
    if (i < n && zw_wt_is_list(f->items[i], "import")) {
        if (!import_names(e, f->items[i])) return false;
        return import_desc(e, WT_TABLE, f, f->items, n, i + 1);
    }
    uint32_t at = i, end;
    bool t64 = addr_type(f->items, n, &at);
    if (at + 1 < n && zw_wt_is_list(f->items[at + 1], "elem")) return inline_elem_table(e, f, at, t64, idx);
    zw_buf tt = {0};
    bool ok = tabletype(m, f, f->items, n, i, &tt, &end);
    zw_buf *b = &e->sec[S_TABLE].b;
    if (ok && end < n) { /* with an initialiser: 0x40 0x00 tabletype expr */
        zw_buf_byte(b, 0x40);
        zw_buf_byte(b, 0x00);
        zw_buf_append(b, tt.data, tt.len);
        ok = const_expr(m, f->items + end, n - end, b);
    } else if (ok) {
        zw_buf_append(b, tt.data, tt.len);
    }
    if (ok && tt.oom) ok = zw_wt_nomem(m);
    zw_buf_free(&tt);
    e->sec[S_TABLE].n++;
    return ok;
}

static bool data_strings(wt_mod *m, zw_sx *const *items, uint32_t n, uint32_t i, zw_buf *b) {
    size_t total = 0;
    for (uint32_t k = i; k < n; k++) {
        if (items[k]->kind != ZW_SX_STRING) return zw_wt_fail(m, items[k], "unexpected token, expected a string");
        total += items[k]->len;
    }
    zw_buf_uleb(b, total);
    for (uint32_t k = i; k < n; k++) zw_buf_append(b, items[k]->text, items[k]->len);
    return true;
}

static bool enc_memory(wt_enc *e, const zw_sx *f) {
    wt_mod *m = &e->m;
    uint32_t i = 1, n = f->nitems, idx = e->cur[WT_MEM]++;
    if (i < n && zw_wt_is_id(f->items[i])) i++;
    if (!inline_exports(e, f, &i, 2, idx)) return false;
    if (i < n && zw_wt_is_list(f->items[i], "import")) {
        if (!import_names(e, f->items[i])) return false;
        return import_desc(e, WT_MEM, f, f->items, n, i + 1);
    }
    uint32_t at = i;
    bool m64 = addr_type(f->items, n, &at);
    int log2 = -1;
    if (!page_size(m, f->items, n, &at, &log2)) return false;
    if (at < n && zw_wt_is_list(f->items[at], "data")) {
        i = at;
        const zw_sx *d = f->items[i];
        if (i + 1 != n) return zw_wt_fail(m, f->items[i + 1], "unexpected token in memory");
        zw_buf *db = &e->sec[S_DATA].b;
        size_t total = 0;
        for (uint32_t k = 1; k < d->nitems; k++) total += d->items[k]->len;
        uint64_t psize = log2 >= 0 ? (uint64_t)1 << log2 : 65536;
        uint64_t pages = total / psize + (total % psize != 0);
        zw_buf *b = &e->sec[S_MEM].b;
        zw_buf_byte(b, (m64 ? 5 : 1) | (log2 >= 0 ? 0x08 : 0));
        zw_buf_uleb(b, pages);
        zw_buf_uleb(b, pages);
        if (log2 >= 0) zw_buf_uleb(b, (uint64_t)log2);
        e->sec[S_MEM].n++;
        if (idx) {
            zw_buf_byte(db, 2);
            zw_buf_uleb(db, idx);
        } else {
            zw_buf_byte(db, 0);
        }
        zw_buf_byte(db, m64 ? 0x42 : 0x41); /* the offset: i64.const / i32.const 0 */
        zw_buf_byte(db, 0);
        zw_buf_byte(db, 0x0B);
        e->cur[WT_DATA]++;
        e->sec[S_DATA].n++;
        return data_strings(m, d->items, d->nitems, 1, db);
    }
    if (!memtype(m, f, f->items, n, i, &e->sec[S_MEM].b)) return false;
    e->sec[S_MEM].n++;
    return true;
}

static bool enc_global(wt_enc *e, const zw_sx *f) {
    wt_mod *m = &e->m;
    uint32_t i = 1, n = f->nitems, idx = e->cur[WT_GLOBAL]++;
    if (i < n && zw_wt_is_id(f->items[i])) i++;
    if (!inline_exports(e, f, &i, 3, idx)) return false;
    if (i < n && zw_wt_is_list(f->items[i], "import")) {
        if (!import_names(e, f->items[i])) return false;
        return import_desc(e, WT_GLOBAL, f, f->items, n, i + 1);
    }
    if (i >= n) return zw_wt_fail(m, f, "expected a global type");
    zw_buf *b = &e->sec[S_GLOBAL].b;
    if (!globaltype(m, f->items[i], b)) return false;
    e->sec[S_GLOBAL].n++;
    return const_expr(m, f->items + i + 1, n - i - 1, b);
}

static bool enc_data(wt_enc *e, const zw_sx *f) {
    wt_mod *m = &e->m;
    uint32_t i = 1, n = f->nitems, mem = 0;
    zw_sx *const *items = f->items;
    zw_buf *b = &e->sec[S_DATA].b;
    if (i < n && zw_wt_is_id(items[i])) i++;
    e->cur[WT_DATA]++;
    bool active = false;
    if (i < n && zw_wt_is_list(items[i], "memory")) {
        if (items[i]->nitems != 2) return zw_wt_fail(m, items[i], "malformed memory use");
        if (!zw_wt_idx(m, WT_MEM, items[i]->items[1], &mem)) return false;
        i++;
        active = true;
    } else if (i < n && zw_wt_is_idx(items[i])) {
        if (!zw_wt_idx(m, WT_MEM, items[i], &mem)) return false;
        i++;
        active = true;
    }
    zw_buf off = {0};
    bool ok = true;
    if (i < n && zw_wt_is_list(items[i], "offset")) {
        ok = const_expr(m, items[i]->items + 1, items[i]->nitems - 1, &off);
        i++;
        active = true;
    } else if (i < n && items[i]->kind == ZW_SX_LIST) {
        ok = const_expr(m, &items[i], 1, &off);
        i++;
        active = true;
    } else if (active) {
        ok = zw_wt_fail(m, f, "expected an offset expression");
    }
    if (ok) {
        if (!active) {
            zw_buf_byte(b, 1);
        } else if (mem) {
            zw_buf_byte(b, 2);
            zw_buf_uleb(b, mem);
        } else {
            zw_buf_byte(b, 0);
        }
        zw_buf_append(b, off.data, off.len);
        ok = data_strings(m, items, n, i, b);
        e->sec[S_DATA].n++;
    }
    zw_buf_free(&off);
    return ok;
}

/* (tag $id? (export "n")* (import "m" "n")? typeuse) */
static bool enc_tag(wt_enc *e, const zw_sx *f) {
    uint32_t i = 1, n = f->nitems, idx = e->cur[WT_TAG]++;
    if (i < n && zw_wt_is_id(f->items[i])) i++;
    if (!inline_exports(e, f, &i, WT_TAG - WT_FUNC, idx)) return false;
    if (i < n && zw_wt_is_list(f->items[i], "import")) {
        if (!import_names(e, f->items[i])) return false;
        return import_desc(e, WT_TAG, f, f->items, n, i + 1);
    }
    if (!tag_type(&e->m, f, f->items, n, i, &e->sec[S_TAG].b)) return false;
    e->sec[S_TAG].n++;
    return true;
}

static bool enc_export(wt_enc *e, const zw_sx *f) {
    wt_mod *m = &e->m;
    if (f->nitems != 3 || f->items[2]->kind != ZW_SX_LIST || f->items[2]->nitems != 2 ||
        f->items[2]->items[0]->kind != ZW_SX_ATOM)
        return zw_wt_fail(m, f, "malformed export");
    zw_buf tmp = {0};
    bool ok = name_str(m, f->items[1], &tmp);
    zw_buf_free(&tmp);
    if (!ok) return false;
    const zw_sx *d = f->items[2];
    int ns = field_ns(d->items[0]->text);
    if (ns < 0) return zw_wt_fail(m, d->items[0], "unexpected token, expected an export kind");
    uint32_t x;
    if (!zw_wt_idx(m, ns, d->items[1], &x)) return false;
    add_export(e, f->items[1], (uint8_t)(ns - WT_FUNC), x);
    return true;
}

static bool encode_field(wt_enc *e, const zw_sx *f) {
    e->m.pos = f;
    const char *kw = f->items[0]->text;
    if (!strcmp(kw, "type") || !strcmp(kw, "rec")) return true;
    if (!strcmp(kw, "import")) return enc_import(e, f);
    if (!strcmp(kw, "tag")) return enc_tag(e, f);
    if (!strcmp(kw, "func")) return enc_func(e, f);
    if (!strcmp(kw, "table")) return enc_table(e, f);
    if (!strcmp(kw, "memory")) return enc_memory(e, f);
    if (!strcmp(kw, "global")) return enc_global(e, f);
    if (!strcmp(kw, "export")) return enc_export(e, f);
    if (!strcmp(kw, "elem")) return enc_elem(e, f);
    if (!strcmp(kw, "data")) return enc_data(e, f);
    if (!strcmp(kw, "start")) {
        if (e->has_start) return zw_wt_fail(&e->m, f, "multiple start sections");
        if (f->nitems != 2) return zw_wt_fail(&e->m, f, "malformed start");
        e->has_start = true;
        return zw_wt_idx(&e->m, WT_FUNC, f->items[1], &e->start);
    }
    return zw_wt_fail(&e->m, f, "unknown module field");
}

static void put_section(zw_buf *out, uint8_t id, const zw_buf *content) {
    zw_buf_byte(out, id);
    zw_buf_uleb(out, content->len);
    zw_buf_append(out, content->data, content->len);
}

static void put_vec_section(zw_buf *out, uint8_t id, const wt_sec *s, bool always) {
    if (!s->n && !always) return;
    zw_buf c = {0};
    zw_buf_uleb(&c, s->n);
    zw_buf_append(&c, s->b.data, s->b.len);
    put_section(out, id, &c);
    if (c.oom) out->oom = true;
    zw_buf_free(&c);
}

static void enc_free(wt_enc *e) {
    for (int i = 0; i < S_NSEC; i++) zw_buf_free(&e->sec[i].b);
    for (int i = 0; i < WT_NS; i++) zw_wt_names_free(&e->m.ns[i]);
    for (uint32_t i = 0; i < e->m.types.n; i++) zw_wt_type_free(&e->m.types.v[i]);
    ZW_VEC_FREE(NULL, &e->m.types);
    ZW_VEC_FREE(NULL, &e->m.groups);
    zw_buf_free(&e->names);
    zw_buf_free(&e->locnames);
}

/* Encode module fields fields[0..n) into out. */
static zwasm_result_t encode_fields(zw_sx *const *fields, uint32_t n, zw_buf *out, zwasm_error_t *err) {
    wt_enc *e = calloc(1, sizeof *e);
    if (!e) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    e->m.err = err;
    zw_wt_ophash_init(&e->m);
    const char *seen_def = NULL;
    bool ok = true;
    uint32_t ntypes = 0;
    for (uint32_t i = 0; ok && i < n; i++)
        if (zw_wt_is_list(fields[i], "type") || zw_wt_is_list(fields[i], "rec")) ok = type_names(&e->m, fields[i], &ntypes);
    for (uint32_t i = 0; ok && i < n; i++) ok = declare(e, fields[i], &seen_def);
    for (uint32_t i = 0; ok && i < n; i++) ok = encode_field(e, fields[i]);
    if (ok) {
        static const uint8_t hdr[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
        zw_buf_append(out, hdr, 8);
        if (e->m.groups.n) {
            zw_buf tb = {0};
            put_types(&e->m, &tb);
            if (tb.oom) out->oom = true;
            put_section(out, 1, &tb);
            zw_buf_free(&tb);
        }
        put_vec_section(out, 2, &e->sec[S_IMPORT], false);
        put_vec_section(out, 3, &e->sec[S_FUNC], false);
        put_vec_section(out, 4, &e->sec[S_TABLE], false);
        put_vec_section(out, 5, &e->sec[S_MEM], false);
        put_vec_section(out, 13, &e->sec[S_TAG], false);
        put_vec_section(out, 6, &e->sec[S_GLOBAL], false);
        put_vec_section(out, 7, &e->sec[S_EXPORT], false);
        if (e->has_start) {
            zw_buf sb = {0};
            zw_buf_uleb(&sb, e->start);
            put_section(out, 8, &sb);
            zw_buf_free(&sb);
        }
        put_vec_section(out, 9, &e->sec[S_ELEM], false);
        if (e->m.uses_data_instr) { /* only code naming a data segment needs the count */
            zw_buf db = {0};
            zw_buf_uleb(&db, e->sec[S_DATA].n);
            put_section(out, 12, &db);
            zw_buf_free(&db);
        }
        put_vec_section(out, 10, &e->sec[S_CODE], false);
        put_vec_section(out, 11, &e->sec[S_DATA], false);
        if (e->nnames || e->nlocfuncs) {
            zw_buf nb = {0}, sub = {0};
            static const char nm[] = "name";
            zw_buf_uleb(&nb, 4);
            zw_buf_append(&nb, nm, 4);
            if (e->nnames) {
                zw_buf_uleb(&sub, e->nnames);
                zw_buf_append(&sub, e->names.data, e->names.len);
                put_section(&nb, 1, &sub);
            }
            if (e->nlocfuncs) {
                sub.len = 0;
                zw_buf_uleb(&sub, e->nlocfuncs);
                zw_buf_append(&sub, e->locnames.data, e->locnames.len);
                put_section(&nb, 2, &sub);
            }
            if (sub.oom || nb.oom) out->oom = true;
            put_section(out, 0, &nb);
            zw_buf_free(&nb);
            zw_buf_free(&sub);
        }
        for (int i = 0; i < S_NSEC; i++)
            if (e->sec[i].b.oom) out->oom = true;
        if (out->oom) ok = zw_wt_nomem(&e->m);
    }
    zwasm_result_t code = ZWASM_OK;
    if (!ok) {
        code = e->m.code;
        if (code == ZWASM_OK) /* defensive: every failure should have reported */
            code = zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "malformed module");
    }
    enc_free(e);
    free(e);
    return code;
}

/* ---- public entry points ---------------------------------------------------------------- */
static zwasm_result_t compile_text(const char *src, size_t len, zw_buf *out, bool script_forms,
                                   zwasm_error_t *err);

/* script_forms: (module binary ...) and (module quote ...) are allowed; they
 * are not inside quoted text, which is a plain module, so quoting cannot
 * nest (and recurse here) without bound. */
static zwasm_result_t encode_module(const zw_sx *mf, zw_buf *out, char **id, bool script_forms,
                                    zwasm_error_t *err) {
    if (id) *id = NULL;
    if (!zw_wt_is_list(mf, "module"))
        return zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%u:%u: expected (module ...)",
                          mf ? mf->line : 0, mf ? mf->col : 0);
    uint32_t i = 1;
    /* a script's (module definition ...): the module, to instantiate later */
    if (script_forms && i < mf->nitems && zw_wt_is_atom(mf->items[i], "definition")) i++;
    if (i < mf->nitems && zw_wt_is_id(mf->items[i])) {
        if (id) {
            *id = strdup(mf->items[i]->text);
            if (!*id) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        }
        i++;
    }
    zwasm_result_t r;
    if (i < mf->nitems && (zw_wt_is_atom(mf->items[i], "binary") || zw_wt_is_atom(mf->items[i], "quote"))) {
        bool quote = mf->items[i]->text[0] == 'q';
        if (!script_forms) {
            r = zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                           "%u:%u: unexpected token %s in a quoted module", mf->items[i]->line,
                           mf->items[i]->col, mf->items[i]->text);
            goto fail;
        }
        zw_buf cat = {0};
        for (uint32_t k = i + 1; k < mf->nitems; k++) {
            const zw_sx *s = mf->items[k];
            if (s->kind != ZW_SX_STRING) {
                zw_buf_free(&cat);
                r = zw_err_set(err, ZWASM_ERR_MALFORMED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                               "%u:%u: unexpected token, expected a string", s->line, s->col);
                goto fail;
            }
            zw_buf_append(&cat, s->text, s->len);
        }
        if (cat.oom) {
            zw_buf_free(&cat);
            r = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
            goto fail;
        }
        if (!quote) {
            zw_buf_append(out, cat.data, cat.len);
            zw_buf_free(&cat);
            return out->oom ? zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory")
                            : ZWASM_OK;
        }
        r = compile_text((const char *)(cat.data ? cat.data : (const uint8_t *)""), cat.len, out, false, err);
        zw_buf_free(&cat);
        if (r != ZWASM_OK) goto fail;
        return r;
    }
    r = encode_fields(mf->items + i, mf->nitems - i, out, err);
    if (r == ZWASM_OK) return r;
fail:
    if (id) {
        free(*id);
        *id = NULL;
    }
    return r;
}

zwasm_result_t zw_wat_encode_module(const zw_sx *mf, zw_buf *out, char **id, zwasm_error_t *err) {
    return encode_module(mf, out, id, true, err);
}

static zwasm_result_t compile_text(const char *src, size_t len, zw_buf *out, bool script_forms,
                                   zwasm_error_t *err) {
    zw_sx *root = zw_sx_parse(src, len, err);
    if (!root) return err ? err->code : ZWASM_ERR_MALFORMED;
    zwasm_result_t r;
    if (root->nitems == 1 && zw_wt_is_list(root->items[0], "module"))
        r = encode_module(root->items[0], out, NULL, script_forms, err);
    else
        r = encode_fields(root->items, root->nitems, out, err);
    zw_sx_free(root);
    return r;
}

zwasm_result_t zw_wat_compile(const char *src, size_t len, zw_buf *out, zwasm_error_t *err) {
    return compile_text(src, len, out, true, err);
}

/* ---- the public entry --------------------------------------------------------- */
ZWASM_API zwasm_result_t zwasm_wat2wasm(const char *text, size_t len, uint8_t **bytes, size_t *bytes_len,
                                        zwasm_error_t *err) {
    zw_buf b = {0};
    if (!bytes || !bytes_len || (!text && len))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "zwasm_wat2wasm: no text or no output");
    *bytes = NULL;
    *bytes_len = 0;
    zwasm_result_t r = zw_wat_compile(text ? text : "", len, &b, err);
    if (r != ZWASM_OK) {
        free(b.data);
        return r;
    }
    *bytes = b.data;
    *bytes_len = b.len;
    return ZWASM_OK;
}

ZWASM_API void zwasm_bytes_delete(uint8_t *bytes) { free(bytes); }
