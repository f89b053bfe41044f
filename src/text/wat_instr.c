/*
 * wat_instr.c — instructions of the text format, flat and folded, encoded
 * to the binary format.  Mnemonics and immediate kinds come from
 * zw_opinfos[] (opcodes.def); only the structured control instructions
 * (block/loop/if/else/end, try_table with its catch clauses, the legacy
 * try/catch/catch_all/delegate), select's optional result and the text-level
 * immediate syntaxes (heap and reference types, struct field names,
 * br_on_cast's flags) are handled specially.  Folded instructions are walked
 * with an explicit stack of frames (zw_wt_instrs), not by recursion, so
 * nesting as deep as the reader allows (ZW_SX_MAX_DEPTH) needs no C stack.
 */
#include <stdio.h>

#include "opcodes.h"
#include "text/wat_internal.h"

/* ---- opcode lookup --------------------------------------------------------------- */
static uint32_t op_hash(const char *s) {
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}

void zw_wt_ophash_init(wt_mod *m) {
    memset(m->ophash, 0, sizeof m->ophash);
    for (uint32_t op = 0; op < ZW_OP_COUNT; op++) {
        uint32_t j = op_hash(zw_opinfos[op].text) & (WT_OPHASH - 1);
        bool dup = false;
        while (m->ophash[j]) {
            if (!strcmp(zw_opinfos[m->ophash[j] - 1].text, zw_opinfos[op].text)) dup = true;
            j = (j + 1) & (WT_OPHASH - 1);
        }
        if (!dup) m->ophash[j] = (uint16_t)(op + 1); /* keep the first (select) */
    }
}

static int op_find(const wt_mod *m, const char *text) {
    for (uint32_t j = op_hash(text) & (WT_OPHASH - 1); m->ophash[j]; j = (j + 1) & (WT_OPHASH - 1))
        if (!strcmp(zw_opinfos[m->ophash[j] - 1].text, text)) return m->ophash[j] - 1;
    return -1;
}

static void emit_op(zw_buf *b, int op) {
    const zw_opinfo *oi = &zw_opinfos[op];
    if (oi->prefix) {
        zw_buf_byte(b, oi->prefix);
        zw_buf_uleb(b, oi->code);
    } else {
        zw_buf_byte(b, (uint8_t)oi->code);
    }
}

void zw_wt_func_free(wt_func *f) {
    zw_wt_names_free(&f->locals);
    ZW_VEC_FREE(NULL, &f->labels);
}

/* ---- immediates ------------------------------------------------------------------- */
static const zw_sx *item(zw_sx *const *items, uint32_t n, uint32_t i) {
    return i < n ? items[i] : NULL;
}

static bool label_idx(wt_func *f, const zw_sx *s, uint32_t *out) {
    if (zw_wt_is_id(s)) {
        for (uint32_t i = f->labels.n; i-- > 0;)
            if (f->labels.v[i].id && !strcmp(f->labels.v[i].id, s->text)) {
                *out = f->labels.n - 1 - i;
                return true;
            }
        return zw_wt_fail(f->m, s, "unknown label %s", s->text);
    }
    return zw_wt_u32(f->m, s, out);
}

static bool local_idx(wt_func *f, const zw_sx *s, uint32_t *out) {
    if (zw_wt_is_id(s)) {
        if (!zw_wt_names_get(&f->locals, s->text, out))
            return zw_wt_fail(f->m, s, "unknown local %s", s->text);
        return true;
    }
    return zw_wt_u32(f->m, s, out);
}

/* Whether items[i] is a memory index before a memarg: an identifier, or a
 * number followed by a memarg field or (with a lane) another number. */
static bool memidx_first(zw_sx *const *items, uint32_t n, uint32_t i, bool lane) {
    const zw_sx *s = item(items, n, i), *t = item(items, n, i + 1);
    if (!zw_wt_is_idx(s)) return false;
    if (s->text[0] == '$') return true;
    if (!lane) return true;
    return t && t->kind == ZW_SX_ATOM &&
           (!strncmp(t->text, "offset=", 7) || !strncmp(t->text, "align=", 6) || zw_wt_is_idx(t));
}

/* [memory index] [offset=N] [align=N]: flags (bit 6 when a memory other
 * than 0 is named, then its index), offset */
