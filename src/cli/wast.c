/*
 * wast.c — `zwasm wast`: the runner for WebAssembly script files (.wast, the
 * format of the official spec testsuite).
 *
 * Owns: option parsing for `wast`, the known-failures list, per-file
 * isolation (each script runs in a forked child with a timeout; results come
 * back over a pipe, so a crash or a runaway test costs that script only),
 * and the script interpreter itself: module / register / invoke / get and
 * every assert_* command, import resolution against registered instances and
 * the spectest host module (spectest.c), and result matching (NaN patterns,
 * v128 lanes, references, either).
 *
 * Counting: each assert_* counts once; a plain `module` or `invoke` counts
 * as passed when it loads/runs without error; `register` counts only when
 * it fails.  Every file gets a fresh engine and store.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "text/text.h"

/* ---- options and the known-failures list ------------------------------------- */
typedef struct {
    char *path;   /* path suffix, e.g. "wasm-2.0/f32.wast" */
    uint32_t line;
    char *reason;
    bool skip;    /* reason starts with "skip": the command is not run at all */
    bool failed;
    uint32_t passed; /* commands on this line that passed */
} known_entry;

typedef struct {
    bool verbose;
    bool fork;
    unsigned timeout; /* seconds per script, 0 = none */
    zwasm_config_t cfg;
    ZW_VEC(known_entry) known;
} wast_opts;

typedef struct {
    uint64_t passed, failed, skipped;
} tally;

static bool path_has_suffix(const char *path, const char *suffix) {
    size_t lp = strlen(path), ls = strlen(suffix);
    if (ls > lp) return false;
    if (strcmp(path + lp - ls, suffix) != 0) return false;
    return ls == lp || path[lp - ls - 1] == '/' || suffix[0] == '/';
}

static known_entry *find_known(const wast_opts *o, const char *path, uint32_t line) {
    for (uint32_t i = 0; i < o->known.n; i++) {
        known_entry *e = &o->known.v[i];
        if (e->line == line && path_has_suffix(path, e->path)) return e;
    }
    return NULL;
}

static char *dup_range(const char *s, size_t n) {
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

static void free_known(wast_opts *o) {
    for (uint32_t i = 0; i < o->known.n; i++) {
        free(o->known.v[i].path);
        free(o->known.v[i].reason);
    }
    ZW_VEC_FREE(NULL, &o->known);
}

/* Lines "PATH:LINE reason"; blank lines and #-comments are ignored. */
static bool load_known(wast_opts *o, const char *list_path) {
    char list[1024];
    cli_esc(list, sizeof list, list_path);
    uint8_t *data;
    size_t len;
    zwasm_error_t err = {0};
    if (!cli_read_file(list_path, &data, &len, &err)) {
        fprintf(stderr, "zwasm: %s: %s\n", list, err.message);
        return false;
    }
    char *p = (char *)data, *end = p + len;
    uint32_t lineno = 0;
    bool ok = true;
    while (p < end && ok) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *eol = nl ? nl : end;
        lineno++;
        char *s = p, *e = eol;
        p = nl ? nl + 1 : end;
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
        if (s == e || *s == '#') continue;
        char *tok_end = s;
        while (tok_end < e && *tok_end != ' ' && *tok_end != '\t') tok_end++;
        char *colon = NULL;
        for (char *q = s; q < tok_end; q++)
            if (*q == ':') colon = q;
        uint32_t line = 0;
        bool num_ok = colon && colon > s && colon + 1 < tok_end;
        for (char *q = colon ? colon + 1 : tok_end; num_ok && q < tok_end; q++) {
            if (*q < '0' || *q > '9' || line > 100000000) num_ok = false;
            else line = line * 10 + (uint32_t)(*q - '0');
        }
        if (!num_ok) {
            fprintf(stderr, "zwasm: %s:%" PRIu32 ": expected \"PATH:LINE reason\"\n", list, lineno);
            ok = false;
            break;
        }
        char *r = tok_end;
        while (r < e && (*r == ' ' || *r == '\t')) r++;
        known_entry ke = {.line = line};
        ke.path = dup_range(s, (size_t)(colon - s));
        char reason[512]; /* printed later: escaped now */
        zw_escape(reason, sizeof reason, r, (size_t)(e - r));
        ke.reason = dup_range(reason, strlen(reason));
        ke.skip = strncmp(ke.reason ? ke.reason : "", "skip", 4) == 0;
        if (!ke.path || !ke.reason || !ZW_VEC_PUSH(NULL, &o->known, ke)) {
            free(ke.path);
            free(ke.reason);
            fprintf(stderr, "zwasm: %s: out of memory\n", list);
            ok = false;
        }
    }
    free(data);
    return ok;
}

/* ---- result records -------------------------------------------------------------
 * The script interpreter reports each counted command as a record:
 *   'P' passed, 'F' failed (text = reason), 'S' not run (known "skip" entry),
 *   'N' a note printed as-is in verbose mode.
 * In fork mode the child writes records to a pipe as lines "T LINE TEXT\n";
 * the parent (or, without fork, the interpreter directly) feeds them to
 * tally_record. */
typedef struct {
    const wast_opts *opts;
    const char *path;  /* as given (matched against known-failure entries) */
    const char *shown; /* the path escaped for printing (cli_esc) */
    tally *t;
} file_tally;

static void tally_record(file_tally *ft, char type, uint32_t line, const char *text) {
    const wast_opts *o = ft->opts;
    known_entry *ke = (type == 'P' || type == 'F' || type == 'S')
                          ? find_known(o, ft->path, line) : NULL;
    switch (type) {
    case 'P':
        ft->t->passed++;
        if (o->verbose) printf("%s:%" PRIu32 ": %s\n", ft->shown, line, text);
        if (ke) ke->passed++;
        break;
    case 'F':
        if (ke) {
            ke->failed = true;
            ft->t->skipped++;
            if (o->verbose)
                printf("%s:%" PRIu32 ": known failure: %s [%s]\n", ft->shown, line, text, ke->reason);
            else
                printf("%s:%" PRIu32 ": known failure: %s\n", ft->shown, line, ke->reason);
        } else {
            ft->t->failed++;
            printf("%s:%" PRIu32 ": %s\n", ft->shown, line, text);
        }
        break;
    case 'S':
        ft->t->skipped++;
        if (ke) ke->failed = true;
        printf("%s:%" PRIu32 ": known failure (not run): %s\n", ft->shown, line,
               ke ? ke->reason : text);
        break;
    case 'N':
        printf("%s:%" PRIu32 ": %s\n", ft->shown, line, text);
        break;
    default:
        break;
    }
}

/* After a file: entries for it that only passed are stale. */
static void check_stale(file_tally *ft) {
    const wast_opts *o = ft->opts;
    for (uint32_t i = 0; i < o->known.n; i++) {
        known_entry *e = &o->known.v[i];
        if (!path_has_suffix(ft->path, e->path) || !e->passed || e->failed) continue;
        /* the listed command passed: count it as failed instead */
        ft->t->passed -= e->passed;
        ft->t->failed += e->passed;
        printf("%s:%" PRIu32 ": stale known-failure entry, remove it (%s)\n", ft->shown, e->line,
               e->reason);
        e->passed = 0;
    }
}

