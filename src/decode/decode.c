/*
 * decode.c — the binary decoder: turns a module binary into a zw_module
 * (all sections of Wasm 2.0, custom sections, the "name" section), rejecting
 * malformed input with ZWASM_ERR_MALFORMED, a byte offset and the
 * testsuite's message.  Also owns zw_module_free and zw_valtype_name.
 * Validity rules (index ranges, typing) are left to validate/.
 */
#include <stdio.h>

#include "../module.h"
#include "../opcodes.h"
#include "reader.h"

/* Implementation limits (the specification allows up to 2^32-1 locals). */
#define ZW_MAX_LOCALS 50000u
#define ZW_MAX_TYPES 1000000u /* fewer than ZW_HT_MAX_IDX: a saturated index is unknown */
#define ZW_MAX_MODULE_LOCALS (1u << 24)

/* A vector count: each element takes at least min_size bytes. */
static bool rd_count(zw_rd *r, uint32_t *n, size_t min_size) {
    if (!zw_rd_u32(r, n)) return false;
    if ((size_t)(r->end - r->p) / min_size < *n) return zw_rd_fail(r, r->end, r->eof_msg);
    return true;
}

static bool rd_name(zw_rd *r, zw_name *out) {
    uint32_t n;
    const uint8_t *at = r->p;
    if (!zw_read_u32(&r->p, r->fend, &n)) return zw_rd_leb_fail(r, at, 32);
    if ((size_t)(r->fend - r->p) < n) return zw_rd_fail(r, at, "length out of bounds");
    if (r->p > r->end || (size_t)(r->end - r->p) < n) return zw_rd_fail(r, r->end, r->eof_msg);
    if (!zw_utf8_valid(r->p, n)) return zw_rd_fail(r, r->p, "malformed UTF-8 encoding");
    out->str = (const char *)r->p;
    out->len = n;
    r->p += n;
    return true;
}

/* limits: flags (bit 0: a maximum; bit 2: 64-bit addresses, memory64 and
 * table64; memories only: bit 1, shared (threads), bit 3, a page size
 * follows (custom-page-sizes)), then min [max] [log2 page size].
 * page_log2 and shared are NULL for a table. */
static bool rd_limits(zw_rd *r, uint32_t features, zw_limits *lim, bool *is64, uint8_t *page_log2, bool *shared) {
    const uint8_t *at = r->p;
    uint8_t flags;
    if (!zw_rd_u8(r, &flags)) return false;
    if (flags & 0x80) return zw_rd_fail(r, at + 1, "integer representation too long");
    uint8_t allowed = (features & ZWASM_FEATURE_MEMORY64) ? 0x05 : 0x01;
    if (page_log2 && (features & ZWASM_FEATURE_CUSTOM_PAGE_SIZES)) allowed |= 0x08;
    if (shared && (features & ZWASM_FEATURE_THREADS)) allowed |= 0x02;
    if (shared && (flags & ~allowed) == 0x02)
        return zw_rd_fail(r, at, "shared memory: the threads feature is not enabled (--wasm threads)");
    if (flags & ~allowed) return zw_rd_fail(r, at, "integer too large");
    *is64 = flags & 0x04;
    if (shared) *shared = flags & 0x02;
    lim->has_max = flags & 1;
    lim->max = 0;
    /* Wasm 3.0 reads u64 bounds for every address type (the validator
     * bounds them); 2.0 reads u32s */
    if (features & ZWASM_FEATURE_MEMORY64) {
        if (!zw_rd_u64(r, &lim->min) || (lim->has_max && !zw_rd_u64(r, &lim->max))) return false;
    } else {
        uint32_t v;
        if (!zw_rd_u32(r, &v)) return false;
        lim->min = v;
        if (lim->has_max) {
            if (!zw_rd_u32(r, &v)) return false;
            lim->max = v;
        }
    }
    if (flags & 0x08) { /* custom-page-sizes: log2 of the page size (the validator checks it) */
        uint32_t p;
        const uint8_t *pat = r->p;
        if (!zw_rd_u32(r, &p)) return false;
        if (p > 64) return zw_rd_fail(r, pat, "invalid custom page size"); /* past a u64 */
        *page_log2 = (uint8_t)p;
    }
    return true;
}

static bool rd_tabletype(zw_rd *r, uint32_t features, zw_tabletype *t) {
    memset(t, 0, sizeof *t);
    return zw_rd_reftype(r, features, &t->elem) && rd_limits(r, features, &t->lim, &t->is64, NULL, NULL);
}

static bool rd_memtype(zw_rd *r, uint32_t features, zw_memtype *t) {
    memset(t, 0, sizeof *t);
    t->page_log2 = 16;
    return rd_limits(r, features, &t->lim, &t->is64, &t->page_log2, &t->shared);
}

static bool rd_globaltype(zw_rd *r, uint32_t features, zw_globaltype *t) {
    if (!zw_rd_valtype(r, features, &t->type)) return false;
    const uint8_t *at = r->p;
    uint8_t m;
    if (!zw_rd_u8(r, &m)) return false;
    if (m > 1) return zw_rd_fail(r, at, "malformed mutability");
    t->mut = m;
    return true;
}

