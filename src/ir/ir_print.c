/*
 * ir_print.c — IR metadata (opcode names, operand descriptors, instruction
 * lengths) and the IR printer used by --dump-ir and --trace.
 * Owner: IR engineer.
 */
#include <inttypes.h>
#include <string.h>

#include "ir.h"
#include "ir_sig.h"

/* ---- descriptors of the Wasm-numbered ops, derived from opcodes.def ---- */
#define DSC_P0R0(id, pfx) ""
#define DSC_P0R1(id, pfx, r) "d"
#define DSC_P1R0(id, pfx, a) "s"
#define DSC_P1R1(id, pfx, a, r) "ds"
#define DSC_P2R0(id, pfx, a, b) "ss"
#define DSC_P2R1(id, pfx, a, b, r) "dss"
#define DSC_P3R0(id, pfx, a, b, c) "sss"
#define DSC_P3R1(id, pfx, a, b, c, r) "dsss"
#define DSC_P2R2(id, pfx, a, b, r, s) "ddss"
#define DSC_P4R2(id, pfx, a, b, c, d, r, s) "ddssss"
#define DSC_SPECIAL(id, pfx) NULL
#define DSCM_P1R1(id, pfx, a, r) "dsM"
#define DSCM_P2R0(id, pfx, a, b) "ssM"
#define DSCM_P2R1(id, pfx, a, b, r) "dssM"       /* atomic rmw, notify */
#define DSCM_P3R1(id, pfx, a, b, c, r) "dsssM"   /* cmpxchg, wait */
#define DSCL_P1R1(id, pfx, a, r) "dsL"
#define DSCL_P2R1(id, pfx, a, b, r) "dssL"
#define DSCML_P2R1(id, pfx, a, b, r) "dssML"
#define DSCML_P2R0(id, pfx, a, b) "ssML"
#define DSCA_P1R1(id, pfx, a, r) "dM"
#define DSCA_P2R0(id, pfx, a, b) "sM"

#define D_NONE(id, pfx, sig) ZW_SIG(sig, DSC, id, pfx)
#define D_MEMARG(id, pfx, sig) ZW_SIG(sig, DSCM, id, pfx)
#define D_ATOMIC(id, pfx, sig) ZW_SIG(sig, DSCM, id, pfx)
#define D_LANE(id, pfx, sig) ZW_SIG(sig, DSCL, id, pfx)
#define D_MLANE(id, pfx, sig) ZW_SIG(sig, DSCML, id, pfx)
#define D_SHUF(id, pfx, sig) "dssV"
#define D_OTHER(id, pfx, sig) NULL

static const char *const wasm_desc[ZW_OP_COUNT] = {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) [ZW_OP_##id] = ZW_BY_IMM(imm, D, id, prefix, sig),
#include "../opcodes.def"
#undef X
};

/* IR-only ops */
static const char *const ir_names[] = {
#define X(n, t, d, ty) t,
    ZW_IR_OPS(X)
#undef X
};
static const char *const ir_descs[] = {
#define X(n, t, d, ty) d,
    ZW_IR_OPS(X)
#undef X
};

/* Base op of the derived families. */
static const uint16_t cmp_base[] = {
#define X(id, l) ZW_OP_##id,
    ZW_IR_CMPS(X)
#undef X
};
static const char cmp_ty[] = {
#define X(id, l) #l[0],
    ZW_IR_CMPS(X)
#undef X
};
static const uint16_t k_base[] = {
#define X(id, l) ZW_OP_##id,
    ZW_IR_KOPS(X)
#undef X
};
static const char k_ty[] = {
#define X(id, l) #l[0],
    ZW_IR_KOPS(X)
#undef X
};
#define AB_NONE(id, pfx, sig)
#define AB_MEMARG(id, pfx, sig) ZW_OP_##id,
#define AB_ATOMIC(id, pfx, sig)
#define AB_LANE(id, pfx, sig)
#define AB_MLANE(id, pfx, sig)
#define AB_SHUF(id, pfx, sig)
#define AB_OTHER(id, pfx, sig)
static const uint16_t a_base[] = {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) ZW_BY_IMM(imm, AB, id, prefix, sig)
#include "../opcodes.def"
#undef X
};
static const char *const a_desc[] = {
#define AD_NONE(id, pfx, sig)
#define AD_MEMARG(id, pfx, sig) ZW_SIG(sig, DSCA, id, pfx),
#define AD_ATOMIC(id, pfx, sig)
#define AD_LANE(id, pfx, sig)
#define AD_MLANE(id, pfx, sig)
#define AD_SHUF(id, pfx, sig)
#define AD_OTHER(id, pfx, sig)
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) ZW_BY_IMM(imm, AD, id, prefix, sig)
#include "../opcodes.def"
#undef X
};