/* ---- the script interpreter -------------------------------------------------------- */
typedef struct {
    char *name;
    size_t name_len;
    zwasm_instance_t *inst;
} binding;

typedef ZW_VEC(binding) binding_vec;

/* A module a script defined without instantiating it: (module definition $id ...). */
typedef struct {
    char *name; /* NULL without an $id */
    zwasm_module_t *module;
} definition;

typedef struct {
    const wast_opts *opts;
    const char *path;
    /* sink: a pipe fd (fork mode) or the tally itself */
    int out_fd;
    file_tally *ft;
    volatile uint32_t *cur_line; /* shared with the parent for crash reports */

    zwasm_engine_t *engine;
    zwasm_store_t *store;
    cli_spectest *spectest;
    ZW_VEC(zwasm_module_t *) modules; /* kept until the store is gone */
    binding_vec ids;                  /* $id -> instance, latest last */
    binding_vec registered;           /* "name" -> instance, latest last */
    ZW_VEC(definition) defs;          /* (module definition ...), latest last */
    zwasm_instance_t *current;
    const char *cur_kw; /* keyword of the running command, for verbose output */
} script;

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;
        p += w;
        n -= (size_t)w;
    }
}

static void emit(script *s, char type, uint32_t line, const char *fmt, ...) ZW_PRINTF(4, 5);
static void emit(script *s, char type, uint32_t line, const char *fmt, ...) {
    char raw[2048], text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    /* the script's strings and the module's names are untrusted: one line,
     * nothing that acts on a terminal */
    zw_escape(text, sizeof text, raw, strlen(raw));
    if (s->out_fd < 0) {
        tally_record(s->ft, type, line, text);
        return;
    }
    char rec[2100];
    int n = snprintf(rec, sizeof rec, "%c %" PRIu32 " %s\n", type, line, text);
    if (n < 0) return;
    if ((size_t)n >= sizeof rec) {
        n = (int)sizeof rec - 1;
        rec[n - 1] = '\n';
    }
    write_all(s->out_fd, rec, (size_t)n);
}

#define PASS(s, line) emit(s, 'P', line, "%s ok", (s)->cur_kw)
#define FAIL(s, line, ...) emit(s, 'F', line, __VA_ARGS__)

static bool is_atom(const zw_sx *x, const char *text) {
    return x && x->kind == ZW_SX_ATOM && strcmp(x->text, text) == 0;
}

static const char *result_word(zwasm_result_t r) {
    switch (r) {
    case ZWASM_OK: return "OK";
    case ZWASM_ERR_MALFORMED: return "MALFORMED";
    case ZWASM_ERR_INVALID: return "INVALID";
    case ZWASM_ERR_LINK: return "LINK";
    case ZWASM_ERR_TRAP: return "TRAP";
    case ZWASM_ERR_NOMEM: return "NOMEM";
    case ZWASM_ERR_ARG: return "ARG";
    case ZWASM_ERR_IO: return "IO";
    case ZWASM_ERR_UNSUPPORTED: return "UNSUPPORTED";
    case ZWASM_ERR_LIMIT: return "LIMIT";
    case ZWASM_ERR_EXCEPTION: return "EXCEPTION";
    }
    return "?";
}

/* Encode a module form and compile it; *text_phase tells whether the text
 * encoder refused it.  The caller owns the module. */
static zwasm_result_t encode_and_compile(script *s, const zw_sx *form, zwasm_module_t **out, char **id,
                                         bool *text_phase, zwasm_error_t *err) {
    zw_buf bin = {0};
    *out = NULL;
    if (id) *id = NULL;
    zwasm_result_t r = zw_wat_encode_module(form, &bin, id, err);
    if (r == ZWASM_OK && bin.oom)
        r = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    *text_phase = r != ZWASM_OK;
    if (r == ZWASM_OK) r = zwasm_module_new(s->engine, bin.data, bin.len, out, err);
    zw_buf_free(&bin);
    if (r != ZWASM_OK) {
        if (*out) zwasm_module_delete(*out);
        *out = NULL;
    }
    return r;
}