/* ---- decoding state ------------------------------------------------------- */
typedef struct dec {
    zw_module *m;
    zw_rd r;
    zwasm_error_t *err;
    uint32_t nfunc_decls; /* entries of the function section */
    bool has_code;
    uint32_t ncode;
    uint64_t total_locals; /* declared locals of all functions so far */
    bool oom;
} dec;

static bool nomem(dec *d) {
    zw_err_set(d->err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    d->oom = true;
    return false;
}

/* Scan an instruction sequence up to its matching end (depth 0).  Like the
 * reference decoder the scan is bounded by the end of the binary, not of the
 * section or body: callers compare where it stopped with the declared size.
 * Marks ref.func targets as declared when mark_refs. */
static bool scan_code(dec *d, zw_rd *r, bool mark_refs, bool in_func) {
    zw_instr in;
    /* one byte per open block: 0 block/loop, 1 if, 2 if after its else */
    ZW_VEC(uint8_t) blocks = {0};
    bool ok = true;
    for (;;) {
        if (r->p >= r->fend) {
            ok = zw_rd_fail(r, r->p, ZW_EOS_MSG);
            break;
        }
        const uint8_t *at = r->p;
        if (zw_read_instr(r->base, d->m->features, &r->p, r->fend, r->func, &in, r->err) != ZWASM_OK) {
            ok = false;
            break;
        }
        uint8_t kind = 0;
        switch (in.op) {
        case ZW_OP_IF:
            kind = 1;
            /* fall through */
        case ZW_OP_BLOCK: case ZW_OP_LOOP: case ZW_OP_TRY: case ZW_OP_TRY_TABLE:
            if (!ZW_VEC_PUSH(&d->m->al, &blocks, kind)) { ok = nomem(d); goto out; }
            break;
        case ZW_OP_DELEGATE: /* ends a legacy try */
            if (blocks.n == 0) {
                ok = zw_rd_fail(r, at, "END opcode expected");
                goto out;
            }
            blocks.n--;
            break;
        case ZW_OP_ELSE:
            if (blocks.n == 0 || blocks.v[blocks.n - 1] != 1) {
                ok = zw_rd_fail(r, at, "END opcode expected");
                goto out;
            }
            blocks.v[blocks.n - 1] = 2;
            break;
        case ZW_OP_END:
            if (blocks.n == 0) goto out;
            blocks.n--;
            break;
        case ZW_OP_REF_FUNC:
            if (mark_refs && in.a < d->m->nfuncs) d->m->func_declared[in.a] = true;
            break;
        case ZW_OP_MEMORY_INIT: case ZW_OP_DATA_DROP:
            if (in_func && !d->m->has_datacount) {
                ok = zw_rd_fail(r, at, "data count section required");
                goto out;
            }
            break;
        default:
            break;
        }
    }
out:
    ZW_VEC_FREE(&d->m->al, &blocks);
    return ok;
}

/* A constant expression (its bytes up to and including the end). */
static bool rd_expr(dec *d, zw_expr *e) {
    zw_rd *r = &d->r;
    const uint8_t *start = r->p;
    if (!scan_code(d, r, false, false)) return false;
    if (r->p > r->end) return zw_rd_fail(r, r->end, "section size mismatch");
    e->code = start;
    e->len = (uint32_t)(r->p - start);
    e->offset = (uint64_t)(start - r->base);
    return true;
}

/* ---- sections -------------------------------------------------------------- */
/* A function type after its 0x60. */
static bool rd_functype(dec *d, zw_functype *ft) {
    zw_rd *r = &d->r;
    uint32_t np, nr;
    if (!rd_count(r, &np, 1)) return false;
    ft->params = zw_calloc(&d->m->al, np, sizeof(zw_valtype));
    if (!ft->params) return nomem(d);
    ft->results = ft->params;
    for (uint32_t k = 0; k < np; k++)
        if (!zw_rd_valtype(r, d->m->features, &ft->params[k])) return false;
    ft->nparams = np;
    if (!rd_count(r, &nr, 1)) return false;
    zw_valtype *nv = zw_realloc_array(&d->m->al, ft->params, (size_t)np + nr, sizeof(zw_valtype));
    if (!nv) return nomem(d);
    ft->params = nv;
    ft->results = nv + np;
    for (uint32_t k = 0; k < nr; k++)
        if (!zw_rd_valtype(r, d->m->features, &ft->results[k])) return false;
    ft->nresults = nr;
    return true;
}

/* A field type: storage type (a value type, or i8 / i16), mutability. */
static bool rd_fieldtype(dec *d, zw_fieldtype *f) {
    zw_rd *r = &d->r;
    if (r->p < r->end && (*r->p == ZW_I8 || *r->p == ZW_I16)) f->type = *r->p++;
    else if (!zw_rd_valtype(r, d->m->features, &f->type)) return false;
    const uint8_t *at = r->p;
    uint8_t mut;
    if (!zw_rd_u8(r, &mut)) return false;
    if (mut > 1) return zw_rd_fail(r, at, "malformed mutability");
    f->mut = mut;
    return true;
}

/* One sub type: [0x50 | 0x4F vec(supertype)] composite type. */
static bool rd_subtype(dec *d, zw_type *t) {
    zw_rd *r = &d->r;
    bool gc = d->m->features & ZWASM_FEATURE_GC;
    const uint8_t *at = r->p;
    uint8_t form;
    t->super = ZW_NO_TYPE;
    t->final = true;
    if (!zw_rd_u8(r, &form)) return false;
    if (gc && (form == 0x50 || form == 0x4F)) {
        t->final = form == 0x4F;
        uint32_t n;
        if (!rd_count(r, &n, 1)) return false;
        if (n > 1) return zw_rd_fail(r, at, "invalid supertype count");
        if (n == 1 && !zw_rd_u32(r, &t->super)) return false;
        at = r->p;
        if (!zw_rd_u8(r, &form)) return false;
    }
    if (form & 0x80) return zw_rd_fail(r, at + 1, "integer representation too long");
    if (form == 0x60) {
        t->kind = ZW_COMP_FUNC;
        return rd_functype(d, &t->func);
    }
    if (gc && form == 0x5F) {
        t->kind = ZW_COMP_STRUCT;
        uint32_t n;
        if (!rd_count(r, &n, 2)) return false;
        t->fields = zw_calloc(&d->m->al, n ? n : 1, sizeof *t->fields);
        if (!t->fields) return nomem(d);
        t->nfields = n;
        for (uint32_t i = 0; i < n; i++)
            if (!rd_fieldtype(d, &t->fields[i])) return false;
        return true;
    }
    if (gc && form == 0x5E) {
        t->kind = ZW_COMP_ARRAY;
        t->fields = zw_calloc(&d->m->al, 1, sizeof *t->fields);
        if (!t->fields) return nomem(d);
        t->nfields = 1;
        return rd_fieldtype(d, &t->fields[0]);
    }
    return zw_rd_fail(r, at, gc ? "malformed composite type" : "malformed function type");
}

/* The type section: recursion groups (0x4E vec(subtype)) or single sub
 * types, flattened into the type index space. */
static bool sec_type(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    uint32_t cap = n;
    m->types = zw_calloc(&d->m->al, cap ? cap : 1, sizeof *m->types);
    if (!m->types) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t count = 1;
        if (r->p < r->end && *r->p == 0x4E && (m->features & ZWASM_FEATURE_GC)) {
            r->p++;
            if (!rd_count(r, &count, 1)) return false;
        }
        if ((uint64_t)m->ntypes + count > ZW_MAX_TYPES) return zw_rd_fail(r, r->p, "too many types");
        if (m->ntypes + count > cap) {
            uint32_t nc = m->ntypes + count > cap * 2 ? m->ntypes + count : cap * 2;
            zw_type *nt = zw_realloc_array(&d->m->al, m->types, nc, sizeof *nt);
            if (!nt) return nomem(d);
            memset(nt + cap, 0, (size_t)(nc - cap) * sizeof *nt);
            m->types = nt;
            cap = nc;
        }
        uint32_t first = m->ntypes;
        for (uint32_t k = 0; k < count; k++) {
            zw_type *t = &m->types[first + k];
            t->rec_first = first;
            t->rec_count = count;
            m->ntypes = first + k + 1; /* from here on zw_module_free frees it */
            if (!rd_subtype(d, t)) return false;
        }
    }
    return true;
}