static bool memarg(wt_func *f, int op, zw_sx *const *items, uint32_t n, uint32_t *i, zw_buf *b) {
    uint64_t offset = 0, align = zw_opinfos[op].access; /* natural alignment */
    uint32_t mem = 0;
    if (memidx_first(items, n, *i, zw_opinfos[op].imm == IMM_MEMARG_LANE)) {
        if (!zw_wt_idx(f->m, WT_MEM, items[*i], &mem)) return false;
        ++*i;
    }
    const zw_sx *s = item(items, n, *i);
    if (s && s->kind == ZW_SX_ATOM && !strncmp(s->text, "offset=", 7)) {
        zw_num_res r = zw_num_uint(s->text + 7, UINT64_MAX, &offset); /* the validator bounds it */
        if (r != ZW_NUM_OK) return zw_wt_fail(f->m, s, "%s", zw_num_msg(r));
        s = item(items, n, ++*i);
    }
    if (s && s->kind == ZW_SX_ATOM && !strncmp(s->text, "align=", 6)) {
        zw_num_res r = zw_num_uint(s->text + 6, UINT64_MAX, &align); /* the validator bounds it */
        if (r != ZW_NUM_OK) return zw_wt_fail(f->m, s, "%s", zw_num_msg(r));
        if (!align || (align & (align - 1)))
            return zw_wt_fail(f->m, s, "alignment must be a power of two");
        ++*i;
    }
    uint32_t a = 0;
    while (a < 63 && ((uint64_t)1 << a) < align) a++;
    if (mem) {
        zw_buf_uleb(b, a | 0x40);
        zw_buf_uleb(b, mem);
    } else {
        zw_buf_uleb(b, a);
    }
    zw_buf_uleb(b, offset);
    return true;
}

/* An optional memory index (0 when absent). */
static bool opt_memidx(wt_mod *m, zw_sx *const *items, uint32_t n, uint32_t *i, uint32_t *out) {
    *out = 0;
    const zw_sx *s = item(items, n, *i);
    if (!zw_wt_is_idx(s)) return true;
    ++*i;
    return zw_wt_idx(m, WT_MEM, s, out);
}

static bool lane_u8(wt_func *f, const zw_sx *s, zw_buf *b) {
    uint64_t v;
    if (!s || s->kind != ZW_SX_ATOM) return zw_wt_fail(f->m, s, "unexpected token, expected a lane index");
    zw_num_res r = zw_num_uint(s->text, 255, &v);
    if (r != ZW_NUM_OK) return zw_wt_fail(f->m, s, "malformed lane index");
    zw_buf_byte(b, (uint8_t)v);
    return true;
}

static void put_le(zw_buf *b, uint64_t v, unsigned bytes) {
    for (unsigned k = 0; k < bytes; k++) zw_buf_byte(b, (uint8_t)(v >> (8 * k)));
}

static bool num_atom(wt_func *f, const zw_sx *s, char kind, unsigned bits, zw_buf *b) {
    if (!s || s->kind != ZW_SX_ATOM) return zw_wt_fail(f->m, s, "unexpected token, expected a number");
    zw_num_res r;
    if (kind == 'i') {
        uint64_t v;
        r = zw_num_int(s->text, bits, &v);
        if (r == ZW_NUM_OK) {
            if (bits == 32) zw_buf_sleb(b, (int32_t)(uint32_t)v);
            else if (bits == 64) zw_buf_sleb(b, (int64_t)v);
            else put_le(b, v, bits / 8);
        }
    } else if (bits == 32) {
        uint32_t v;
        r = zw_num_f32(s->text, &v);
        if (r == ZW_NUM_OK) put_le(b, v, 4);
    } else {
        uint64_t v;
        r = zw_num_f64(s->text, &v);
        if (r == ZW_NUM_OK) put_le(b, v, 8);
    }
    if (r != ZW_NUM_OK) return zw_wt_fail(f->m, s, "%s", zw_num_msg(r));
    return true;
}

static bool v128_const(wt_func *f, zw_sx *const *items, uint32_t n, uint32_t *i, zw_buf *b) {
    static const struct { const char *name; char kind; unsigned bits, lanes; } shapes[] = {
        {"i8x16", 'i', 8, 16}, {"i16x8", 'i', 16, 8}, {"i32x4", 'i', 32, 4},
        {"i64x2", 'i', 64, 2}, {"f32x4", 'f', 32, 4}, {"f64x2", 'f', 64, 2},
    };
    const zw_sx *s = item(items, n, *i);
    for (size_t k = 0; k < ZW_ARRAY_LEN(shapes); k++) {
        if (!zw_wt_is_atom(s, shapes[k].name)) continue;
        ++*i;
        for (unsigned l = 0; l < shapes[k].lanes; l++) {
            const zw_sx *v = item(items, n, *i);
            if (!v || v->kind != ZW_SX_ATOM) return zw_wt_fail(f->m, v ? v : s, "wrong number of lane literals");
            if (shapes[k].kind == 'i') {
                uint64_t x;
                zw_num_res r = zw_num_int(v->text, shapes[k].bits, &x);
                if (r != ZW_NUM_OK) return zw_wt_fail(f->m, v, "%s", zw_num_msg(r));
                put_le(b, x, shapes[k].bits / 8);
            } else if (!num_atom(f, v, 'f', shapes[k].bits, b)) {
                return false;
            }
            ++*i;
        }
        return true;
    }
    return zw_wt_fail(f->m, s, "unexpected token, expected a v128 shape");
}

/* A struct field: a number, or a $id of type x's fields. */
static bool field_idx(wt_mod *m, uint32_t x, const zw_sx *s, uint32_t *out) {
    if (zw_wt_is_id(s)) {
        if (x >= m->types.n || !zw_wt_names_get(&m->types.v[x].fields, s->text, out))
            return zw_wt_fail(m, s, "unknown field %s", s->text);
        return true;
    }
    return zw_wt_u32(m, s, out);
}