/* Encode a module form and compile it.  The module is kept in s->modules. */
static zwasm_result_t compile_module(script *s, const zw_sx *form, zwasm_module_t **out, char **id,
                                     zwasm_error_t *err) {
    bool text_phase;
    zwasm_result_t r = encode_and_compile(s, form, out, id, &text_phase, err);
    if (r != ZWASM_OK) return r;
    if (!ZW_VEC_PUSH(NULL, &s->modules, *out)) {
        zwasm_module_delete(*out);
        *out = NULL;
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    return ZWASM_OK;
}

static zwasm_instance_t *find_binding(const binding_vec *v, const char *name, size_t len,
                                      bool *found) {
    for (uint32_t i = v->n; i-- > 0;) {
        if (v->v[i].name_len == len && memcmp(v->v[i].name, name, len) == 0) {
            *found = true;
            return v->v[i].inst;
        }
    }
    *found = false;
    return NULL;
}

static bool add_binding(binding_vec *v, const char *name, size_t len, zwasm_instance_t *inst) {
    binding b = {.name = dup_range(name, len), .name_len = len, .inst = inst};
    if (!b.name) return false;
    if (!ZW_VEC_PUSH(NULL, v, b)) {
        free(b.name);
        return false;
    }
    return true;
}

static int printable_len(size_t n) { return n > 200 ? 200 : (int)n; }

/* Resolve the module's imports and instantiate it. */
static zwasm_result_t instantiate(script *s, const zwasm_module_t *m, zwasm_instance_t **out,
                                  zwasm_error_t *err) {
    *out = NULL;
    uint32_t n = zwasm_module_import_count(m);
    zwasm_extern_t *imports = zw_calloc(NULL, n + 1, sizeof *imports);
    if (!imports) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    zwasm_result_t r = ZWASM_OK;
    for (uint32_t i = 0; i < n && r == ZWASM_OK; i++) {
        zwasm_importtype_t it;
        if (!zwasm_module_import(m, i, &it)) {
            r = zw_err_set(err, ZWASM_ERR_LINK, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "import %" PRIu32 " missing", i);
            break;
        }
        bool found;
        zwasm_instance_t *from = find_binding(&s->registered, it.module, it.module_len, &found);
        bool ok = false;
        if (found && from) {
            ok = zwasm_instance_export(from, it.name, it.name_len, &imports[i]);
        } else if (!found && it.module_len == 8 && memcmp(it.module, "spectest", 8) == 0) {
            ok = cli_spectest_lookup(s->spectest, it.name, it.name_len, &imports[i]);
        }
        if (!ok) {
            r = zw_err_set(err, ZWASM_ERR_LINK, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                           "unknown import \"%.*s\".\"%.*s\"", printable_len(it.module_len),
                           it.module, printable_len(it.name_len), it.name);
        } else if (imports[i].kind != it.type.kind) {
            r = zw_err_set(err, ZWASM_ERR_LINK, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                           "incompatible import type for \"%.*s\".\"%.*s\"",
                           printable_len(it.module_len), it.module, printable_len(it.name_len), it.name);
        }
    }
    if (r == ZWASM_OK) r = zwasm_instance_new(s->store, m, imports, n, out, err);
    free(imports);
    return r;
}

/* Compile and instantiate a module form (id, when not NULL, receives its
 * $id); *inst is NULL unless it succeeds. */
static zwasm_result_t load_module(script *s, const zw_sx *form, char **id, zwasm_instance_t **inst,
                                  zwasm_error_t *err) {
    zwasm_module_t *m;
    *inst = NULL;
    zwasm_result_t r = compile_module(s, form, &m, id, err);
    if (r == ZWASM_OK) r = instantiate(s, m, inst, err);
    if (r != ZWASM_OK) *inst = NULL;
    return r;
}

/* ---- values ----------------------------------------------------------------------- */
/* The API kind of references of abstract heap type ht: the top of its
 * hierarchy. */
static uint32_t top_kind(uint32_t ht) {
    switch (ht) {
    case 0x70: case 0x73: return ZWASM_FUNCREF;   /* func, nofunc */
    case 0x6F: case 0x72: return ZWASM_EXTERNREF; /* extern, noextern */
    case 0x69: case 0x74: return ZWASM_EXNREF;    /* exn, noexn */
    }
    return ZWASM_ANYREF;
}

static bool is_ref_kind(uint32_t k) {
    return k == ZWASM_FUNCREF || k == ZWASM_EXTERNREF || k == ZWASM_ANYREF || k == ZWASM_EXNREF;
}

static bool wvalue_to_val(zwasm_store_t *store, const zw_wvalue *w, zwasm_val_t *v) {
    memset(v, 0, sizeof *v);
    switch (w->kind) {
    case ZW_WV_I32: v->kind = ZWASM_I32; v->of.i32 = (int32_t)w->u.i32; return true;
    case ZW_WV_I64: v->kind = ZWASM_I64; v->of.i64 = (int64_t)w->u.i64; return true;
    case ZW_WV_F32: v->kind = ZWASM_F32; v->of.i32 = (int32_t)w->u.i32; return true;
    case ZW_WV_F64: v->kind = ZWASM_F64; v->of.i64 = (int64_t)w->u.i64; return true;
    case ZW_WV_V128: v->kind = ZWASM_V128; memcpy(v->of.v128, w->u.v128.u8, 16); return true;
    case ZW_WV_REF_NULL: v->kind = top_kind(w->reftype); return true;
    case ZW_WV_REF_EXTERN:
        if (w->host) { /* a host value seen in the any hierarchy */
            if (!store) return false;
            v->kind = ZWASM_ANYREF;
            v->of.anyref = zwasm_anyref_from_host(store, cli_externref(w->u.i64));
            return v->of.anyref != NULL;
        }
        v->kind = ZWASM_EXTERNREF;
        v->of.externref = cli_externref(w->u.i64);
        return true;
    default: return false;
    }
}

static bool match_f32(uint32_t bits, zw_nan_pat pat, uint32_t expect) {
    switch (pat) {
    case ZW_NAN_CANONICAL: return (bits & 0x7fffffffu) == 0x7fc00000u;
    case ZW_NAN_ARITHMETIC: return (bits & 0x7fc00000u) == 0x7fc00000u;
    default: return bits == expect;
    }
}

static bool match_f64(uint64_t bits, zw_nan_pat pat, uint64_t expect) {
    switch (pat) {
    case ZW_NAN_CANONICAL: return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
    case ZW_NAN_ARITHMETIC: return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
    default: return bits == expect;
    }
}

static bool match_value(const zw_wvalue *e, const zwasm_val_t *v) {
    switch (e->kind) {
    case ZW_WV_I32: return v->kind == ZWASM_I32 && (uint32_t)v->of.i32 == e->u.i32;
    case ZW_WV_I64: return v->kind == ZWASM_I64 && (uint64_t)v->of.i64 == e->u.i64;
    case ZW_WV_F32: return v->kind == ZWASM_F32 && match_f32((uint32_t)v->of.i32, e->nan[0], e->u.i32);
    case ZW_WV_F64: return v->kind == ZWASM_F64 && match_f64((uint64_t)v->of.i64, e->nan[0], e->u.i64);
    case ZW_WV_V128: {
        if (v->kind != ZWASM_V128) return false;
        zw_v128 got;
        memcpy(got.u8, v->of.v128, 16);
        if (e->lane_shape == 4) {
            for (int i = 0; i < 4; i++)
                if (!match_f32(got.u32[i], e->nan[i], e->u.v128.u32[i])) return false;
            return true;
        }
        if (e->lane_shape == 5) {
            for (int i = 0; i < 2; i++)
                if (!match_f64(got.u64[i], e->nan[i], e->u.v128.u64[i])) return false;
            return true;
        }
        return memcmp(got.u8, e->u.v128.u8, 16) == 0;
    }
    case ZW_WV_REF_NULL:
        if (e->reftype ? v->kind != top_kind(e->reftype) : !is_ref_kind(v->kind)) return false;
        return v->kind == ZWASM_FUNCREF ? v->of.funcref == NULL : v->of.externref == NULL;
    case ZW_WV_REF_EXTERN:
        if (e->host)
            return v->kind == ZWASM_ANYREF && zwasm_anyref_kind(v->of.anyref) == ZWASM_ANYREF_HOST &&
                   zwasm_anyref_host(v->of.anyref) == cli_externref(e->u.i64);
        return v->kind == ZWASM_EXTERNREF && v->of.externref == cli_externref(e->u.i64);
    case ZW_WV_REF_OF:
        if (!v->of.externref) return false;
        switch (e->reftype) {
        case 0x70: return v->kind == ZWASM_FUNCREF;
        case 0x69: return v->kind == ZWASM_EXNREF;
        case 0x6E: return v->kind == ZWASM_ANYREF;
        case 0x6D: /* eq: an i31, a struct or an array */
            return v->kind == ZWASM_ANYREF && zwasm_anyref_kind(v->of.anyref) != ZWASM_ANYREF_HOST;
        case 0x6C: return v->kind == ZWASM_ANYREF && zwasm_anyref_kind(v->of.anyref) == ZWASM_ANYREF_I31;
        case 0x6B: return v->kind == ZWASM_ANYREF && zwasm_anyref_kind(v->of.anyref) == ZWASM_ANYREF_STRUCT;
        case 0x6A: return v->kind == ZWASM_ANYREF && zwasm_anyref_kind(v->of.anyref) == ZWASM_ANYREF_ARRAY;
        }
        return false;
    case ZW_WV_REF_EXTERN_ANY: return v->kind == ZWASM_EXTERNREF && v->of.externref != NULL;
    case ZW_WV_EITHER:
        for (uint32_t i = 0; i < e->nalts; i++)
            if (match_value(&e->alts[i], v)) return true;
        return false;
    }
    return false;
}

/* Append formatted text to a fixed buffer, truncating. */
typedef struct { char *p; size_t len, pos; } strbuf;

static void sb_printf(strbuf *b, const char *fmt, ...) ZW_PRINTF(2, 3);
static void sb_printf(strbuf *b, const char *fmt, ...) {
    if (b->pos >= b->len) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->pos, b->len - b->pos, fmt, ap);
    va_end(ap);
    if (n > 0) b->pos += (size_t)n;
    if (b->pos > b->len) b->pos = b->len;
}