/* A tag type: attribute 0 (exception), then a type index. */
static bool rd_tagtype(zw_rd *r, uint32_t *type_idx) {
    const uint8_t *at = r->p;
    uint8_t attr;
    if (!zw_rd_u8(r, &attr)) return false;
    if (attr != 0) return zw_rd_fail(r, at, "malformed tag attribute");
    return zw_rd_u32(r, type_idx);
}

static bool sec_import(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    m->imports = zw_calloc(&d->m->al, n, sizeof *m->imports);
    if (!m->imports) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        zw_import *im = &m->imports[i];
        im->offset = (uint64_t)(r->p - r->base);
        if (!rd_name(r, &im->module) || !rd_name(r, &im->name)) return false;
        const uint8_t *at = r->p;
        uint8_t kind;
        if (!zw_rd_u8(r, &kind)) return false;
        switch (kind) {
        case 0:
            im->kind = ZW_EXT_FUNC;
            if (!zw_rd_u32(r, &im->u.func_type)) return false;
            m->nfunc_imports++;
            break;
        case 1:
            im->kind = ZW_EXT_TABLE;
            if (!rd_tabletype(r, d->m->features, &im->u.table)) return false;
            m->ntable_imports++;
            break;
        case 2:
            im->kind = ZW_EXT_MEM;
            if (!rd_memtype(r, d->m->features, &im->u.mem)) return false;
            m->nmem_imports++;
            break;
        case 3:
            im->kind = ZW_EXT_GLOBAL;
            if (!rd_globaltype(r, d->m->features, &im->u.global)) return false;
            m->nglobal_imports++;
            break;
        case 4:
            if (!(d->m->features & ZWASM_FEATURE_EXCEPTIONS)) return zw_rd_fail(r, at, "malformed import kind");
            im->kind = ZW_EXT_TAG;
            if (!rd_tagtype(r, &im->u.tag_type)) return false;
            m->ntag_imports++;
            break;
        default:
            return zw_rd_fail(r, at, "malformed import kind");
        }
        m->nimports = i + 1;
    }
    return true;
}