/* ref.null heaptype; ref.test / ref.cast reftype (the row for a nullable
 * reference follows the non-null one in opcodes.def). */
static bool heaptype_imm(wt_func *f, int *opp, const zw_sx *s, uint32_t *i, zw_buf *b) {
    uint32_t ht;
    if (*opp == ZW_OP_REF_NULL) {
        if (!zw_wt_heaptype(f->m, s, &ht)) return false;
    } else {
        zw_valtype rt;
        if (!zw_wt_reftype(f->m, s, &rt)) return false;
        if (zw_ref_nullable(rt)) ++*opp;
        ht = zw_ref_heap(rt);
    }
    emit_op(b, *opp);
    zw_wt_put_heaptype(b, ht);
    ++*i;
    return true;
}

/* br_on_cast(_fail) label rt1 rt2: flags (bit 0/1: rt1/rt2 nullable),
 * label, heap types */
static bool br_on_cast(wt_func *f, int op, zw_sx *const *items, uint32_t n, uint32_t *i, zw_buf *b) {
    uint32_t l;
    zw_valtype r1, r2;
    if (!label_idx(f, item(items, n, *i), &l) || !zw_wt_reftype(f->m, item(items, n, *i + 1), &r1) ||
        !zw_wt_reftype(f->m, item(items, n, *i + 2), &r2))
        return false;
    emit_op(b, op);
    zw_buf_byte(b, (uint8_t)(zw_ref_nullable(r1) | zw_ref_nullable(r2) << 1));
    zw_buf_uleb(b, l);
    zw_wt_put_heaptype(b, zw_ref_heap(r1));
    zw_wt_put_heaptype(b, zw_ref_heap(r2));
    *i += 3;
    return true;
}

