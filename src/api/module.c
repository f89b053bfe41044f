/*
 * module.c — the zwasm_module_* API: creating a module (decode, validate,
 * lower), validation only, deletion, and import/export/custom-section
 * introspection with types.
 */
#include <stdio.h>

#include "../ir/ir.h"
#include "../runtime/runtime.h"

/* zwasm_module_t is the public (opaque) name of zw_module. */
static inline const zw_module *MOD(const zwasm_module_t *m) { return (const zw_module *)m; }

/* zw_module.dispose of the modules made here: the engine's code, the IR. */
static void dispose(zw_module *m) {
    const zw_backend *b = m->backend;
    if (b && m->engine_code) b->free_module(m);
    zw_ir_free_module(m);
}

static zwasm_result_t arg_err(zwasm_error_t *err, const char *msg) {
    return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "%s", msg);
}

ZWASM_API zwasm_result_t zwasm_module_new(zwasm_engine_t *engine, const uint8_t *bytes, size_t len,
                                          zwasm_module_t **out, zwasm_error_t *err) {
    if (out) *out = NULL;
    if (!engine) return arg_err(err, "zwasm_module_new: NULL engine");
    if (!out) return arg_err(err, "zwasm_module_new: NULL out");
    if (!bytes && len) return arg_err(err, "zwasm_module_new: NULL bytes");
    static const uint8_t empty[1];
    zw_module *m;
    zwasm_result_t r = zw_decode(&engine->cfg.allocator, engine->cfg.features, bytes ? bytes : empty, len, &m, err); /* copies the bytes */
    if (r != ZWASM_OK) return r;
    r = zw_validate(m, err);
    if (r == ZWASM_OK) {
        m->trace = engine->cfg.trace;
        m->perf_map = engine->cfg.perf_map;
        m->fuel = engine->cfg.fuel != 0 || engine->cfg.interruptible;
        m->engine = engine;
        m->dispose = dispose;
        m->backend = engine->backend;
        /* functions are lowered and prepared for the engine when first
         * called: start-up grows with the code that runs */
        if (!zw_ir_init_module(m))
            r = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        if (r == ZWASM_OK) r = engine->backend->prepare(m, err);
    }
    if (r != ZWASM_OK) {
        zw_module_free(m);
        return r;
    }
    m->refs = 1; /* the handle; instances add theirs */
    *out = (zwasm_module_t *)m;
    return ZWASM_OK;
}

ZWASM_API zwasm_result_t zwasm_module_validate(zwasm_engine_t *engine, const uint8_t *bytes,
                                               size_t len, zwasm_error_t *err) {
    if (!engine) return arg_err(err, "zwasm_module_validate: NULL engine");
    if (!bytes && len) return arg_err(err, "zwasm_module_validate: NULL bytes");
    static const uint8_t empty[1];
    zw_module *m;
    zwasm_result_t r = zw_decode(&engine->cfg.allocator, engine->cfg.features, bytes ? bytes : empty, len, &m, err);
    if (r != ZWASM_OK) return r;
    r = zw_validate(m, err);
    zw_module_free(m);
    return r;
}

/* Frees the module now, or when the last store holding an instance of it
 * is deleted. */
ZWASM_API void zwasm_module_delete(zwasm_module_t *module) {
    zw_module *m = (zw_module *)module;
    if (!m) return;
    if (m->refs) zw_module_release(m);
    else zw_module_free(m);
}

/* ---- introspection ------------------------------------------------------------------ */

static void functype_out(const zw_functype *t, zwasm_functype_t *out) {
    out->nparams = t->nparams;
    out->nresults = t->nresults;
    out->params = t->params;
    out->results = t->results;
}

static void limits_out(const zw_limits *l, zwasm_limits_t *out) {
    out->min = l->min;
    out->max = l->has_max ? l->max : 0;
    out->has_max = l->has_max;
}

/* The of.* part of an extern type, for modules' imports and definitions alike. */
static void tabletype_out(const zw_tabletype *t, zwasm_externtype_t *out) {
    out->of.table.elem = t->elem;
    limits_out(&t->lim, &out->of.table.limits);
    out->of.table.is64 = t->is64;
}

static void memtype_out(const zw_memtype *t, zwasm_externtype_t *out) {
    limits_out(&t->lim, &out->of.memory.limits);
    out->of.memory.is64 = t->is64;
    out->of.memory.shared = t->shared;
    out->of.memory.page_log2 = t->page_log2;
}