static bool sec_function(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    m->funcs = zw_calloc(&d->m->al, (size_t)m->nfunc_imports + n, sizeof *m->funcs);
    if (!m->funcs) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        if (!zw_rd_u32(r, &m->funcs[m->nfunc_imports + i].type_idx)) return false;
    }
    d->nfunc_decls = n;
    m->nfuncs = m->nfunc_imports + n;
    return true;
}

static bool sec_table(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    m->tables = zw_calloc(&d->m->al, (size_t)m->ntable_imports + n, sizeof *m->tables);
    if (!m->tables) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        zw_table *t = &m->tables[m->ntable_imports + i];
        /* function references: 0x40 0x00 tabletype expr, a table with an
         * initial value */
        if (r->p < r->end && *r->p == 0x40 && (m->features & ZWASM_FEATURE_FUNCTION_REFERENCES)) {
            r->p++;
            const uint8_t *at = r->p;
            uint8_t z;
            if (!zw_rd_u8(r, &z)) return false;
            if (z != 0) return zw_rd_fail(r, at, "malformed table");
            t->has_init = true;
        }
        if (!rd_tabletype(r, d->m->features, &t->type)) return false;
        if (t->has_init && !rd_expr(d, &t->init)) return false;
    }
    m->ntables = m->ntable_imports + n;
    return true;
}

static bool sec_memory(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    m->mems = zw_calloc(&d->m->al, (size_t)m->nmem_imports + n, sizeof *m->mems);
    if (!m->mems) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        if (!rd_memtype(r, d->m->features, &m->mems[m->nmem_imports + i].type)) return false;
    }
    m->nmems = m->nmem_imports + n;
    return true;
}

static bool sec_global(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    m->globals = zw_calloc(&d->m->al, (size_t)m->nglobal_imports + n, sizeof *m->globals);
    if (!m->globals) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        zw_global *g = &m->globals[m->nglobal_imports + i];
        if (!rd_globaltype(r, d->m->features, &g->type) || !rd_expr(d, &g->init)) return false;
    }
    m->nglobals = m->nglobal_imports + n;
    return true;
}

/* The tag section (exception handling). */
static bool sec_tag(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 2)) return false;
    m->tags = zw_calloc(&d->m->al, (size_t)m->ntag_imports + n, sizeof *m->tags);
    if (!m->tags) return nomem(d);
    for (uint32_t i = 0; i < n; i++)
        if (!rd_tagtype(r, &m->tags[m->ntag_imports + i].type_idx)) return false;
    m->ntags = m->ntag_imports + n;
    return true;
}

static bool sec_export(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    m->exports = zw_calloc(&d->m->al, n, sizeof *m->exports);
    if (!m->exports) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        zw_export *e = &m->exports[i];
        if (!rd_name(r, &e->name)) return false;
        const uint8_t *at = r->p;
        uint8_t kind;
        if (!zw_rd_u8(r, &kind)) return false;
        if (kind > (d->m->features & ZWASM_FEATURE_EXCEPTIONS ? 4 : 3))
            return zw_rd_fail(r, at, "malformed export kind");
        e->kind = (zw_extkind)kind;
        if (!zw_rd_u32(r, &e->index)) return false;
        m->nexports = i + 1;
    }
    return true;
}

static bool sec_startfn(dec *d) {
    d->m->has_start = true;
    return zw_rd_u32(&d->r, &d->m->start);
}

static bool sec_elem(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    m->elems = zw_calloc(&d->m->al, n, sizeof *m->elems);
    if (!m->elems) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        zw_elem *e = &m->elems[i];
        m->nelems = i + 1;
        e->offset_in_file = (uint64_t)(r->p - r->base);
        const uint8_t *at = r->p;
        uint32_t flags;
        if (!zw_rd_u32(r, &flags)) return false;
        if (flags > 7) return zw_rd_fail(r, at, "malformed elements segment kind");
        /* 1.0 has flags 0 only (it was a table index); passive segments
         * came with bulk memory, the others with reference types */
        uint32_t needs = flags == 0 ? 0
                         : flags == 1 ? ZWASM_FEATURE_BULK_MEMORY
                         : flags == 5 ? ZWASM_FEATURE_BULK_MEMORY | ZWASM_FEATURE_REFERENCE_TYPES
                                      : ZWASM_FEATURE_REFERENCE_TYPES;
        if (needs & ~m->features) return zw_rd_fail(r, at, "malformed elements segment kind");
        bool passive_or_decl = flags & 1, explicit_table = flags & 2, exprs = flags & 4;
        /* function indices are never null: (ref func) where the type exists */
        e->type = !exprs && (m->features & ZWASM_FEATURE_FUNCTION_REFERENCES) ? zw_ref_type(ZW_HT_FUNC, false)
                                                                             : ZW_FUNCREF;
        if (!passive_or_decl) {
            e->mode = ZW_SEG_ACTIVE;
            if (explicit_table) {
                if (!zw_rd_u32(r, &e->table)) return false;
            }
            if (!rd_expr(d, &e->offset)) return false;
        } else {
            e->mode = explicit_table ? ZW_SEG_DECLARATIVE : ZW_SEG_PASSIVE;
        }
        /* element kind / type: absent for flags 0 and 4 */
        if (flags != 0 && flags != 4) {
            if (exprs) {
                if (!zw_rd_reftype(r, d->m->features, &e->type)) return false;
            } else {
                const uint8_t *kat = r->p;
                uint8_t kind;
                if (!zw_rd_u8(r, &kind)) return false;
                if (kind != 0) return zw_rd_fail(r, kat, "malformed element kind");
            }
        }
        uint32_t cnt;
        if (!rd_count(r, &cnt, 1)) return false;
        e->count = cnt;
        if (exprs) {
            e->exprs = zw_calloc(&d->m->al, cnt, sizeof *e->exprs);
            if (!e->exprs) return nomem(d);
            for (uint32_t k = 0; k < cnt; k++)
                if (!rd_expr(d, &e->exprs[k])) return false;
        } else {
            e->funcs = zw_calloc(&d->m->al, cnt, sizeof *e->funcs);
            if (!e->funcs) return nomem(d);
            for (uint32_t k = 0; k < cnt; k++)
                if (!zw_rd_u32(r, &e->funcs[k])) return false;
        }
    }
    return true;
}