/* Parse the immediates of op at items[*i..) into b.  May change *op (select). */
static bool immediates(wt_func *f, int *opp, zw_sx *const *items, uint32_t n, uint32_t *i,
                       zw_buf *b) {
    wt_mod *m = f->m;
    int op = *opp;
    const zw_opinfo *oi = &zw_opinfos[op];
    const zw_sx *s = item(items, n, *i);
    uint32_t x, y;
    switch (oi->imm) {
    case IMM_NONE:
        if (op == ZW_OP_SELECT && zw_wt_is_list(s, "result")) {
            zw_buf tb = {0};
            uint32_t cnt = 0;
            while (zw_wt_is_list(s, "result")) {
                for (uint32_t j = 1; j < s->nitems; j++) {
                    zw_valtype t;
                    if (!zw_wt_valtype(m, s->items[j], &t)) {
                        zw_buf_free(&tb);
                        return false;
                    }
                    zw_wt_put_valtype(&tb, t);
                    cnt++;
                }
                s = item(items, n, ++*i);
            }
            *opp = ZW_OP_SELECT_T;
            emit_op(b, ZW_OP_SELECT_T);
            zw_buf_uleb(b, cnt);
            zw_buf_append(b, tb.data, tb.len);
            zw_buf_free(&tb);
            return true;
        }
        emit_op(b, op);
        return true;
    case IMM_SELECT_T:
        emit_op(b, op);
        zw_buf_uleb(b, 0);
        return true;
    case IMM_BLOCK:
    case IMM_TRY_TABLE:
        return zw_wt_fail(m, s, "internal: block immediates");
    case IMM_HEAPTYPE:
        return heaptype_imm(f, opp, s, i, b);
    case IMM_BR_ON_CAST:
        return br_on_cast(f, op, items, n, i, b);
    default:
        break;
    }
    emit_op(b, op);
    switch (oi->imm) {
    case IMM_LABEL:
        if (!label_idx(f, s, &x)) return false;
        zw_buf_uleb(b, x);
        ++*i;
        return true;
    case IMM_BRTABLE: {
        uint32_t cnt = 0;
        zw_buf tb = {0};
        while (zw_wt_is_idx(s)) {
            if (!label_idx(f, s, &x)) {
                zw_buf_free(&tb);
                return false;
            }
            zw_buf_uleb(&tb, x);
            cnt++;
            s = item(items, n, ++*i);
        }
        if (!cnt) {
            zw_buf_free(&tb);
            return zw_wt_fail(m, s, "unexpected token, expected a label");
        }
        zw_buf_uleb(b, cnt - 1);
        zw_buf_append(b, tb.data, tb.len);
        zw_buf_free(&tb);
        return true;
    }
    case IMM_FUNC:
        if (!zw_wt_idx(m, WT_FUNC, s, &x)) return false;
        zw_buf_uleb(b, x);
        ++*i;
        return true;
    case IMM_LOCAL:
        if (!local_idx(f, s, &x)) return false;
        zw_buf_uleb(b, x);
        ++*i;
        return true;
    case IMM_GLOBAL:
        if (!zw_wt_idx(m, WT_GLOBAL, s, &x)) return false;
        zw_buf_uleb(b, x);
        ++*i;
        return true;
    case IMM_TABLE:
        x = 0;
        if (zw_wt_is_idx(s)) {
            if (!zw_wt_idx(m, WT_TABLE, s, &x)) return false;
            ++*i;
        }
        zw_buf_uleb(b, x);
        return true;
    case IMM_CALLIND: {
        x = 0;
        if (zw_wt_is_idx(s)) {
            if (!zw_wt_idx(m, WT_TABLE, s, &x)) return false;
            ++*i;
        }
        wt_sig sig;
        bool ok = zw_wt_sig_parse(m, items, n, i, false, &sig) &&
                  zw_wt_sig_resolve(m, s, &sig, &y, NULL);
        zw_wt_sig_free(&sig);
        if (!ok) return false;
        zw_buf_uleb(b, y);
        zw_buf_uleb(b, x);
        return true;
    }
    case IMM_MEMARG: case IMM_ATOMIC:
        return memarg(f, op, items, n, i, b);
    case IMM_ZERO:
        zw_buf_byte(b, 0);
        return true;
    case IMM_MEMARG_LANE:
        if (!memarg(f, op, items, n, i, b)) return false;
        if (!lane_u8(f, item(items, n, *i), b)) return false;
        ++*i;
        return true;
    case IMM_MEM:
        if (!opt_memidx(m, items, n, i, &x)) return false;
        zw_buf_uleb(b, x);
        return true;
    case IMM_I32:
        if (!num_atom(f, s, 'i', 32, b)) return false;
        ++*i;
        return true;
    case IMM_I64:
        if (!num_atom(f, s, 'i', 64, b)) return false;
        ++*i;
        return true;
    case IMM_F32:
        if (!num_atom(f, s, 'f', 32, b)) return false;
        ++*i;
        return true;
    case IMM_F64:
        if (!num_atom(f, s, 'f', 64, b)) return false;
        ++*i;
        return true;
    case IMM_V128:
        return v128_const(f, items, n, i, b);
    case IMM_LANE:
        if (!lane_u8(f, s, b)) return false;
        ++*i;
        return true;
    case IMM_SHUFFLE:
        for (int k = 0; k < 16; k++) {
            if (!lane_u8(f, item(items, n, *i), b)) return false;
            ++*i;
        }
        return true;
    case IMM_TYPE:
        if (!zw_wt_idx(m, WT_TYPE, s, &x)) return false;
        zw_buf_uleb(b, x);
        ++*i;
        return true;
    case IMM_TYPE_FIELD:
        if (!zw_wt_idx(m, WT_TYPE, s, &x) || !field_idx(m, x, item(items, n, *i + 1), &y)) return false;
        zw_buf_uleb(b, x);
        zw_buf_uleb(b, y);
        *i += 2;
        return true;
    case IMM_TYPE_N:
    case IMM_TYPE_DATA:
    case IMM_TYPE_ELEM:
    case IMM_TYPE_TYPE: {
        int ns2 = oi->imm == IMM_TYPE_DATA ? WT_DATA : oi->imm == IMM_TYPE_ELEM ? WT_ELEM : WT_TYPE;
        const zw_sx *s2 = item(items, n, *i + 1);
        if (!zw_wt_idx(m, WT_TYPE, s, &x)) return false;
        if (!(oi->imm == IMM_TYPE_N ? zw_wt_u32(m, s2, &y) : zw_wt_idx(m, ns2, s2, &y))) return false;
        if (oi->imm == IMM_TYPE_DATA) m->uses_data_instr = true;
        zw_buf_uleb(b, x);
        zw_buf_uleb(b, y);
        *i += 2;
        return true;
    }
    case IMM_TAG:
        if (!zw_wt_idx(m, WT_TAG, s, &x)) return false;
        zw_buf_uleb(b, x);
        ++*i;
        return true;
    case IMM_TABLE_TABLE:
        x = y = 0;
        if (zw_wt_is_idx(s)) {
            if (!zw_wt_idx(m, WT_TABLE, s, &x)) return false;
            if (!zw_wt_idx(m, WT_TABLE, item(items, n, *i + 1), &y)) return false;
            *i += 2;
        }
        zw_buf_uleb(b, x);
        zw_buf_uleb(b, y);
        return true;
    case IMM_ELEM_TABLE: /* table.init x? y: binary is elem, table */
        x = 0;
        if (zw_wt_is_idx(item(items, n, *i + 1))) {
            if (!zw_wt_idx(m, WT_TABLE, s, &x)) return false;
            s = item(items, n, ++*i);
        }
        if (!zw_wt_idx(m, WT_ELEM, s, &y)) return false;
        ++*i;
        zw_buf_uleb(b, y);
        zw_buf_uleb(b, x);
        return true;
    case IMM_ELEM:
        if (!zw_wt_idx(m, WT_ELEM, s, &x)) return false;
        zw_buf_uleb(b, x);
        ++*i;
        return true;
    case IMM_DATA_MEM: /* memory.init memidx? dataidx: binary is data, memory */
        y = 0;
        if (zw_wt_is_idx(item(items, n, *i + 1))) {
            if (!zw_wt_idx(m, WT_MEM, s, &y)) return false;
            s = item(items, n, ++*i);
        }
        if (!zw_wt_idx(m, WT_DATA, s, &x)) return false;
        zw_buf_uleb(b, x);
        zw_buf_uleb(b, y);
        m->uses_data_instr = true;
        ++*i;
        return true;
    case IMM_DATA:
        if (!zw_wt_idx(m, WT_DATA, s, &x)) return false;
        zw_buf_uleb(b, x);
        m->uses_data_instr = true;
        ++*i;
        return true;
    case IMM_MEM_MEM: /* memory.copy (dst src)? */
        x = y = 0;
        if (zw_wt_is_idx(s)) {
            if (!zw_wt_idx(m, WT_MEM, s, &x)) return false;
            if (!zw_wt_idx(m, WT_MEM, item(items, n, *i + 1), &y)) return false;
            *i += 2;
        }
        zw_buf_uleb(b, x);
        zw_buf_uleb(b, y);
        return true;
    default:
        return zw_wt_fail(m, s, "internal: unhandled immediate kind");
    }
}