static void globaltype_out(const zw_globaltype *t, zwasm_externtype_t *out) {
    out->of.global.type = t->type;
    out->of.global.mut = t->mut;
}

/* The type of entity `index` of kind `kind` in module m. */
static void externtype_of(const zw_module *m, zw_extkind kind, uint32_t index,
                          zwasm_externtype_t *out) {
    memset(out, 0, sizeof *out);
    out->kind = (zwasm_externkind_t)kind;
    switch (kind) {
    case ZW_EXT_FUNC:
        if (index < m->nfuncs && m->funcs[index].type_idx < m->ntypes)
            functype_out(zw_func_type(m, index), &out->of.func);
        break;
    case ZW_EXT_TABLE:
        if (index < m->ntables) tabletype_out(&m->tables[index].type, out);
        break;
    case ZW_EXT_MEM:
        if (index < m->nmems) memtype_out(&m->mems[index].type, out);
        break;
    case ZW_EXT_GLOBAL:
        if (index < m->nglobals) globaltype_out(&m->globals[index].type, out);
        break;
    case ZW_EXT_TAG:
        if (index < m->ntags && m->tags[index].type_idx < m->ntypes)
            functype_out(zw_tag_type(m, index), &out->of.func);
        break;
    }
}

ZWASM_API uint32_t zwasm_module_import_count(const zwasm_module_t *module) {
    return module ? MOD(module)->nimports : 0;
}

ZWASM_API bool zwasm_module_import(const zwasm_module_t *mod, uint32_t i, zwasm_importtype_t *out) {
    const zw_module *m = MOD(mod);
    if (!m || !out || i >= m->nimports) return false;
    const zw_import *im = &m->imports[i];
    memset(out, 0, sizeof *out);
    out->module = im->module.str;
    out->module_len = im->module.len;
    out->name = im->name.str;
    out->name_len = im->name.len;
    out->type.kind = (zwasm_externkind_t)im->kind;
    switch (im->kind) {
    case ZW_EXT_FUNC:
        if (im->u.func_type < m->ntypes) functype_out(&m->types[im->u.func_type].func, &out->type.of.func);
        break;
    case ZW_EXT_TABLE: tabletype_out(&im->u.table, &out->type); break;
    case ZW_EXT_MEM: memtype_out(&im->u.mem, &out->type); break;
    case ZW_EXT_GLOBAL: globaltype_out(&im->u.global, &out->type); break;
    case ZW_EXT_TAG:
        if (im->u.tag_type < m->ntypes) functype_out(&m->types[im->u.tag_type].func, &out->type.of.func);
        break;
    }
    return true;
}

ZWASM_API uint32_t zwasm_module_export_count(const zwasm_module_t *module) {
    return module ? MOD(module)->nexports : 0;
}

ZWASM_API bool zwasm_module_export(const zwasm_module_t *mod, uint32_t i, zwasm_exporttype_t *out) {
    const zw_module *m = MOD(mod);
    if (!m || !out || i >= m->nexports) return false;
    const zw_export *ex = &m->exports[i];
    memset(out, 0, sizeof *out);
    out->name = ex->name.str;
    out->name_len = ex->name.len;
    externtype_of(m, ex->kind, ex->index, &out->type);
    return true;
}

ZWASM_API uint32_t zwasm_module_custom_count(const zwasm_module_t *module) {
    return module ? MOD(module)->ncustoms : 0;
}

ZWASM_API bool zwasm_module_custom(const zwasm_module_t *mod, uint32_t i, const char **name,
                                   size_t *name_len, const uint8_t **data, size_t *data_len) {
    const zw_module *m = MOD(mod);
    if (!m || i >= m->ncustoms) return false;
    const zw_custom *c = &m->customs[i];
    if (name) *name = c->name.str;
    if (name_len) *name_len = c->name.len;
    if (data) *data = c->data;
    if (data_len) *data_len = c->len;
    return true;
}

ZWASM_API uint32_t zwasm_module_extern_count(const zwasm_module_t *module, zwasm_externkind_t kind) {
    const zw_module *m = MOD(module);
    if (!m) return 0;
    switch (kind) {
    case ZWASM_EXTERN_FUNC: return m->nfuncs;
    case ZWASM_EXTERN_TABLE: return m->ntables;
    case ZWASM_EXTERN_MEMORY: return m->nmems;
    case ZWASM_EXTERN_GLOBAL: return m->nglobals;
    case ZWASM_EXTERN_TAG: return m->ntags;
    }
    return 0;
}