static bool sec_datacount(dec *d) {
    d->m->has_datacount = true;
    return zw_rd_u32(&d->r, &d->m->datacount);
}

static bool sec_code(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    if (!rd_count(r, &n, 1)) return false;
    d->has_code = true;
    d->ncode = n; /* compared with the function section at the end */
    zw_func scratch;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t fi = m->nfunc_imports + i;
        /* bodies without a declaration are still checked, then dropped */
        memset(&scratch, 0, sizeof scratch);
        zw_func *f = i < d->nfunc_decls ? &m->funcs[fi] : &scratch;
        f->body_offset = (uint64_t)(r->p - r->base);
        uint32_t size;
        if (!zw_rd_u32(r, &size)) return false;
        if ((size_t)(r->end - r->p) < size) return zw_rd_fail(r, r->p, ZW_EOS_MSG);
        zw_rd b = *r;
        b.end = r->p + size;
        b.eof_msg = ZW_EOS_MSG;
        b.func = fi;
        r->p += size;
        /* locals: first pass counts, second fills */
        uint32_t nruns;
        if (!rd_count(&b, &nruns, 1)) return false;
        const uint8_t *runs = b.p;
        uint64_t total = 0;
        for (uint32_t k = 0; k < nruns; k++) {
            uint32_t c;
            zw_valtype t;
            if (!zw_rd_u32(&b, &c)) return false;
            total += c;
            if (total > UINT32_MAX) return zw_rd_fail(&b, b.p, "too many locals");
            if (!zw_rd_valtype(&b, d->m->features, &t)) return false;
        }
        /* implementation limits keep hostile counts from allocating:
         * per function and for the whole module (locals are expanded) */
        d->total_locals += total;
        if (total > ZW_MAX_LOCALS || d->total_locals > ZW_MAX_MODULE_LOCALS)
            return zw_rd_fail(&b, runs, "too many locals");
        f->nlocals = (uint32_t)total;
        f->locals = zw_calloc(&d->m->al, total, sizeof(zw_valtype));
        if (!f->locals) return nomem(d);
        const uint8_t *after = b.p;
        b.p = runs;
        uint32_t idx = 0;
        for (uint32_t k = 0; k < nruns; k++) {
            uint32_t c;
            zw_valtype t;
            zw_rd_u32(&b, &c);
            zw_rd_valtype(&b, d->m->features, &t);
            for (uint32_t j = 0; j < c; j++) f->locals[idx++] = t;
        }
        b.p = after;
        f->code = b.p;
        f->code_offset = (uint64_t)(b.p - b.base);
        bool ok = scan_code(d, &b, false, true);
        if (ok && b.p != b.end) ok = zw_rd_fail(&b, b.end, "section size mismatch");
        f->code_len = (uint32_t)(b.p - f->code);
        if (f == &scratch) zw_free(&d->m->al, scratch.locals);
        if (!ok) return false;
    }
    return true;
}

static bool sec_data(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    uint32_t n;
    const uint8_t *at = r->p;
    if (!zw_rd_u32(r, &n)) return false;
    if (m->has_datacount && n != m->datacount)
        return zw_rd_fail(r, at, "data count and data section have inconsistent lengths");
    if ((size_t)(r->end - r->p) / 2 < n) return zw_rd_fail(r, r->end, r->eof_msg);
    m->datas = zw_calloc(&d->m->al, n, sizeof *m->datas);
    if (!m->datas) return nomem(d);
    for (uint32_t i = 0; i < n; i++) {
        zw_data *s = &m->datas[i];
        m->ndatas = i + 1;
        s->offset_in_file = (uint64_t)(r->p - r->base);
        const uint8_t *fat = r->p;
        uint32_t flags;
        if (!zw_rd_u32(r, &flags)) return false;
        /* 1.0 has flags 0 only (it was a memory index); bulk memory added 1 and 2 */
        if (flags > 2 || (flags && !(m->features & ZWASM_FEATURE_BULK_MEMORY)))
            return zw_rd_fail(r, fat, "malformed data segment kind");
        if (flags == 1) {
            s->mode = ZW_SEG_PASSIVE;
        } else {
            s->mode = ZW_SEG_ACTIVE;
            if (flags == 2 && !zw_rd_u32(r, &s->mem)) return false;
            if (!rd_expr(d, &s->offset)) return false;
        }
        uint32_t len;
        if (!zw_rd_u32(r, &len)) return false;
        if ((size_t)(r->end - r->p) < len) return zw_rd_fail(r, r->p, ZW_EOS_MSG);
        s->bytes = r->p;
        s->len = len;
        r->p += len;
    }
    return true;
}