/* ---- control ---------------------------------------------------------------------- */
/* Optional label then block type at items[*i..): emits the block type,
 * returns the label ($id or NULL) in *label. */
static bool block_type(wt_func *f, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t *i,
                       const char **label) {
    wt_mod *m = f->m;
    *label = zw_wt_is_id(item(items, n, *i)) ? items[(*i)++]->text : NULL;
    wt_sig sig;
    if (!zw_wt_sig_parse(m, items, n, i, false, &sig)) {
        zw_wt_sig_free(&sig);
        return false;
    }
    bool ok = true;
    if (!sig.has_type && sig.params.n == 0 && sig.results.n <= 1) {
        if (sig.results.n) zw_wt_put_valtype(f->out, sig.results.v[0]);
        else zw_buf_byte(f->out, 0x40);
    } else {
        uint32_t t;
        ok = zw_wt_sig_resolve(m, at, &sig, &t, NULL);
        if (ok) zw_buf_sleb(f->out, (int64_t)t);
    }
    zw_wt_sig_free(&sig);
    return ok;
}

static bool push_label(wt_func *f, const char *id, uint8_t kind) {
    wt_label l = {id, kind};
    return ZW_VEC_PUSH(NULL, &f->labels, l) || zw_wt_nomem(f->m);
}

/* Optional label then block type; opens the label. */
static bool block_head(wt_func *f, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t *i,
                       uint8_t kind) {
    const char *label;
    return block_type(f, at, items, n, i, &label) && push_label(f, label, kind);
}

/* try_table's catch clauses (catch x l) (catch_ref x l) (catch_all l)
 * (catch_all_ref l), binary kinds 0..3 in this order. */
static const char *const catch_kinds[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};

static int catch_kind(const zw_sx *s) {
    for (int k = 0; k < 4; k++)
        if (zw_wt_is_list(s, catch_kinds[k])) return k;
    return -1;
}

static bool catch_clause(wt_func *f, const zw_sx *c, int kind, zw_buf *b) {
    uint32_t nargs = kind < 2 ? 2 : 1, x;
    if (c->nitems != nargs + 1)
        return zw_wt_fail(f->m, c->nitems > nargs + 1 ? c->items[nargs + 1] : c, "unexpected token in %s",
                          catch_kinds[kind]);
    zw_buf_byte(b, (uint8_t)kind);
    if (kind < 2) {
        if (!zw_wt_idx(f->m, WT_TAG, c->items[1], &x)) return false;
        zw_buf_uleb(b, x);
    }
    if (!label_idx(f, c->items[nargs], &x)) return false;
    zw_buf_uleb(b, x);
    return true;
}

/* try_table label? blocktype catch*: the clauses' labels are outside the
 * try_table's own label, which opens after them. */
static bool try_table_head(wt_func *f, const zw_sx *at, zw_sx *const *items, uint32_t n, uint32_t *i) {
    const char *label;
    if (!block_type(f, at, items, n, i, &label)) return false;
    zw_buf cb = {0};
    uint32_t cnt = 0;
    int k;
    bool ok = true;
    for (; ok && *i < n && (k = catch_kind(items[*i])) >= 0; ++*i, cnt++) ok = catch_clause(f, items[*i], k, &cb);
    if (ok && cb.oom) ok = zw_wt_nomem(f->m);
    if (ok) {
        zw_buf_uleb(f->out, cnt);
        zw_buf_append(f->out, cb.data, cb.len);
    }
    zw_buf_free(&cb);
    return ok && push_label(f, label, WT_L_BLOCK);
}

/* The kind of the innermost label, or -1 outside any. */
static int inner_kind(const wt_func *f) {
    return f->labels.n ? f->labels.v[f->labels.n - 1].kind : -1;
}

/* Legacy catch x / catch_all: the opcode (and tag). */
static bool put_catch(wt_func *f, bool all, const zw_sx *tag) {
    uint32_t x;
    if (all) {
        zw_buf_byte(f->out, 0x19);
        return true;
    }
    if (!zw_wt_idx(f->m, WT_TAG, tag, &x)) return false;
    zw_buf_byte(f->out, 0x07);
    zw_buf_uleb(f->out, x);
    return true;
}