#define FIRST_IR (ZW_IR_BASE_ + 1)
#define FIRST_BR ZW_IR_BR_I32_EQ
#define FIRST_K ZW_IR_K_I32_ADD
#define FIRST_A (ZW_IR_K_LAST_ + 1)

const char *zw_ir_desc(uint32_t op) {
    if (op < ZW_OP_COUNT) {
        if (wasm_desc[op]) return wasm_desc[op];
        switch (op) {
#define X(id, desc, types, gc) case ZW_OP_##id: return desc;
            ZW_IR_SPECIAL(X)
#undef X
        }
        return NULL; /* typed by hand and never emitted as itself (block, br_on_null, ...) */
    }
    if (op < FIRST_BR) return ir_descs[op - FIRST_IR];
    if (op < FIRST_K) {
        uint32_t k = (op - FIRST_BR) / 2;
        if ((op - FIRST_BR) % 2 == 0) return "ssT";
        return cmp_ty[k] == 'i' ? "siT" : "sIT";
    }
    if (op < FIRST_A) return k_ty[op - FIRST_K] == 'i' ? "dsi" : "dsI";
    if (op < ZW_IR_COUNT) return a_desc[op - FIRST_A];
    return "";
}

/* Name into buf. */
static const char *op_name(uint32_t op, char *buf, size_t n) {
    if (op < ZW_OP_COUNT) return zw_opinfos[op].text;
    if (op < FIRST_BR) return ir_names[op - FIRST_IR];
    if (op < FIRST_K) {
        uint32_t k = (op - FIRST_BR) / 2;
        snprintf(buf, n, "br_if.%s%s", zw_opinfos[cmp_base[k]].text, (op - FIRST_BR) % 2 ? "_k" : "");
        return buf;
    }
    if (op < FIRST_A) {
        snprintf(buf, n, "%s_k", zw_opinfos[k_base[op - FIRST_K]].text);
        return buf;
    }
    if (op < ZW_IR_COUNT) {
        snprintf(buf, n, "%s_abs", zw_opinfos[a_base[op - FIRST_A]].text);
        return buf;
    }
    return "?";
}

const char *zw_ir_name(uint32_t op) {
    if (op < ZW_OP_COUNT) return zw_opinfos[op].text;
    if (op < FIRST_BR) return ir_names[op - FIRST_IR];
    return "derived";
}

uint32_t zw_ir_insn_len_of(uint32_t op, const uint32_t *ip) {
    const char *d = zw_ir_desc(op);
    uint32_t k = 1;
    for (; *d; d++) {
        switch (*d) {
        case 'I': k += 2; break;
        case 'M': k += 3; break;
        case 'V': k += 4; break;
        case 'N': k += 2 + ip[k]; break;
        case 'S': k += 1 + ip[k]; break;
        default: k += 1;
        }
    }
    return k;
}

uint32_t zw_ir_insn_len(const uint32_t *code, uint32_t pc) { return zw_ir_insn_len_of(code[pc], code + pc); }