static bool sec_custom(dec *d, const uint8_t *sec_start) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    zw_custom c;
    c.offset = (uint64_t)(sec_start - r->base);
    if (!rd_name(r, &c.name)) return false;
    c.data = r->p;
    c.len = (uint32_t)(r->end - r->p);
    r->p = r->end;
    zw_custom *nv = zw_realloc_array(&d->m->al, m->customs, (size_t)m->ncustoms + 1, sizeof *nv);
    if (!nv) return nomem(d);
    m->customs = nv;
    m->customs[m->ncustoms++] = c;
    return true;
}

/* ---- the name section (parsed leniently, after everything else) -------- */
static void parse_names(zw_module *m, const zw_custom *c) {
    zw_rd r = {m->bytes, c->data, c->data + c->len, c->data + c->len, "", NULL, ZWASM_NO_FUNC};
    zw_name modname = {0};
    zw_name *fn = NULL;
    int last_id = -1;
    while (r.p < r.end) {
        uint8_t id;
        uint32_t size;
        if (!zw_rd_u8(&r, &id) || !zw_rd_u32(&r, &size)) goto bad;
        if ((size_t)(r.end - r.p) < size || (int)id <= last_id) goto bad;
        last_id = id;
        zw_rd s = r;
        s.end = r.p + size;
        r.p += size;
        if (id == 0) {
            if (!rd_name(&s, &modname) || s.p != s.end) goto bad;
        } else if (id == 1) {
            uint32_t n;
            if (!rd_count(&s, &n, 2)) goto bad;
            if (!fn) fn = zw_calloc(&m->al, m->nfuncs, sizeof *fn);
            if (!fn) goto bad;
            int64_t last = -1;
            for (uint32_t i = 0; i < n; i++) {
                uint32_t idx;
                zw_name nm;
                if (!zw_rd_u32(&s, &idx) || !rd_name(&s, &nm)) goto bad;
                if ((int64_t)idx <= last) goto bad;
                last = idx;
                if (idx < m->nfuncs) fn[idx] = nm;
            }
            if (s.p != s.end) goto bad;
        }
    }
    m->module_name = modname;
    m->func_names = fn;
    return;
bad:
    zw_free(&m->al, fn);
}

/* ---- the module ------------------------------------------------------------- */
/* Section order rank for ids 1..13 (datacount 12 sits between elem and
 * code, tag 13 between memory and global). */
static int section_rank(uint8_t id) {
    static const int8_t rank[14] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};
    return id <= 13 ? rank[id] : -1;
}

static bool decode_sections(dec *d) {
    zw_rd *r = &d->r;
    zw_module *m = d->m;
    int last_rank = 0;
    while (r->p < r->end) {
        const uint8_t *sec_start = r->p;
        uint8_t id = *r->p++;
        if (id > 13 || (id == 13 && !(m->features & ZWASM_FEATURE_EXCEPTIONS)) ||
            (id == 12 && !(m->features & ZWASM_FEATURE_BULK_MEMORY)))
            return zw_rd_fail(r, sec_start, "malformed section id");
        uint32_t size;
        if (!zw_rd_u32(r, &size)) return false;
        if ((size_t)(r->end - r->p) < size) return zw_rd_fail(r, r->p - 1, "length out of bounds");
        const uint8_t *send = r->p + size;
        const uint8_t *file_end = r->end;
        if (id != 0) {
            int rk = section_rank(id);
            if (rk <= last_rank) return zw_rd_fail(r, sec_start, "unexpected content after last section");
            last_rank = rk;
        }
        r->end = send;
        r->eof_msg = ZW_EOS_MSG;
        bool ok;
        switch (id) {
        case 0: ok = sec_custom(d, sec_start); break;
        case 1: ok = sec_type(d); break;
        case 2: ok = sec_import(d); break;
        case 3: ok = sec_function(d); break;
        case 4: ok = sec_table(d); break;
        case 5: ok = sec_memory(d); break;
        case 6: ok = sec_global(d); break;
        case 7: ok = sec_export(d); break;
        case 8: ok = sec_startfn(d); break;
        case 9: ok = sec_elem(d); break;
        case 10: ok = sec_code(d); break;
        case 11: ok = sec_data(d); break;
        case 12: ok = sec_datacount(d); break;
        case 13: ok = sec_tag(d); break;
        default: ok = false; break;
        }
        if (!ok) return false;
        if (r->p != send) return zw_rd_fail(r, r->p, "section size mismatch");
        r->end = file_end;
        r->eof_msg = "unexpected end";
    }
    if (d->nfunc_decls != d->ncode)
        return zw_rd_fail(r, r->p, "function and code section have inconsistent lengths");
    if (m->has_datacount && m->datacount != m->ndatas)
        return zw_rd_fail(r, r->p, "data count and data section have inconsistent lengths");
    return true;
}