/* Legacy delegate l: closes the try's label; l counts the labels outside. */
static bool put_delegate(wt_func *f, const zw_sx *l) {
    uint32_t x;
    f->labels.n--;
    if (!label_idx(f, l, &x)) return false;
    zw_buf_byte(f->out, 0x18);
    zw_buf_uleb(f->out, x);
    return true;
}

/* Flat catch / catch_all / delegate: only in a try, in this order. */
static bool flat_handler(wt_func *f, const zw_sx *kw, zw_sx *const *items, uint32_t n, uint32_t *i) {
    int k = inner_kind(f);
    bool del = !strcmp(kw->text, "delegate"), all = !strcmp(kw->text, "catch_all");
    if (k != WT_L_TRY && (del || k != WT_L_CATCH)) return zw_wt_fail(f->m, kw, "unexpected token %s", kw->text);
    const zw_sx *arg = item(items, n, *i);
    if (del) return put_delegate(f, arg) && (++*i, true);
    f->labels.v[f->labels.n - 1].kind = all ? WT_L_CATCH_ALL : WT_L_CATCH;
    if (!put_catch(f, all, arg)) return false;
    *i += !all;
    return true;
}

/* The optional $id after else/end must match the innermost label. */
static bool check_label(wt_func *f, zw_sx *const *items, uint32_t n, uint32_t *i) {
    const zw_sx *s = item(items, n, *i);
    if (!zw_wt_is_id(s)) return true;
    const char *l = f->labels.v[f->labels.n - 1].id;
    if (!l || strcmp(l, s->text)) return zw_wt_fail(f->m, s, "mismatching label %s", s->text);
    ++*i;
    return true;
}

/* One flat instruction starting at items[*i]. */
static bool flat(wt_func *f, zw_sx *const *items, uint32_t n, uint32_t *i) {
    wt_mod *m = f->m;
    const zw_sx *s = items[*i];
    if (s->kind != ZW_SX_ATOM) return zw_wt_fail(m, s, "unexpected token, expected an instruction");
    const char *t = s->text;
    m->pos = s;
    ++*i;
    if (!strcmp(t, "block") || !strcmp(t, "loop") || !strcmp(t, "if") || !strcmp(t, "try")) {
        uint8_t kind = t[0] == 'b' ? WT_L_BLOCK : t[0] == 'l' ? WT_L_LOOP : t[0] == 'i' ? WT_L_IF : WT_L_TRY;
        static const uint8_t code[] = {[WT_L_BLOCK] = 0x02, [WT_L_LOOP] = 0x03, [WT_L_IF] = 0x04, [WT_L_TRY] = 0x06};
        zw_buf_byte(f->out, code[kind]);
        return block_head(f, s, items, n, i, kind);
    }
    if (!strcmp(t, "try_table")) {
        zw_buf_byte(f->out, 0x1F);
        return try_table_head(f, s, items, n, i);
    }
    if (!strcmp(t, "catch") || !strcmp(t, "catch_all") || !strcmp(t, "delegate"))
        return flat_handler(f, s, items, n, i);
    if (!strcmp(t, "else")) {
        if (inner_kind(f) != WT_L_IF) return zw_wt_fail(m, s, "unexpected else");
        f->labels.v[f->labels.n - 1].kind = WT_L_ELSE;
        zw_buf_byte(f->out, 0x05);
        return check_label(f, items, n, i);
    }
    if (!strcmp(t, "end")) {
        if (!f->labels.n) return zw_wt_fail(m, s, "unexpected end");
        if (!check_label(f, items, n, i)) return false;
        f->labels.n--;
        zw_buf_byte(f->out, 0x0B);
        return true;
    }
    int op = op_find(m, t);
    if (op < 0) return zw_wt_fail(m, s, "unknown operator %s", t);
    return immediates(f, &op, items, n, i, f->out);
}

/* ---- folded instructions ------------------------------------------------------------- */
/* One frame per open folded form (and one for the whole sequence).  A frame
 * walks an item sequence: lists are folded instructions (a new frame), atoms
 * flat ones; when the items run out the frame finishes its form.  Bytes the
 * binary wants after the operands (an operator and its immediates, the head
 * of an if) wait on one byte stack, `pend`, which frames use in LIFO order. */
enum {
    FR_SEQ,      /* the instruction sequence given to zw_wt_instrs */
    FR_BLOCK,    /* the body of a folded block or loop */
    FR_OPERANDS, /* the operands of a folded plain instruction */
    FR_IF_COND,  /* the condition operands of a folded if, up to (then ...) */
    FR_THEN,     /* the body of (then ...) */
    FR_ELSE,     /* the body of (else ...) */
    FR_TRY,      /* the body of a legacy try's (do ...) or (catch ...) / (catch_all ...) */
};

/* Where a folded legacy try is: what may follow the body being walked. */
enum { TRY_DO, TRY_CATCH, TRY_CATCH_ALL };