static const char *nan_name(zw_nan_pat p) {
    return p == ZW_NAN_CANONICAL ? "nan:canonical" : "nan:arithmetic";
}

static void format_wvalue(strbuf *b, const zw_wvalue *e) {
    zwasm_val_t v;
    char tmp[160];
    switch (e->kind) {
    case ZW_WV_F32:
        if (e->nan[0]) { sb_printf(b, "(f32.const %s)", nan_name(e->nan[0])); return; }
        break;
    case ZW_WV_F64:
        if (e->nan[0]) { sb_printf(b, "(f64.const %s)", nan_name(e->nan[0])); return; }
        break;
    case ZW_WV_V128:
        if (e->lane_shape == 4 || e->lane_shape == 5) {
            int lanes = e->lane_shape == 4 ? 4 : 2;
            sb_printf(b, "(v128.const %s", lanes == 4 ? "f32x4" : "f64x2");
            for (int i = 0; i < lanes; i++) {
                if (e->nan[i]) sb_printf(b, " %s", nan_name(e->nan[i]));
                else if (lanes == 4) sb_printf(b, " %.9g", (double)e->u.v128.f32[i]);
                else sb_printf(b, " %.17g", e->u.v128.f64[i]);
            }
            sb_printf(b, ")");
            return;
        }
        break;
    case ZW_WV_REF_FUNC: sb_printf(b, "(ref.func)"); return;
    case ZW_WV_REF_EXTERN_ANY: sb_printf(b, "(ref.extern)"); return;
    case ZW_WV_EITHER:
        sb_printf(b, "(either");
        for (uint32_t i = 0; i < e->nalts; i++) {
            sb_printf(b, " ");
            format_wvalue(b, &e->alts[i]);
        }
        sb_printf(b, ")");
        return;
    default: break;
    }
    if (wvalue_to_val(NULL, e, &v)) {
        cli_format_val(tmp, sizeof tmp, &v);
        sb_printf(b, "%s", tmp);
    } else {
        sb_printf(b, "?");
    }
}

static void format_vals(strbuf *b, const zwasm_val_t *v, uint32_t n) {
    char tmp[160];
    if (n == 0) sb_printf(b, "nothing");
    for (uint32_t i = 0; i < n; i++) {
        cli_format_val(tmp, sizeof tmp, &v[i]);
        sb_printf(b, "%s%s", i ? " " : "", tmp);
    }
}

/* ---- actions ------------------------------------------------------------------------ */
typedef struct {
    zwasm_val_t *v;
    uint32_t n;
} vals;

static zwasm_instance_t *lookup_instance(script *s, const zw_sx *form, uint32_t *idx,
                                         zwasm_error_t *err) {
    if (*idx < form->nitems && form->items[*idx]->kind == ZW_SX_ATOM &&
        form->items[*idx]->text[0] == '$') {
        const zw_sx *id = form->items[(*idx)++];
        bool found;
        zwasm_instance_t *inst = find_binding(&s->ids, id->text, strlen(id->text), &found);
        if (!found) zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "unknown module %s", id->text);
        else if (!inst) zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "module %s failed to load", id->text);
        return inst;
    }
    if (!s->current)
        zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "no current module");
    return s->current;
}

/* Run (invoke $id? "name" args...) or (get $id? "name"); results in *out. */
static zwasm_result_t do_action(script *s, const zw_sx *act, vals *out, zwasm_error_t *err) {
    out->v = NULL;
    out->n = 0;
    if (act->kind != ZW_SX_LIST || act->nitems < 1 ||
        !(is_atom(act->items[0], "invoke") || is_atom(act->items[0], "get")))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "expected (invoke ...) or (get ...)");
    bool is_get = is_atom(act->items[0], "get");
    uint32_t idx = 1;
    zwasm_instance_t *inst = lookup_instance(s, act, &idx, err);
    if (!inst) return ZWASM_ERR_ARG;
    if (idx >= act->nitems || act->items[idx]->kind != ZW_SX_STRING)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "expected an export name");
    const zw_sx *name = act->items[idx++];
    zwasm_extern_t ext;
    if (!zwasm_instance_export(inst, name->text, name->len, &ext))
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "no export \"%.*s\"",
                          printable_len(name->len), name->text);
    if (is_get) {
        if (ext.kind != ZWASM_EXTERN_GLOBAL)
            return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "export \"%.*s\" is not a global",
                              printable_len(name->len), name->text);
        out->v = calloc(1, sizeof *out->v);
        if (!out->v) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        zwasm_global_get(ext.of.global, out->v);
        out->n = 1;
        return ZWASM_OK;
    }
    if (ext.kind != ZWASM_EXTERN_FUNC)
        return zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "export \"%.*s\" is not a function",
                          printable_len(name->len), name->text);
    uint32_t nargs = act->nitems - idx;
    zwasm_val_t *args = zw_calloc(NULL, nargs + 1, sizeof *args);
    zwasm_functype_t ft;
    zwasm_func_type(ext.of.func, &ft);
    out->v = zw_calloc(NULL, ft.nresults + 1, sizeof *out->v);
    if (!args || !out->v) {
        free(args);
        free(out->v);
        out->v = NULL;
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    zwasm_result_t r = ZWASM_OK;
    for (uint32_t i = 0; i < nargs && r == ZWASM_OK; i++) {
        zw_wvalue w;
        memset(&w, 0, sizeof w);
        r = zw_wast_parse_value(act->items[idx + i], false, &w, err);
        if (r == ZWASM_OK && !wvalue_to_val(s->store, &w, &args[i]))
            r = zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "argument %" PRIu32 " is not a constant", i);
        zw_wvalue_free(&w);
    }
    if (r == ZWASM_OK && nargs != ft.nparams)
        r = zw_err_set(err, ZWASM_ERR_ARG, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                       "\"%.*s\" expects %" PRIu32 " arguments, got %" PRIu32,
                       printable_len(name->len), name->text, ft.nparams, nargs);
    if (r == ZWASM_OK) r = zwasm_func_call(s->store, ext.of.func, args, nargs, out->v, ft.nresults, err);
    free(args);
    if (r != ZWASM_OK) {
        free(out->v);
        out->v = NULL;
        return r;
    }
    out->n = ft.nresults;
    return ZWASM_OK;
}

/* "TRAP: message" / "INVALID: message" for failure texts. */
static void format_error(char *buf, size_t len, zwasm_result_t r, const zwasm_error_t *err) {
    if (r == ZWASM_ERR_TRAP)
        snprintf(buf, len, "trap \"%s\"", err->message);
    else if (err->offset != ZWASM_NO_OFFSET)
        snprintf(buf, len, "%s at offset 0x%" PRIx64 ": %s", result_word(r), err->offset, err->message);
    else
        snprintf(buf, len, "%s: %s", result_word(r), err->message);
}