void zw_ir_print_insn(FILE *out, const zw_ir_func *f, uint32_t pc, const uint64_t *fp) {
    const uint32_t *c = f->code;
    char buf[64];
    uint32_t op = c[pc];
    fprintf(out, "%6u: %s", pc, op_name(op, buf, sizeof buf));
    const char *d = zw_ir_desc(op);
    uint32_t k = 1;
    for (bool first = true; *d; d++, first = false) {
        fputs(first ? " " : ", ", out);
        uint32_t w = c[pc + k];
        switch (*d) {
        case 'd': fprintf(out, "s%u", w); k++; break;
        case 's':
        case 'B':
            if (*d == 'B') fputs("base=", out);
            fprintf(out, "s%u", w);
            if (fp) fprintf(out, "=0x%" PRIx64, fp[w]);
            k++;
            break;
        case 'i':
            if (op == ZW_IR_CONST_F32) fprintf(out, "%.9g", (double)zw_bits_f32(w));
            else fprintf(out, "%" PRId32, (int32_t)w);
            k++;
            break;
        case 'I': {
            int64_t v;
            memcpy(&v, c + pc + k, 8);
            if (op == ZW_IR_CONST_F64) fprintf(out, "%.17g", zw_bits_f64((uint64_t)v));
            else fprintf(out, "%" PRId64, v);
            k += 2;
            break;
        }
        case 'V':
            fprintf(out, "0x%08x%08x%08x%08x", c[pc + k + 3], c[pc + k + 2], c[pc + k + 1], c[pc + k]);
            k += 4;
            break;
        case 'M': {
            uint64_t off;
            memcpy(&off, c + pc + k + 1, 8);
            if (w) fprintf(out, "mem%u ", w);
            fprintf(out, "+%" PRIu64, off);
            k += 3;
            break;
        }
        case 'L': fprintf(out, "lane %u", w); k++; break;
        case 'n': fprintf(out, "#%u", w); k++; break;
        case 'T': fprintf(out, "@%u", pc + w); k++; break;
        case 'S': {
            uint32_t n = w;
            k++;
            fputs("(", out);
            for (uint32_t i = 0; i < n; i++, k++) fprintf(out, i ? " s%u" : "s%u", c[pc + k]);
            fputs(")", out);
            break;
        }
        case 'N': {
            uint32_t n = w;
            k++;
            fputs("[", out);
            for (uint32_t i = 0; i <= n; i++) {
                fprintf(out, i ? " @%u" : "@%u", pc + c[pc + k]);
                k++;
            }
            fputs("]", out);
            break;
        }
        }
    }
    fputc('\n', out);
}

void zw_ir_print_func(FILE *out, const zw_ir_func *f) {
    fprintf(out, "func %u: params %u slots, locals %u slots, results %u slots, frame %u slots, %u words\n",
            f->func_idx, f->nparam_slots, f->nlocal_slots, f->nresult_slots, f->frame_slots, f->len);
    for (uint32_t i = 0; i < f->ninsn; i++) zw_ir_print_insn(out, f, f->insn[i], NULL);
    for (uint32_t r = 0; r < f->nregions; r++) {
        const zw_ir_region *g = &f->regions[r];
        fprintf(out, "  region %u: [%u, %u)", r, g->start, g->end);
        if (g->next != ZW_IR_NONE) fprintf(out, " then region %u", g->next);
        for (uint32_t k = 0; k < g->n; k++) {
            const zw_ir_catch *c = &f->catches[g->first + k];
            if (c->tag == ZW_IR_NONE) fprintf(out, "%s catch_all", k ? "," : ":");
            else fprintf(out, "%s catch tag %u -> s%u", k ? "," : ":", c->tag, c->dst);
            if (c->exn != ZW_IR_NONE) fprintf(out, " exn -> s%u", c->exn);
            fprintf(out, " @%u%s", c->target, c->inl ? " (inlined)" : "");
        }
        fputc('\n', out);
    }
}

void zw_ir_dump_module(const zw_module *m, FILE *out) {
    if (!m->ir) return;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        const zw_ir_func *f = m->ir[i - m->nfunc_imports];
        if (!f) continue;
        if (m->func_names && m->func_names[i].str) {
            char name[512]; /* the module's text: escaped */
            zw_escape(name, sizeof name, m->func_names[i].str, m->func_names[i].len);
            fprintf(out, ";; $%s\n", name);
        }
        zw_ir_print_func(out, f);
        fputc('\n', out);
    }
}

uint32_t zw_ir_insn_index(const zw_ir_func *f, uint32_t pc) {
    uint32_t lo = 0, hi = f->ninsn;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (f->insn[mid] <= pc) lo = mid;
        else hi = mid;
    }
    return lo;
}

zw_ir_loc zw_ir_locate(const zw_ir_func *f, uint32_t pc) {
    zw_ir_loc loc = {0, ZWASM_NO_FUNC, 0};
    if (!f->ninsn || !f->src) return loc;
    uint32_t lo = zw_ir_insn_index(f, pc);
    loc.offset = f->src[lo];
    for (uint32_t i = 0; i < f->ninlined; i++)
        if (lo >= f->inlined[i].first && lo < f->inlined[i].end) {
            loc.inlined_func = f->inlined[i].func;
            loc.call_offset = f->inlined[i].call_offset;
            break;
        }
    return loc;
}