/* An index space declared only by imports still needs its array. */
static bool import_space(dec *d, void **v, uint32_t *n, uint32_t nimports, size_t elem) {
    if (!*v && nimports && !(*v = zw_calloc(&d->m->al, nimports, elem))) return nomem(d);
    if (*n < nimports) *n = nimports;
    return true;
}

/* Scan a constant expression again, marking its ref.func targets declared. */
static bool mark_refs(dec *d, zw_rd *r, const zw_expr *e) {
    r->p = e->code;
    r->end = e->code + e->len;
    return scan_code(d, r, true, false);
}

/* Fill in the parts of the index spaces that come from imports. */
static bool finish(dec *d) {
    zw_module *m = d->m;
    if (!m->funcs) {
        m->funcs = zw_calloc(&d->m->al, m->nfunc_imports, sizeof *m->funcs);
        if (!m->funcs) return nomem(d);
    }
    m->nfuncs = m->nfunc_imports + d->nfunc_decls;
    if (!m->func_declared) {
        m->func_declared = zw_calloc(&d->m->al, m->nfuncs, sizeof(bool));
        if (!m->func_declared) return nomem(d);
    }
    if (!import_space(d, (void **)&m->tables, &m->ntables, m->ntable_imports, sizeof *m->tables) ||
        !import_space(d, (void **)&m->mems, &m->nmems, m->nmem_imports, sizeof *m->mems) ||
        !import_space(d, (void **)&m->globals, &m->nglobals, m->nglobal_imports, sizeof *m->globals) ||
        !import_space(d, (void **)&m->tags, &m->ntags, m->ntag_imports, sizeof *m->tags))
        return false;
    uint32_t fi = 0, ti = 0, mi = 0, gi = 0, xi = 0;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const zw_import *im = &m->imports[i];
        switch (im->kind) {
        case ZW_EXT_FUNC:
            m->funcs[fi].type_idx = im->u.func_type;
            m->funcs[fi++].imported = true;
            break;
        case ZW_EXT_TABLE:
            m->tables[ti].type = im->u.table;
            m->tables[ti++].imported = true;
            break;
        case ZW_EXT_MEM:
            m->mems[mi].type = im->u.mem;
            m->mems[mi++].imported = true;
            break;
        case ZW_EXT_GLOBAL:
            m->globals[gi].type = im->u.global;
            m->globals[gi++].imported = true;
            break;
        case ZW_EXT_TAG:
            m->tags[xi].type_idx = im->u.tag_type;
            m->tags[xi++].imported = true;
            break;
        default:
            break;
        }
    }
    /* C.refs: functions referenced outside function bodies */
    for (uint32_t i = 0; i < m->nexports; i++)
        if (m->exports[i].kind == ZW_EXT_FUNC && m->exports[i].index < m->nfuncs)
            m->func_declared[m->exports[i].index] = true;
    zw_rd r = {m->bytes, NULL, NULL, m->bytes + m->nbytes, "unexpected end", d->err, ZWASM_NO_FUNC};
    for (uint32_t i = 0; i < m->nelems; i++) {
        zw_elem *e = &m->elems[i];
        for (uint32_t k = 0; k < e->count; k++) {
            if (e->funcs) {
                if (e->funcs[k] < m->nfuncs) m->func_declared[e->funcs[k]] = true;
            } else if (!mark_refs(d, &r, &e->exprs[k])) {
                return false;
            }
        }
        if (e->mode == ZW_SEG_ACTIVE && !mark_refs(d, &r, &e->offset)) return false;
    }
    for (uint32_t i = m->nglobal_imports; i < m->nglobals; i++)
        if (!mark_refs(d, &r, &m->globals[i].init)) return false;
    for (uint32_t i = 0; i < m->ndatas; i++)
        if (m->datas[i].mode == ZW_SEG_ACTIVE && !mark_refs(d, &r, &m->datas[i].offset)) return false;
    for (uint32_t i = 0; i < m->ncustoms; i++) {
        const zw_custom *c = &m->customs[i];
        if (c->name.len == 4 && !memcmp(c->name.str, "name", 4) && !m->func_names) {
            parse_names(m, c);
        }
    }
    return true;
}