ZWASM_API bool zwasm_module_extern_type(const zwasm_module_t *module, zwasm_externkind_t kind,
                                        uint32_t i, zwasm_externtype_t *out) {
    if (!out || i >= zwasm_module_extern_count(module, kind)) return false;
    externtype_of(MOD(module), (zw_extkind)kind, i, out);
    return true;
}

ZWASM_API zwasm_result_t zwasm_module_code(const zwasm_module_t *module, zwasm_code_fn fn, void *env,
                                           zwasm_error_t *err) {
    if (!module || !fn) return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "null argument");
    const zw_backend *b = MOD(module)->backend;
    if (!b || !b->code)
        return zw_err_set(err, ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "the %s engine makes no machine code", b ? b->name : "module's");
    return b->code((zw_module *)MOD(module), fn, env, err);
}

ZWASM_API void zwasm_module_dump_ir(const zwasm_module_t *module, void *file) {
    if (!module || !file) return;
    zwasm_error_t err;
    /* lowering is lazy: lower everything to print it (the code is the same) */
    if (zw_lower_module((zw_module *)module, &err) != ZWASM_OK)
        fprintf((FILE *)file, ";; %s\n", err.message);
    zw_ir_dump_module(MOD(module), (FILE *)file);
}

/* ---- types -------------------------------------------------------------------------- */
ZWASM_API uint32_t zwasm_module_type_count(const zwasm_module_t *module) {
    return module ? ((const zw_module *)module)->ntypes : 0;
}

typedef struct tbuf_ {
    char *p;
    size_t len, pos;
} tbuf_;

static void tput(tbuf_ *b, const char *s) {
    size_t n = strlen(s);
    if (b->pos < b->len) {
        size_t room = b->len - b->pos - 1;
        memcpy(b->p + b->pos, s, n < room ? n : room);
        b->p[b->pos + (n < room ? n : room)] = 0;
    }
    b->pos += n;
}

static void tfield(tbuf_ *b, const zw_fieldtype *f) {
    char vt[ZW_VALTYPE_BUF];
    tput(b, f->mut ? "(mut " : "");
    tput(b, zw_valtype_str(f->type, vt));
    tput(b, f->mut ? ")" : "");
}

ZWASM_API bool zwasm_module_type_text(const zwasm_module_t *module, uint32_t i, char *buf, size_t len) {
    const zw_module *m = (const zw_module *)module;
    if (!m || i >= m->ntypes || !buf || !len) return false;
    const zw_type *t = &m->types[i];
    tbuf_ b = {buf, len, 0};
    char n[48], vt[ZW_VALTYPE_BUF];
    buf[0] = 0;
    if (t->rec_count > 1) {
        snprintf(n, sizeof n, "(rec %u %u) ", t->rec_first, t->rec_count);
        tput(&b, n);
    }
    bool sub = !t->final || t->super != ZW_NO_TYPE;
    if (sub) {
        tput(&b, t->final ? "(sub final " : "(sub ");
        if (t->super != ZW_NO_TYPE) {
            snprintf(n, sizeof n, "%u ", t->super);
            tput(&b, n);
        }
    }
    switch (t->kind) {
    case ZW_COMP_FUNC:
        tput(&b, "(func");
        for (uint32_t k = 0; k < t->func.nparams; k++) {
            tput(&b, k ? " " : " (param ");
            tput(&b, zw_valtype_str(t->func.params[k], vt));
        }
        if (t->func.nparams) tput(&b, ")");
        for (uint32_t k = 0; k < t->func.nresults; k++) {
            tput(&b, k ? " " : " (result ");
            tput(&b, zw_valtype_str(t->func.results[k], vt));
        }
        if (t->func.nresults) tput(&b, ")");
        tput(&b, ")");
        break;
    case ZW_COMP_STRUCT:
        tput(&b, "(struct");
        for (uint32_t k = 0; k < t->nfields; k++) {
            tput(&b, " (field ");
            tfield(&b, &t->fields[k]);
            tput(&b, ")");
        }
        tput(&b, ")");
        break;
    case ZW_COMP_ARRAY:
        tput(&b, "(array ");
        tfield(&b, &t->fields[0]);
        tput(&b, ")");
        break;
    }
    if (sub) tput(&b, ")");
    return true;
}