uint32_t zw_ir_targets(const zw_ir_func *f, uint32_t pc, uint32_t *out, uint32_t cap) {
    const uint32_t *c = f->code;
    const char *d = zw_ir_desc(c[pc]);
    uint32_t k = 1, n = 0;
    for (; *d; d++) {
        switch (*d) {
        case 'T':
            if (n < cap) out[n] = pc + c[pc + k];
            n++;
            k++;
            break;
        case 'N': {
            uint32_t cnt = c[pc + k];
            for (uint32_t i = 0; i <= cnt; i++, n++)
                if (n < cap) out[n] = pc + c[pc + k + 1 + i];
            k += cnt + 2;
            break;
        }
        case 'I': k += 2; break;
        case 'M': k += 3; break;
        case 'V': k += 4; break;
        case 'S': k += 1 + c[pc + k]; break;
        default: k++;
        }
    }
    return n;
}

bool zw_ir_falls_through(uint32_t op) {
    switch (op) {
    case ZW_IR_BR: case ZW_IR_BR_TABLE: case ZW_IR_RETURN: case ZW_IR_RETURN1: case ZW_IR_RETURN_PAD:
    case ZW_OP_UNREACHABLE: case ZW_OP_RETURN_CALL: case ZW_OP_RETURN_CALL_INDIRECT: case ZW_OP_RETURN_CALL_REF:
    case ZW_IR_RETURN_CALL_LOCAL: case ZW_OP_THROW: case ZW_OP_THROW_REF:
        return false;
    }
    return true;
}

bool zw_ir_may_throw(uint32_t op) {
    switch (op) {
    case ZW_OP_CALL: case ZW_OP_CALL_INDIRECT: case ZW_OP_CALL_REF: case ZW_IR_CALL_LOCAL:
    case ZW_OP_THROW: case ZW_OP_THROW_REF:
        return true;
    }
    return false;
}

uint32_t zw_ir_region_at(const zw_ir_func *f, uint32_t pc) {
    if (!f->nregions || !f->ninsn || !f->insn_region) return ZW_IR_NONE;
    return f->insn_region[zw_ir_insn_index(f, pc)];
}

bool zw_ir_index_regions(const zw_alloc *al, zw_ir_func *f, bool *oom) {
    *oom = false;
    if (!f->nregions) return true;
    uint32_t *ir = zw_calloc(al, (size_t)f->ninsn + 1, sizeof *ir);
    uint32_t *stack = zw_calloc(al, (size_t)f->nregions + 1, sizeof *stack);
    bool ok = ir && stack;
    if (!ok) *oom = true;
    uint32_t n = 0, r = 0;
    for (uint32_t q = 1; ok && q < f->nregions; q++) /* sorted by start */
        ok = f->regions[q - 1].start <= f->regions[q].start;
    /* a sweep: regions open as the code reaches their start and close at
     * their end; each must end inside the one below it on the stack */
    for (uint32_t i = 0; ok && i <= f->ninsn; i++) {
        uint32_t pc = i < f->ninsn ? f->insn[i] : f->len;
        for (;;) {
            while (n && f->regions[stack[n - 1]].end <= pc) n--;
            if (r >= f->nregions || f->regions[r].start > pc) break;
            const zw_ir_region *g = &f->regions[r];
            if (g->end < g->start || (n && g->end > f->regions[stack[n - 1]].end)) {
                ok = false;
                break;
            }
            stack[n++] = r++;
        }
        if (i < f->ninsn) ir[i] = n ? stack[n - 1] : ZW_IR_NONE;
    }
    zw_free(al, stack);
    if (!ok) {
        zw_free(al, ir);
        return false;
    }
    f->insn_region = ir;
    return true;
}

uint32_t zw_ir_handler_targets(const zw_ir_func *f, uint32_t pc, uint32_t *out, uint32_t cap) {
    uint32_t n = 0;
    /* next always names an earlier region: the walk ends */
    for (uint32_t r = zw_ir_region_at(f, pc); r != ZW_IR_NONE; r = f->regions[r].next)
        for (uint32_t k = 0; k < f->regions[r].n; k++, n++)
            if (n < cap) out[n] = f->catches[f->regions[r].first + k].target;
    return n;
}