typedef struct wt_frame {
    zw_sx *const *items; /* the sequence walked, items[i..n) still to do */
    uint32_t n, i;
    uint8_t kind;
    uint32_t labels;     /* BLOCK, THEN, ELSE: the label depth the body must end at */
    uint32_t next;       /* THEN, ELSE: index in form->items after the branch */
    size_t pend;         /* OPERANDS, IF_COND: where the form's bytes start in pend */
    const zw_sx *form;   /* the folded form */
    const zw_sx *body;   /* BLOCK, THEN, ELSE: the list holding the body (errors) */
    wt_label label;      /* IF_COND: the if's label, in scope from (then ...) on */
    uint8_t state;       /* TRY: TRY_* */
} wt_frame;

typedef struct wt_walk {
    ZW_VEC(wt_frame) fr;
    zw_buf pend;
} wt_walk;

static bool push(wt_func *f, wt_walk *w, wt_frame fr) {
    return ZW_VEC_PUSH(NULL, &w->fr, fr) || zw_wt_nomem(f->m);
}

/* Move the pending bytes from `at` on to the output. */
static bool flush(wt_func *f, wt_walk *w, size_t at) {
    if (w->pend.oom) return zw_wt_nomem(f->m);
    if (w->pend.len > at) zw_buf_append(f->out, w->pend.data + at, w->pend.len - at);
    w->pend.len = at;
    return true;
}

/* Walk the body held in list `body` (items from 1) in frame fr. */
static void walk_body(wt_frame *fr, uint8_t kind, const zw_sx *body, uint32_t next, uint32_t labels) {
    fr->kind = kind;
    fr->body = body;
    fr->items = body->items;
    fr->n = body->nitems;
    fr->i = 1;
    fr->next = next;
    fr->labels = labels;
}

/* Keywords of clauses of folded forms, never instructions of their own. */
static bool is_clause_kw(const char *t) {
    static const char *const kw[] = {"then", "else", "do", "catch", "catch_all", "delegate",
                                     "catch_ref", "catch_all_ref"};
    for (size_t k = 0; k < ZW_ARRAY_LEN(kw); k++)
        if (!strcmp(t, kw[k])) return true;
    return false;
}

/* Begin the folded instruction e: emit or defer its own bytes, then push the
 * frame that walks its operands or body (none for an operator without
 * operands). */
static bool enter(wt_func *f, wt_walk *w, const zw_sx *e) {
    wt_mod *m = f->m;
    if (!e->nitems || e->items[0]->kind != ZW_SX_ATOM)
        return zw_wt_fail(m, e, "unexpected token, expected an instruction");
    zw_sx *const *items = e->items;
    uint32_t n = e->nitems, i = 1;
    m->pos = e;
    const char *t = items[0]->text;
    if (!strcmp(t, "block") || !strcmp(t, "loop") || !strcmp(t, "try_table")) {
        bool ok;
        if (t[0] == 't') {
            zw_buf_byte(f->out, 0x1F);
            ok = try_table_head(f, e, items, n, &i);
        } else {
            zw_buf_byte(f->out, t[0] == 'b' ? 0x02 : 0x03);
            ok = block_head(f, e, items, n, &i, t[0] == 'b' ? WT_L_BLOCK : WT_L_LOOP);
        }
        if (!ok) return false;
        return push(f, w, (wt_frame){.kind = FR_BLOCK, .items = items, .n = n, .i = i,
                                     .labels = f->labels.n, .form = e, .body = e});
    }
    if (!strcmp(t, "try")) {
        /* the label is a plain block's inside: no flat catch in (do ...) */
        zw_buf_byte(f->out, 0x06);
        if (!block_head(f, e, items, n, &i, WT_L_BLOCK)) return false;
        const zw_sx *d = item(items, n, i);
        if (!zw_wt_is_list(d, "do")) return zw_wt_fail(m, d ? d : e, "unexpected token, expected (do ...)");
        wt_frame fr = {.form = e, .state = TRY_DO};
        walk_body(&fr, FR_TRY, d, i + 1, f->labels.n);
        return push(f, w, fr);
    }
    if (is_clause_kw(t)) return zw_wt_fail(m, items[0], "unexpected token %s", t);
    size_t at = w->pend.len;
    if (!strcmp(t, "if")) {
        /* Label and block type wait on pend: the condition comes first in
         * the binary, outside the if's label scope. */
        zw_buf *save = f->out;
        f->out = &w->pend;
        zw_buf_byte(&w->pend, 0x04);
        bool ok = block_head(f, e, items, n, &i, WT_L_IF);
        f->out = save;
        if (!ok) return false;
        wt_label l = f->labels.v[--f->labels.n];
        return push(f, w, (wt_frame){.kind = FR_IF_COND, .items = items, .n = n, .i = i,
                                     .pend = at, .form = e, .label = l});
    }
    int op = op_find(m, t);
    if (op < 0) return zw_wt_fail(m, items[0], "unknown operator %s", t);
    if (!immediates(f, &op, items, n, &i, &w->pend)) return false;
    if (i == n) return flush(f, w, at);
    return push(f, w, (wt_frame){.kind = FR_OPERANDS, .items = items, .n = n, .i = i, .pend = at,
                                 .form = e});
}