zwasm_result_t zw_decode(const zw_alloc *al, uint32_t features, const uint8_t *bytes, size_t len,
                         zw_module **out, zwasm_error_t *err) {
    *out = NULL;
    if (len > UINT32_MAX)
        return zw_err_set(err, ZWASM_ERR_UNSUPPORTED, 0, ZWASM_NO_FUNC,
                          "module too large (%zu bytes; at most 4 GiB - 1 are supported)", len);
    if (len < 4) return zw_err_set(err, ZWASM_ERR_MALFORMED, len, ZWASM_NO_FUNC, "unexpected end");
    if (memcmp(bytes, "\0asm", 4) != 0)
        return zw_err_set(err, ZWASM_ERR_MALFORMED, 0, ZWASM_NO_FUNC, "magic header not detected");
    if (len < 8) return zw_err_set(err, ZWASM_ERR_MALFORMED, len, ZWASM_NO_FUNC, "unexpected end");
    if (memcmp(bytes + 4, "\1\0\0\0", 4) != 0)
        return zw_err_set(err, ZWASM_ERR_MALFORMED, 4, ZWASM_NO_FUNC, "unknown binary version");
    zw_module *m = zw_calloc(al, 1, sizeof *m);
    if (!m) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    if (al) m->al = *al;
    m->features = features;
    m->bytes = zw_malloc(al, len);
    if (!m->bytes) {
        zw_free(al, m);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    memcpy(m->bytes, bytes, len);
    m->nbytes = len;
    dec d = {0};
    d.m = m;
    d.err = err;
    d.r = (zw_rd){m->bytes, m->bytes + 8, m->bytes + len, m->bytes + len, "unexpected end", err, ZWASM_NO_FUNC};
    if (!decode_sections(&d) || !finish(&d)) {
        zwasm_result_t rc = err ? err->code : (d.oom ? ZWASM_ERR_NOMEM : ZWASM_ERR_MALFORMED);
        zw_module_free(m);
        return rc;
    }
    *out = m;
    return ZWASM_OK;
}

void zw_module_free(zw_module *m) {
    if (!m) return;
    if (m->dispose) m->dispose(m); /* what later stages attached */
    if (m->types)
        for (uint32_t i = 0; i < m->ntypes; i++) {
            zw_free(&m->al, m->types[i].func.params);
            zw_free(&m->al, m->types[i].fields);
        }
    zw_free(&m->al, m->types);
    zw_free(&m->al, m->imports);
    if (m->funcs)
        for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) zw_free(&m->al, m->funcs[i].locals);
    zw_free(&m->al, m->funcs);
    zw_free(&m->al, m->tables);
    zw_free(&m->al, m->mems);
    zw_free(&m->al, m->globals);
    zw_free(&m->al, m->tags);
    zw_free(&m->al, m->exports);
    if (m->elems)
        for (uint32_t i = 0; i < m->nelems; i++) {
            zw_free(&m->al, m->elems[i].funcs);
            zw_free(&m->al, m->elems[i].exprs);
        }
    zw_free(&m->al, m->elems);
    zw_free(&m->al, m->datas);
    zw_free(&m->al, m->customs);
    zw_free(&m->al, m->func_names);
    zw_free(&m->al, m->func_declared);
    zw_free(&m->al, m->bytes);
    zw_alloc al = m->al;
    zw_free(&al, m);
}

static const char *heap_name(uint32_t ht) {
    switch (ht) {
    case ZW_HT_FUNC: return "func";
    case ZW_HT_EXTERN: return "extern";
    case ZW_HT_ANY: return "any";
    case ZW_HT_EQ: return "eq";
    case ZW_HT_I31: return "i31";
    case ZW_HT_STRUCT: return "struct";
    case ZW_HT_ARRAY: return "array";
    case ZW_HT_EXN: return "exn";
    case ZW_HT_NONE: return "none";
    case ZW_HT_NOEXTERN: return "noextern";
    case ZW_HT_NOFUNC: return "nofunc";
    case ZW_HT_NOEXN: return "noexn";
    case ZW_HT_BOT: return "bot";
    }
    return NULL;
}

const char *zw_valtype_name(zw_valtype t) {
    switch (t) {
    case ZW_I32: return "i32";
    case ZW_I64: return "i64";
    case ZW_F32: return "f32";
    case ZW_F64: return "f64";
    case ZW_V128: return "v128";
    case ZW_I8: return "i8";
    case ZW_I16: return "i16";
    case ZW_FUNCREF: return "funcref";
    case ZW_EXTERNREF: return "externref";
    case ZW_EXNREF: return "exnref";
    }
    if (zw_is_ref(t)) {
        if (t < 0x100) switch (t) {
            case ZW_HT_ANY: return "anyref";
            case ZW_HT_EQ: return "eqref";
            case ZW_HT_I31: return "i31ref";
            case ZW_HT_STRUCT: return "structref";
            case ZW_HT_ARRAY: return "arrayref";
            case ZW_HT_NONE: return "nullref";
            case ZW_HT_NOEXTERN: return "nullexternref";
            case ZW_HT_NOFUNC: return "nullfuncref";
            case ZW_HT_NOEXN: return "nullexnref";
            }
        return "ref";
    }
    return "?";
}

const char *zw_valtype_str(zw_valtype t, char *buf) {
    if (!zw_is_ref(t) || t < 0x100) {
        snprintf(buf, ZW_VALTYPE_BUF, "%s", zw_valtype_name(t));
        return buf;
    }
    uint32_t ht = zw_ref_heap(t);
    const char *null = zw_ref_nullable(t) ? "null " : "";
    if (zw_heap_is_idx(ht)) snprintf(buf, ZW_VALTYPE_BUF, "(ref %s%u)", null, ht - ZW_HT_IDX);
    else snprintf(buf, ZW_VALTYPE_BUF, "(ref %s%s)", null, heap_name(ht) ? heap_name(ht) : "?");
    return buf;
}
