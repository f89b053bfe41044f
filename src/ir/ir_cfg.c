/*
 * ir_cfg.c — the basic blocks of a function's IR and their successors,
 * and backward liveness over them, for the analyses that run over them:
 * the JIT's register allocator (jit/regalloc.c) and the collector's
 * reference maps (ir_refmap.c).
 *
 * Blocks start at instruction 0, at branch targets, at handler targets,
 * after an instruction that branches or does not fall through, and after
 * an instruction that may throw inside a region (its handlers are among
 * its successors).
 */
#include "ir.h"

void zw_ir_cfg_free(const zw_alloc *al, zw_ir_cfg *g) {
    zw_free(al, g->lead);
    zw_free(al, g->block);
    zw_free(al, g->at);
    zw_free(al, g->tbuf);
    zw_free(al, g->seen);
    memset(g, 0, sizeof *g);
}

bool zw_ir_cfg_build(const zw_alloc *al, const zw_ir_func *f, zw_ir_cfg *g) {
    uint32_t ni = f->ninsn;
    memset(g, 0, sizeof *g);
    g->ni = ni;
    g->at = zw_calloc(al, (size_t)f->len + 1, sizeof *g->at);
    g->tbuf = zw_calloc(al, (size_t)f->len + 2 + f->ncatches, sizeof *g->tbuf);
    g->lead = zw_calloc(al, (size_t)ni + 1, sizeof *g->lead);
    g->block = zw_calloc(al, (size_t)ni + 1, sizeof *g->block);
    uint8_t *mark = zw_calloc(al, (size_t)ni + 1, 1);
    if (!g->at || !g->tbuf || !g->lead || !g->block || !mark) {
        zw_free(al, mark);
        zw_ir_cfg_free(al, g);
        return false;
    }
    for (uint32_t i = 0; i < ni; i++) g->at[f->insn[i]] = i + 1;
    mark[0] = 1;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t pc = f->insn[i], nt = zw_ir_targets(f, pc, g->tbuf, f->len);
        for (uint32_t k = 0; k < nt; k++)
            if (g->tbuf[k] < f->len && g->at[g->tbuf[k]]) mark[g->at[g->tbuf[k]] - 1] = 1;
        if ((nt || !zw_ir_falls_through(f->code[pc])) && i + 1 < ni) mark[i + 1] = 1;
        /* exceptions: a throwing instruction in a region ends its block */
        if (f->nregions && zw_ir_may_throw(f->code[pc]) && zw_ir_region_at(f, pc) != ZW_IR_NONE && i + 1 < ni)
            mark[i + 1] = 1;
    }
    for (uint32_t k = 0; k < f->ncatches; k++) /* handlers start blocks */
        if (f->catches[k].target < f->len && g->at[f->catches[k].target]) mark[g->at[f->catches[k].target] - 1] = 1;
    for (uint32_t i = 0; i < ni; i++) {
        if (mark[i]) g->lead[g->nb++] = i;
        g->block[i] = g->nb - 1;
    }
    zw_free(al, mark);
    g->seen = zw_calloc(al, (size_t)g->nb + 1, sizeof *g->seen);
    if (!g->seen) {
        zw_ir_cfg_free(al, g);
        return false;
    }
    return true;
}

uint32_t zw_ir_cfg_succ(zw_ir_cfg *g, const zw_ir_func *f, uint32_t b, uint32_t *succ) {
    uint32_t last = zw_ir_cfg_end(g, b) - 1, pc = f->insn[last], n = 0;
    uint32_t *tbuf = g->tbuf, stamp = ++g->stamp;
    if (!stamp) { /* the stamps wrapped: start them again */
        memset(g->seen, 0, (size_t)g->nb * sizeof *g->seen);
        stamp = g->stamp = 1;
    }
    uint32_t nt = zw_ir_targets(f, pc, tbuf, f->len);
    if (zw_ir_falls_through(f->code[pc]) && last + 1 < g->ni) tbuf[nt++] = f->insn[last + 1];
    if (f->nregions && zw_ir_may_throw(f->code[pc])) /* and its handlers (at most ncatches) */
        nt += zw_ir_handler_targets(f, pc, tbuf + nt, f->ncatches);
    for (uint32_t k = 0; k < nt; k++) {
        if (tbuf[k] >= f->len || !g->at[tbuf[k]]) continue;
        uint32_t t = g->block[g->at[tbuf[k]] - 1];
        if (g->seen[t] == stamp) continue;
        g->seen[t] = stamp;
        succ[n++] = t;
    }
    return n;
}

int zw_ir_cfg_liveness(const zw_alloc *al, zw_ir_cfg *g, const zw_ir_func *f, uint32_t nw, const uint64_t *use,
                       const uint64_t *def, uint64_t *lin, uint64_t *lout, uint32_t max_passes, uint64_t max_work) {
    uint32_t *succ = zw_calloc(al, (size_t)f->len + 2 + f->ncatches, sizeof *succ);
    if (!succ) return -1;
    int rc = 0;
    uint64_t work = 0;
    for (uint32_t pass = 0; pass < max_passes; pass++) {
        bool changed = false;
        for (uint32_t b = g->nb; b-- > 0;) {
            uint64_t *lo = lout + (size_t)b * nw, *li = lin + (size_t)b * nw;
            uint32_t n = zw_ir_cfg_succ(g, f, b, succ);
            work += (uint64_t)(n + 1) * nw;
            for (uint32_t k = 0; k < n; k++) {
                const uint64_t *si = lin + (size_t)succ[k] * nw;
                for (uint32_t w = 0; w < nw; w++) lo[w] |= si[w];
            }
            const uint64_t *u = use + (size_t)b * nw, *d = def + (size_t)b * nw;
            for (uint32_t w = 0; w < nw; w++) {
                uint64_t nin = u[w] | (lo[w] & ~d[w]);
                if (nin != li[w]) {
                    li[w] = nin;
                    changed = true;
                }
            }
        }
        if (work > max_work) break;
        if (!changed) {
            rc = 1;
            break;
        }
    }
    zw_free(al, succ);
    return rc;
}