/* The end of a folded body: it must leave the label stack as it found it. */
static bool end_body(wt_func *f, const wt_frame *fr) {
    if (f->labels.n != fr->labels) return zw_wt_fail(f->m, fr->body, "unclosed block in folded instruction");
    return true;
}

/* After the body of a folded try's (do ...) or handler: the next handler,
 * (delegate l), or the end. */
static bool finish_try(wt_func *f, wt_walk *w, wt_frame *fr) {
    const zw_sx *e = fr->form, *c = fr->next < e->nitems ? e->items[fr->next] : NULL;
    bool all = zw_wt_is_list(c, "catch_all");
    if ((all || zw_wt_is_list(c, "catch")) && fr->state != TRY_CATCH_ALL) {
        if (!put_catch(f, all, c->nitems > 1 ? c->items[1] : NULL)) return false;
        uint32_t next = fr->next + 1;
        walk_body(fr, FR_TRY, c, next, fr->labels);
        fr->i = all ? 1 : 2;
        fr->state = all ? TRY_CATCH_ALL : TRY_CATCH;
        return true;
    }
    if (zw_wt_is_list(c, "delegate") && fr->state == TRY_DO && fr->next + 1 == e->nitems) {
        if (c->nitems != 2) return zw_wt_fail(f->m, c, "unexpected token in delegate");
        if (!put_delegate(f, c->items[1])) return false;
    } else if (c) {
        const zw_sx *h = c->kind == ZW_SX_LIST && c->nitems ? c->items[0] : c;
        return zw_wt_fail(f->m, c, "unexpected token %s after %s", h->kind == ZW_SX_ATOM ? h->text : "string",
                          fr->state == TRY_DO ? "(do ...)" : "a handler");
    } else {
        f->labels.n--;
        zw_buf_byte(f->out, 0x0B);
    }
    w->fr.n--;
    return true;
}

/* Frame fr's items are done (or, for IF_COND, reached a non-operand):
 * finish its form, popping the frame or moving it to the next part. */
static bool finish(wt_func *f, wt_walk *w, wt_frame *fr) {
    wt_mod *m = f->m;
    const zw_sx *e = fr->form;
    switch (fr->kind) {
    case FR_SEQ:
        break;
    case FR_OPERANDS:
        if (!flush(f, w, fr->pend)) return false;
        break;
    case FR_BLOCK:
        if (!end_body(f, fr)) return false;
        f->labels.n--;
        zw_buf_byte(f->out, 0x0B);
        break;
    case FR_IF_COND: {
        const zw_sx *th = fr->i < fr->n ? fr->items[fr->i] : NULL;
        if (!zw_wt_is_list(th, "then")) return zw_wt_fail(m, th ? th : e, "expected (then ...)");
        if (!flush(f, w, fr->pend)) return false;
        wt_label l = fr->label;
        l.kind = WT_L_ELSE; /* no flat else inside (then ...) */
        if (!ZW_VEC_PUSH(NULL, &f->labels, l)) return zw_wt_nomem(m);
        walk_body(fr, FR_THEN, th, fr->i + 1, f->labels.n);
        return true;
    }
    case FR_THEN:
    case FR_ELSE:
        if (!end_body(f, fr)) return false;
        if (fr->kind == FR_THEN && fr->next < e->nitems && zw_wt_is_list(e->items[fr->next], "else")) {
            zw_buf_byte(f->out, 0x05);
            walk_body(fr, FR_ELSE, e->items[fr->next], fr->next + 1, fr->labels);
            return true;
        }
        if (fr->next < e->nitems) return zw_wt_fail(m, e->items[fr->next], "unexpected token after if");
        f->labels.n--;
        zw_buf_byte(f->out, 0x0B);
        break;
    case FR_TRY:
        if (!end_body(f, fr)) return false;
        return finish_try(f, w, fr);
    }
    w->fr.n--;
    return true;
}

bool zw_wt_instrs(wt_func *f, zw_sx *const *items, uint32_t n) {
    wt_walk w = {0};
    bool ok = push(f, &w, (wt_frame){.kind = FR_SEQ, .items = items, .n = n});
    while (ok && w.fr.n) {
        wt_frame *fr = &w.fr.v[w.fr.n - 1];
        if (fr->i >= fr->n) {
            ok = finish(f, &w, fr);
            continue;
        }
        const zw_sx *s = fr->items[fr->i];
        if (fr->kind == FR_IF_COND && (s->kind != ZW_SX_LIST || zw_wt_is_list(s, "then"))) {
            ok = finish(f, &w, fr);
        } else if (s->kind == ZW_SX_LIST) {
            fr->i++;
            ok = enter(f, &w, s); /* may move the frames: fr is stale after this */
        } else if (fr->kind == FR_OPERANDS) {
            ok = zw_wt_fail(f->m, s, "unexpected token %s", s->kind == ZW_SX_ATOM ? s->text : "string");
        } else {
            ok = flat(f, fr->items, fr->n, &fr->i);
        }
    }
    ZW_VEC_FREE(NULL, &w.fr);
    zw_buf_free(&w.pend);
    if (ok && f->labels.n) ok = zw_wt_fail(f->m, n ? items[n - 1] : NULL, "unclosed block (missing end)");
    return ok;
}