/* A trap message matches when it (or the kind's canonical text) contains
 * the expected text. */
static bool trap_matches(const zwasm_error_t *err, const char *expect) {
    if (strstr(err->message, expect)) return true;
    return err->trap != ZWASM_TRAP_NONE && strstr(zw_trap_message(err->trap), expect) != NULL;
}

static const char *expected_text(const zw_sx *cmd, uint32_t i) {
    if (i < cmd->nitems && cmd->items[i]->kind == ZW_SX_STRING) return cmd->items[i]->text;
    return "";
}

/* A command that must succeed: pass, or fail with "WHAT (expected success, got ERROR)". */
static void expect_success(script *s, uint32_t line, const char *what, zwasm_result_t r,
                           const zwasm_error_t *err) {
    if (r == ZWASM_OK) {
        PASS(s, line);
        return;
    }
    char e[400];
    format_error(e, sizeof e, r, err);
    FAIL(s, line, "%s (expected success, got %s)", what, e);
}

/* An action or instantiation that must trap and did not succeed: pass when
 * it trapped as expected (exhaustion: call stack exhausted; else the
 * message matches). */
static void expect_trap(script *s, uint32_t line, const char *kw, const char *expect,
                        bool exhaustion, zwasm_result_t r, const zwasm_error_t *err) {
    if (r != ZWASM_ERR_TRAP) {
        char e[400];
        format_error(e, sizeof e, r, err);
        FAIL(s, line, "%s: not a trap (expected trap \"%s\", got %s)", kw, expect, e);
    } else if (exhaustion ? err->trap == ZWASM_TRAP_STACK_EXHAUSTED : trap_matches(err, expect)) {
        PASS(s, line);
    } else {
        FAIL(s, line, "%s: wrong trap (expected \"%s\", got \"%s\")", kw, expect, err->message);
    }
}

/* The expected values of assert_return, or "nothing". */
static void format_expected(strbuf *b, const zw_wvalue *exp, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) {
        if (i) sb_printf(b, " ");
        format_wvalue(b, &exp[i]);
    }
    if (!n) sb_printf(b, "nothing");
}

/* ---- commands ------------------------------------------------------------------------- */
/* (module definition $id? ...): compile the module only, for later
 * (module instance $inst? $def?) commands. */
static void cmd_module_definition(script *s, const zw_sx *cmd) {
    zwasm_error_t err = {0};
    char *id = NULL;
    zwasm_module_t *m;
    zwasm_result_t r = compile_module(s, cmd, &m, &id, &err);
    if (r == ZWASM_OK && !ZW_VEC_PUSH(NULL, &s->defs, ((definition){id, m}))) {
        r = zw_err_set(&err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
        free(id);
    } else if (r != ZWASM_OK) {
        free(id);
    }
    expect_success(s, cmd->line, "module definition failed to load", r, &err);
}

static void cmd_module_instance(script *s, const zw_sx *cmd) {
    const char *inst_id = NULL, *def_id = NULL;
    if (cmd->nitems > 2 && cmd->items[2]->kind == ZW_SX_ATOM && cmd->items[2]->text[0] == '$')
        inst_id = cmd->items[2]->text;
    if (cmd->nitems > 3 && cmd->items[3]->kind == ZW_SX_ATOM && cmd->items[3]->text[0] == '$')
        def_id = cmd->items[3]->text;
    const definition *d = NULL;
    for (uint32_t i = s->defs.n; i-- > 0 && !d;)
        if (!def_id || (s->defs.v[i].name && !strcmp(s->defs.v[i].name, def_id))) d = &s->defs.v[i];
    if (!d) {
        FAIL(s, cmd->line, "module instance: no module definition %s", def_id ? def_id : "");
        return;
    }
    zwasm_error_t err = {0};
    zwasm_instance_t *inst;
    zwasm_result_t r = instantiate(s, d->module, &inst, &err);
    s->current = r == ZWASM_OK ? inst : NULL;
    if (r == ZWASM_OK && inst_id && !add_binding(&s->ids, inst_id, strlen(inst_id), inst))
        r = zw_err_set(&err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    expect_success(s, cmd->line, "module instance failed", r, &err);
}

static void cmd_module(script *s, const zw_sx *cmd) {
    if (cmd->nitems > 1 && is_atom(cmd->items[1], "definition")) {
        cmd_module_definition(s, cmd);
        return;
    }
    if (cmd->nitems > 1 && is_atom(cmd->items[1], "instance")) {
        cmd_module_instance(s, cmd);
        return;
    }
    zwasm_error_t err = {0};
    char *id = NULL;
    zwasm_instance_t *inst;
    zwasm_result_t r = load_module(s, cmd, &id, &inst, &err);
    s->current = inst;
    if (id && !add_binding(&s->ids, id, strlen(id), inst))
        r = zw_err_set(&err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    free(id);
    expect_success(s, cmd->line, "module failed to load", r, &err);
}

static void cmd_register(script *s, const zw_sx *cmd) {
    if (cmd->nitems < 2 || cmd->items[1]->kind != ZW_SX_STRING) {
        FAIL(s, cmd->line, "register: expected a name string");
        return;
    }
    zwasm_error_t err = {0};
    uint32_t idx = 2;
    zwasm_instance_t *inst = lookup_instance(s, cmd, &idx, &err);
    if (!inst) {
        FAIL(s, cmd->line, "register: %s", err.message);
        return;
    }
    if (!add_binding(&s->registered, cmd->items[1]->text, cmd->items[1]->len, inst))
        FAIL(s, cmd->line, "register: out of memory");
}

static void cmd_invoke(script *s, const zw_sx *cmd) {
    zwasm_error_t err = {0};
    vals res;
    zwasm_result_t r = do_action(s, cmd, &res, &err);
    free(res.v);
    expect_success(s, cmd->line, "invoke failed", r, &err);
}

static void cmd_assert_return(script *s, const zw_sx *cmd) {
    if (cmd->nitems < 2) {
        FAIL(s, cmd->line, "assert_return: missing action");
        return;
    }
    zwasm_error_t err = {0};
    uint32_t nexp = cmd->nitems - 2;
    zw_wvalue *exp = zw_calloc(NULL, nexp + 1, sizeof *exp);
    if (!exp) {
        FAIL(s, cmd->line, "assert_return: out of memory");
        return;
    }
    uint32_t parsed = 0;
    zwasm_result_t r = ZWASM_OK;
    for (; parsed < nexp && r == ZWASM_OK; parsed++)
        r = zw_wast_parse_value(cmd->items[2 + parsed], true, &exp[parsed], &err);
    if (r != ZWASM_OK) {
        FAIL(s, cmd->line, "assert_return: cannot parse expected result: %s", err.message);
        goto out;
    }
    vals res;
    r = do_action(s, cmd->items[1], &res, &err);
    if (r != ZWASM_OK) {
        char e[400], x[600];
        strbuf xb = {x, sizeof x, 0};
        x[0] = 0;
        format_expected(&xb, exp, nexp);
        format_error(e, sizeof e, r, &err);
        FAIL(s, cmd->line, "assert_return failed (expected %s, got %s)", x, e);
        goto out;
    }
    bool ok = res.n == nexp;
    for (uint32_t i = 0; ok && i < nexp; i++) ok = match_value(&exp[i], &res.v[i]);
    if (ok) {
        PASS(s, cmd->line);
    } else {
        char x[900], g[900];
        strbuf xb = {x, sizeof x, 0}, gb = {g, sizeof g, 0};
        x[0] = g[0] = 0;
        format_expected(&xb, exp, nexp);
        format_vals(&gb, res.v, res.n);
        FAIL(s, cmd->line, "wrong result (expected %s, got %s)", x, g);
    }
    free(res.v);
out:
    for (uint32_t i = 0; i < parsed; i++) zw_wvalue_free(&exp[i]);
    free(exp);
}

/* assert_trap / assert_exhaustion on an action. */
static void assert_action_traps(script *s, const zw_sx *cmd, bool exhaustion) {
    const char *kw = exhaustion ? "assert_exhaustion" : "assert_trap";
    const char *expect = expected_text(cmd, 2);
    zwasm_error_t err = {0};
    vals res;
    zwasm_result_t r = do_action(s, cmd->items[1], &res, &err);
    if (r == ZWASM_OK) {
        char g[900];
        strbuf gb = {g, sizeof g, 0};
        g[0] = 0;
        format_vals(&gb, res.v, res.n);
        free(res.v);
        FAIL(s, cmd->line, "%s: no trap (expected trap \"%s\", got %s)", kw, expect, g);
        return;
    }
    expect_trap(s, cmd->line, kw, expect, exhaustion, r, &err);
}

/* assert_exception: the action or the module's instantiation throws an
 * exception that is not caught. */
static void assert_exception(script *s, const zw_sx *cmd) {
    zwasm_error_t err = {0};
    zwasm_result_t r;
    vals res = {0};
    if (is_atom(cmd->items[1]->nitems ? cmd->items[1]->items[0] : NULL, "module")) {
        zwasm_instance_t *inst;
        r = load_module(s, cmd->items[1], NULL, &inst, &err);
    } else {
        r = do_action(s, cmd->items[1], &res, &err);
    }
    if (r == ZWASM_ERR_EXCEPTION) {
        PASS(s, cmd->line);
    } else if (r == ZWASM_OK) {
        char g[900];
        strbuf gb = {g, sizeof g, 0};
        g[0] = 0;
        format_vals(&gb, res.v, res.n);
        FAIL(s, cmd->line, "assert_exception: no exception (got %s)", res.n ? g : "nothing");
    } else {
        char e[400];
        format_error(e, sizeof e, r, &err);
        FAIL(s, cmd->line, "assert_exception: expected an exception, got %s", e);
    }
    free(res.v);
}

/* assert_trap / assert_uninstantiable on a module form: instantiation traps. */
static void assert_module_traps(script *s, const zw_sx *cmd, const char *kw) {
    const char *expect = expected_text(cmd, 2);
    zwasm_error_t err = {0};
    zwasm_instance_t *inst;
    zwasm_result_t r = load_module(s, cmd->items[1], NULL, &inst, &err);
    if (r == ZWASM_OK)
        FAIL(s, cmd->line, "%s: module instantiated (expected trap \"%s\")", kw, expect);
    else
        expect_trap(s, cmd->line, kw, expect, false, r, &err);
}

/* assert_malformed / assert_invalid: the module must fail to load in the
 * right phase.  assert_malformed: MALFORMED, from the text encoder (a text
 * that does not encode is malformed) or from the binary decoder.
 * assert_invalid: the text encodes and the binary decodes, and validation
 * refuses it with INVALID.  Any other outcome fails, naming the expected and
 * the actual code and phase.  (A differing message is only a -v note.) */
static void assert_module_fails(script *s, const zw_sx *cmd, zwasm_result_t want, const char *kw) {
    const char *expect = expected_text(cmd, 2);
    zwasm_error_t err = {0};
    zwasm_module_t *m;
    bool text_phase;
    zwasm_result_t r = encode_and_compile(s, cmd->items[1], &m, NULL, &text_phase, &err);
    if (r == ZWASM_OK) {
        zwasm_module_delete(m);
        FAIL(s, cmd->line, "%s: module loaded (expected %s \"%s\")", kw, result_word(want), expect);
        return;
    }
    const char *phase = text_phase ? "text" : r == ZWASM_ERR_MALFORMED ? "binary decoding"
                        : r == ZWASM_ERR_INVALID ? "validation" : "loading";
    if (r != want || (text_phase && want != ZWASM_ERR_MALFORMED)) {
        char e[400];
        format_error(e, sizeof e, r, &err);
        FAIL(s, cmd->line, "%s: wrong phase: expected %s \"%s\" from %s, got %s (%s phase)", kw,
             result_word(want), expect,
             want == ZWASM_ERR_INVALID ? "validation" : "the text or binary decoder", e, phase);
        return;
    }
    PASS(s, cmd->line);
    if (s->opts->verbose && !strstr(err.message, expect))
        emit(s, 'N', cmd->line, "note: %s expected \"%s\", got \"%s\" (%s phase)", kw, expect,
             err.message, phase);
}

static void assert_unlinkable(script *s, const zw_sx *cmd) {
    const char *expect = expected_text(cmd, 2);
    zwasm_error_t err = {0};
    zwasm_instance_t *inst;
    zwasm_result_t r = load_module(s, cmd->items[1], NULL, &inst, &err);
    if (r == ZWASM_ERR_LINK) {
        PASS(s, cmd->line);
        if (s->opts->verbose && !strstr(err.message, expect))
            emit(s, 'N', cmd->line, "note: assert_unlinkable expected \"%s\", got \"%s\"", expect, err.message);
    } else if (r == ZWASM_OK) {
        FAIL(s, cmd->line, "assert_unlinkable: module linked (expected \"%s\")", expect);
    } else {
        char e[400];
        format_error(e, sizeof e, r, &err);
        FAIL(s, cmd->line, "assert_unlinkable: wrong error (expected LINK \"%s\", got %s)", expect, e);
    }
}

/* assert_malformed_custom / assert_invalid_custom: a custom annotation
 * (@custom, @name, @metadata.code.*) is malformed or invalid.  Only an
 * engine that interprets that annotation must refuse the module; zwasm
 * skips annotations (they change no semantics), so the command passes when
 * the module loads, or is refused as malformed or invalid for a reason of
 * its own; anything else (no text, out of memory) fails. */
static void assert_custom(script *s, const zw_sx *cmd, const char *kw) {
    zwasm_error_t err = {0};
    zwasm_module_t *m;
    bool text_phase;
    zwasm_result_t r = encode_and_compile(s, cmd->items[1], &m, NULL, &text_phase, &err);
    if (r == ZWASM_OK) zwasm_module_delete(m);
    if (r == ZWASM_OK || r == ZWASM_ERR_MALFORMED || r == ZWASM_ERR_INVALID) {
        PASS(s, cmd->line);
        return;
    }
    char e[400];
    format_error(e, sizeof e, r, &err);
    FAIL(s, cmd->line, "%s: the module failed otherwise: %s", kw, e);
}

static void run_command(script *s, const zw_sx *cmd) {
    if (cmd->kind != ZW_SX_LIST || cmd->nitems == 0 || cmd->items[0]->kind != ZW_SX_ATOM) {
        FAIL(s, cmd->line, "expected a command");
        return;
    }
    const char *kw = cmd->items[0]->text;
    bool has_arg = cmd->nitems >= 2 && cmd->items[1]->kind == ZW_SX_LIST;
    if (strcmp(kw, "module") == 0) {
        cmd_module(s, cmd);
    } else if (strcmp(kw, "register") == 0) {
        cmd_register(s, cmd);
    } else if (strcmp(kw, "invoke") == 0 || strcmp(kw, "get") == 0) {
        cmd_invoke(s, cmd);
    } else if (strcmp(kw, "assert_return") == 0) {
        cmd_assert_return(s, cmd);
    } else if (!has_arg) {
        FAIL(s, cmd->line, "%s: expected a module or action form", kw);
    } else if (strcmp(kw, "assert_trap") == 0) {
        if (is_atom(cmd->items[1]->nitems ? cmd->items[1]->items[0] : NULL, "module"))
            assert_module_traps(s, cmd, kw);
        else
            assert_action_traps(s, cmd, false);
    } else if (strcmp(kw, "assert_exception") == 0) {
        assert_exception(s, cmd);
    } else if (strcmp(kw, "assert_exhaustion") == 0) {
        assert_action_traps(s, cmd, true);
    } else if (strcmp(kw, "assert_uninstantiable") == 0) {
        assert_module_traps(s, cmd, kw);
    } else if (strcmp(kw, "assert_invalid") == 0) {
        assert_module_fails(s, cmd, ZWASM_ERR_INVALID, kw);
    } else if (strcmp(kw, "assert_malformed") == 0) {
        assert_module_fails(s, cmd, ZWASM_ERR_MALFORMED, kw);
    } else if (strcmp(kw, "assert_unlinkable") == 0) {
        assert_unlinkable(s, cmd);
    } else if (strcmp(kw, "assert_malformed_custom") == 0 || strcmp(kw, "assert_invalid_custom") == 0) {
        assert_custom(s, cmd, kw);
    } else {
        FAIL(s, cmd->line, "unsupported command %s", kw);
    }
}

/* A script made only of module fields, e.g. "(func) (memory 0)", is one
 * inline module (as in inline-module.wast). */
static bool is_inline_module(const zw_sx *top) {
    static const char *const fields[] = {"type", "import", "func", "table", "memory", "global",
                                         "export", "start", "elem", "data", "tag"};
    if (top->nitems == 0) return false;
    const zw_sx *f = top->items[0];
    if (f->kind != ZW_SX_LIST || f->nitems == 0 || f->items[0]->kind != ZW_SX_ATOM) return false;
    for (size_t i = 0; i < ZW_ARRAY_LEN(fields); i++)
        if (strcmp(f->items[0]->text, fields[i]) == 0) return true;
    return false;
}

static void run_inline_module(script *s, const char *src, size_t len, uint32_t line) {
    zwasm_error_t err = {0};
    zw_buf bin = {0};
    zwasm_module_t *m = NULL;
    zwasm_instance_t *inst = NULL;
    zwasm_result_t r = zw_wat_compile(src, len, &bin, &err);
    if (r == ZWASM_OK) r = zwasm_module_new(s->engine, bin.data, bin.len, &m, &err);
    zw_buf_free(&bin);
    if (r == ZWASM_OK && !ZW_VEC_PUSH(NULL, &s->modules, m)) {
        zwasm_module_delete(m);
        r = zw_err_set(&err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    if (r == ZWASM_OK) r = instantiate(s, m, &inst, &err);
    expect_success(s, line, "inline module failed to load", r, &err);
}

/* Run one script file; reports go to s->out_fd or s->ft. */
static void run_script(const wast_opts *o, const char *path, int out_fd, file_tally *ft,
                       volatile uint32_t *cur_line) {
    script s = {.opts = o, .path = path, .out_fd = out_fd, .ft = ft, .cur_line = cur_line,
                .cur_kw = "?"};
    uint8_t *data = NULL;
    size_t len;
    zwasm_error_t err = {0};
    zw_sx *top = NULL;
    if (!cli_read_file(path, &data, &len, &err)) {
        FAIL(&s, 0, "cannot read script: %s", err.message);
        return;
    }
    top = zw_sx_parse((const char *)data, len, &err);
    if (!top) {
        /* text errors start with "LINE:COL: " */
        FAIL(&s, (uint32_t)strtoul(err.message, NULL, 10), "cannot parse script: %s", err.message);
        goto out;
    }
    s.engine = zwasm_engine_new(&o->cfg);
    s.store = s.engine ? zwasm_store_new(s.engine) : NULL;
    s.spectest = s.store ? cli_spectest_new(s.store, o->verbose) : NULL;
    if (!s.spectest) {
        FAIL(&s, 0, "cannot create the engine, store or spectest module");
        goto out;
    }
    if (is_inline_module(top)) {
        if (cur_line) *cur_line = top->items[0]->line;
        s.cur_kw = "module";
        run_inline_module(&s, (const char *)data, len, top->items[0]->line);
        goto out;
    }
    for (uint32_t i = 0; i < top->nitems; i++) {
        const zw_sx *cmd = top->items[i];
        if (cur_line) *cur_line = cmd->line;
        known_entry *ke = find_known(o, path, cmd->line);
        if (ke && ke->skip) {
            emit(&s, 'S', cmd->line, "%s", ke->reason);
            continue;
        }
        s.cur_kw = cmd->kind == ZW_SX_LIST && cmd->nitems && cmd->items[0]->kind == ZW_SX_ATOM
                       ? cmd->items[0]->text : "?";
        run_command(&s, cmd);
    }
out:
    if (s.store) zwasm_store_delete(s.store);
    for (uint32_t i = 0; i < s.modules.n; i++) zwasm_module_delete(s.modules.v[i]);
    ZW_VEC_FREE(NULL, &s.modules);
    for (uint32_t i = 0; i < s.ids.n; i++) free(s.ids.v[i].name);
    ZW_VEC_FREE(NULL, &s.ids);
    for (uint32_t i = 0; i < s.registered.n; i++) free(s.registered.v[i].name);
    ZW_VEC_FREE(NULL, &s.registered);
    for (uint32_t i = 0; i < s.defs.n; i++) free(s.defs.v[i].name);
    ZW_VEC_FREE(NULL, &s.defs);
    if (s.spectest) cli_spectest_free(s.spectest);
    if (s.engine) zwasm_engine_delete(s.engine);
    zw_sx_free(top);
    free(data);
}

/* ---- isolation: one child process per script ------------------------------------------- */
static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Parse "T LINE TEXT" records from buf[0..*len); keeps a partial last line. */
static void consume_records(file_tally *ft, char *buf, size_t *len) {
    size_t start = 0;
    for (;;) {
        char *nl = memchr(buf + start, '\n', *len - start);
        if (!nl) break;
        *nl = 0;
        char *rec = buf + start;
        start = (size_t)(nl - buf) + 1;
        if (rec[0] == 0 || rec[1] != ' ') continue;
        char *end;
        unsigned long line = strtoul(rec + 2, &end, 10);
        if (*end == ' ') end++;
        tally_record(ft, rec[0], (uint32_t)line, end);
    }
    memmove(buf, buf + start, *len - start);
    *len -= start;
}

static void run_file_forked(const wast_opts *o, const char *path, file_tally *ft) {
    int fds[2];
    volatile uint32_t *cur_line = mmap(NULL, sizeof(uint32_t), PROT_READ | PROT_WRITE,
                                       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (cur_line == MAP_FAILED || pipe(fds) != 0) {
        if (cur_line != MAP_FAILED) munmap((void *)cur_line, sizeof(uint32_t));
        run_script(o, path, -1, ft, NULL); /* no isolation available */
        return;
    }
    *cur_line = 0;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        munmap((void *)cur_line, sizeof(uint32_t));
        run_script(o, path, -1, ft, NULL);
        return;
    }
    if (pid == 0) {
        close(fds[0]);
        run_script(o, path, fds[1], NULL, cur_line);
        close(fds[1]);
        /* exit, not _exit: flush stdio and let leak checkers run in the child
         * (a non-zero status is reported as a failure by the parent) */
        exit(0);
    }
    close(fds[1]);
    char buf[8192 + 2200];
    size_t len = 0;
    bool timed_out = false;
    double deadline = o->timeout ? now_seconds() + o->timeout : 0;
    for (;;) {
        int wait_ms = -1;
        if (o->timeout) {
            double left = deadline - now_seconds();
            if (left <= 0) { timed_out = true; break; }
            wait_ms = (int)(left * 1000) + 1;
        }
        struct pollfd pfd = {.fd = fds[0], .events = POLLIN};
        int pr = poll(&pfd, 1, wait_ms);
        if (pr < 0 && errno == EINTR) continue;
        if (pr < 0) break;
        if (pr == 0) continue; /* deadline is checked at the top */
        ssize_t n = read(fds[0], buf + len, sizeof buf - len - 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        len += (size_t)n;
        consume_records(ft, buf, &len);
        if (len >= sizeof buf - 1) len = 0; /* an over-long record: drop it */
    }
    if (timed_out) kill(pid, SIGKILL);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    uint32_t line = *cur_line;
    if (timed_out) {
        char text[128];
        snprintf(text, sizeof text, "timed out after %u s; the rest of the script was not run",
                 o->timeout);
        tally_record(ft, 'F', line, text);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char *why = strsignal(sig);
        char text[256];
        snprintf(text, sizeof text, "crashed with signal %d (%s); the rest of the script was not run",
                 sig, why ? why : "?");
        tally_record(ft, 'F', line, text);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
        char text[128];
        snprintf(text, sizeof text, "script process exited with status %d", WEXITSTATUS(status));
        tally_record(ft, 'F', line, text);
    }
    munmap((void *)cur_line, sizeof(uint32_t));
}

int cli_wast_main(int argc, char **argv) {
    wast_opts o = {.fork = true, .timeout = 300};
    zwasm_config_init(&o.cfg);
    int i = 0, status;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-') break;
        if (strcmp(a, "--") == 0) { i++; break; }
        if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            o.verbose = true;
        } else if (strcmp(a, "--no-fork") == 0) {
            o.fork = false;
        } else if (strcmp(a, "--engine") == 0 && i + 1 < argc) {
            const char *e = argv[++i];
            if (strcmp(e, "interp") != 0 && strcmp(e, "jit") != 0 && strcmp(e, "auto") != 0) {
                char ee[256];
                fprintf(stderr, "zwasm: unknown engine '%s' (expected auto, jit or interp)\n", cli_esc(ee, sizeof ee, e));
                status = CLI_EXIT_USAGE;
                goto out;
            }
            o.cfg.engine = strcmp(e, "jit") == 0 ? ZWASM_ENGINE_JIT
                           : strcmp(e, "auto") == 0 ? ZWASM_ENGINE_AUTO : ZWASM_ENGINE_INTERP;
        } else if (strcmp(a, "--wasm") == 0 && i + 1 < argc) {
            if (!cli_wasm_features(argv[++i], &o.cfg.features)) {
                char ve[256];
                fprintf(stderr, "zwasm: unknown WebAssembly version '%s' (expected " CLI_WASM_VERSIONS ")\n",
                        cli_esc(ve, sizeof ve, argv[i]));
                status = CLI_EXIT_USAGE;
                goto out;
            }
        } else if (strcmp(a, "--known-failures") == 0 && i + 1 < argc) {
            if (!load_known(&o, argv[++i])) {
                status = CLI_EXIT_USAGE;
                goto out;
            }
        } else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
            char *end;
            const char *v = argv[++i];
            unsigned long t = strtoul(v, &end, 10);
            if (!*v || *end || v[0] == '-' || t > 86400) {
                char ve[256];
                fprintf(stderr, "zwasm: --timeout expects seconds (0..86400), got '%s'\n",
                        cli_esc(ve, sizeof ve, v));
                status = CLI_EXIT_USAGE;
                goto out;
            }
            o.timeout = (unsigned)t;
        } else {
            char ae[256];
            fprintf(stderr, "zwasm: unknown option '%s' for wast, or missing its value (see zwasm --help)\n",
                    cli_esc(ae, sizeof ae, a));
            status = CLI_EXIT_USAGE;
            goto out;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "zwasm: wast: no script files given (see zwasm --help)\n");
        status = CLI_EXIT_USAGE;
        goto out;
    }
    tally total = {0};
    for (; i < argc; i++) {
        tally t = {0};
        char shown[1024];
        file_tally ft = {.opts = &o, .path = argv[i], .shown = cli_esc(shown, sizeof shown, argv[i]),
                         .t = &t};
        if (o.fork)
            run_file_forked(&o, argv[i], &ft);
        else
            run_script(&o, argv[i], -1, &ft, NULL);
        check_stale(&ft);
        if (t.skipped)
            printf("%s: %" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", shown,
                   t.passed, t.failed, t.skipped);
        else
            printf("%s: %" PRIu64 " passed, %" PRIu64 " failed\n", shown, t.passed, t.failed);
        fflush(stdout);
        total.passed += t.passed;
        total.failed += t.failed;
        total.skipped += t.skipped;
    }
    if (total.skipped)
        printf("%" PRIu64 " passed, %" PRIu64 " failed, %" PRIu64 " skipped\n", total.passed,
               total.failed, total.skipped);
    else
        printf("%" PRIu64 " passed, %" PRIu64 " failed\n", total.passed, total.failed);
    fflush(stdout);
    status = total.failed ? CLI_EXIT_ERROR : CLI_EXIT_OK;
out:
    free_known(&o);
    return status;
}
