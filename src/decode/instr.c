/*
 * instr.c — the instruction reader shared by the decoder (which scans every
 * function body and constant expression once to reject malformed code), the
 * validator and the IR lowering: zw_read_instr() decodes one opcode and its
 * immediates, driven by the immediate kinds of opcodes.def.
 */
#include "../module.h"
#include "../opcodes.h"
#include "reader.h"

static bool ir_bytes(zw_rd *r, void *dst, size_t n) {
    if ((size_t)(r->end - r->p) < n) return zw_rd_fail(r, r->end, ZW_EOS_MSG);
    memcpy(dst, r->p, n);
    r->p += n;
    return true;
}

static bool ir_zero(zw_rd *r) {
    uint8_t b;
    const uint8_t *at = r->p;
    if (!zw_rd_u8(r, &b)) return false;
    if (b != 0) return zw_rd_fail(r, at, "zero byte expected");
    return true;
}

/* memarg: flags (alignment; bit 6: a memory index follows, multi-memory),
 * [memory index], offset */
static bool ir_memarg(zw_rd *r, uint32_t features, zw_instr *in) {
    const uint8_t *at = r->p;
    if (!zw_rd_u32(r, &in->align)) return false;
    in->mem = 0;
    if ((features & ZWASM_FEATURE_MULTI_MEMORY) && (in->align & 0x40)) {
        in->align &= ~0x40u;
        if (!zw_rd_u32(r, &in->mem)) return false;
    }
    /* 2.0: alignments of 2^32 and more cannot be valid anyway; 3.0: the
     * flags are a 6-bit exponent and bit 6, the validator checks the rest */
    if (in->align >= ((features & ZWASM_FEATURE_MULTI_MEMORY) ? 64u : 32u))
        return zw_rd_fail(r, at, "malformed memop flags");
    /* a u64 with memory64 (the validator bounds it by the memory's type) */
    if (features & ZWASM_FEATURE_MEMORY64) return zw_rd_u64(r, &in->offset);
    uint32_t off;
    if (!zw_rd_u32(r, &off)) return false;
    in->offset = off;
    return true;
}

/* A memory index: a u32 with multi-memory, else the single byte 0x00. */
static bool ir_memidx(zw_rd *r, uint32_t features, uint32_t *out) {
    if (features & ZWASM_FEATURE_MULTI_MEMORY) return zw_rd_u32(r, out);
    *out = 0;
    return ir_zero(r);
}

zwasm_result_t zw_read_instr(const uint8_t *base, uint32_t features, const uint8_t **pp,
                             const uint8_t *end, uint32_t func, zw_instr *in, zwasm_error_t *err) {
    zw_rd r = {base, *pp, end, end, ZW_EOS_MSG, err, func};
    const uint8_t *start = r.p;
    uint8_t b;
    memset(in, 0, sizeof *in);
    if (!zw_rd_u8(&r, &b)) return ZWASM_ERR_MALFORMED;
    int op;
    if (b == 0xFB || b == 0xFC || b == 0xFD || b == 0xFE) {
        uint32_t code;
        if (!zw_rd_u32(&r, &code)) return ZWASM_ERR_MALFORMED;
        op = zw_op_lookup(b, code);
    } else {
        op = zw_op_lookup(0, b);
    }
    if (op < 0 || (zw_opinfos[op].feature & ~features)) {
        zw_rd_fail(&r, start, "illegal opcode");
        return ZWASM_ERR_MALFORMED;
    }
    in->op = (uint32_t)op;
    bool ok = true;
    switch (zw_opinfos[op].imm) {
    case IMM_NONE: break;
    case IMM_BLOCK: case IMM_TRY_TABLE: {
        if (r.p >= r.end) { ok = zw_rd_fail(&r, r.p, ZW_EOS_MSG); break; }
        uint8_t c = *r.p;
        if (c == 0x40) {
            r.p++;
            in->bt_kind = 0;
        } else if ((c >= ZW_V128 && c <= ZW_I32) || zw_abs_heap(c, features) ||
                   ((c == ZW_REF || c == ZW_REF_NULL) && (features & ZWASM_FEATURE_FUNCTION_REFERENCES))) {
            in->bt_kind = 1;
            ok = zw_rd_valtype(&r, features, &in->a);
        } else {
            const uint8_t *p = r.p;
            int64_t v;
            if (!zw_read_s33(&r.p, r.end, &v)) { ok = zw_rd_leb_fail(&r, p, 33); break; }
            /* a type index (multi-value); 1.0 has no such block type */
            if (v < 0 || !(features & ZWASM_FEATURE_MULTI_VALUE)) { ok = zw_rd_fail(&r, p, "malformed value type"); break; }
            in->bt_kind = 2;
            in->a = v < UINT32_MAX ? (uint32_t)v : UINT32_MAX;
        }
        if (!ok || zw_opinfos[op].imm != IMM_TRY_TABLE) break;
        /* try_table's catch clauses: kind (0 catch, 1 catch_ref: a tag;
         * 2 catch_all, 3 catch_all_ref), [tag], label */
        if (!zw_rd_u32(&r, &in->b)) { ok = false; break; }
        if ((size_t)(r.end - r.p) < in->b) { ok = zw_rd_fail(&r, r.end, ZW_EOS_MSG); break; }
        in->tbl = r.p;
        for (uint32_t i = 0; ok && i < in->b; i++) {
            const uint8_t *at = r.p;
            uint8_t k;
            uint32_t x;
            if (!zw_rd_u8(&r, &k)) { ok = false; break; }
            if (k > 3) { ok = zw_rd_fail(&r, at, "malformed catch clause"); break; }
            if (k < 2 && !zw_rd_u32(&r, &x)) { ok = false; break; }
            ok = zw_rd_u32(&r, &x);
        }
        break;
    }
    case IMM_TAG: case IMM_TYPE:
        ok = zw_rd_u32(&r, &in->a);
        break;
    case IMM_TYPE_FIELD: case IMM_TYPE_N: case IMM_TYPE_DATA: case IMM_TYPE_ELEM: case IMM_TYPE_TYPE:
        ok = zw_rd_u32(&r, &in->a) && zw_rd_u32(&r, &in->b);
        break;
    case IMM_BR_ON_CAST: {
        const uint8_t *at = r.p;
        if (!zw_rd_u8(&r, &in->flags)) { ok = false; break; }
        if (in->flags > 3) { ok = zw_rd_fail(&r, at, "malformed br_on_cast flags"); break; }
        ok = zw_rd_u32(&r, &in->a) && zw_rd_heaptype(&r, features, &in->b) &&
             zw_rd_heaptype(&r, features, &in->c);
        break;
    }
    case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL: case IMM_TABLE:
    case IMM_ELEM: case IMM_DATA:
        ok = zw_rd_u32(&r, &in->a);
        break;
    case IMM_CALLIND:
        ok = zw_rd_u32(&r, &in->a);
        if (ok && !(features & ZWASM_FEATURE_REFERENCE_TYPES)) { /* 1.0: a reserved zero byte */
            const uint8_t *at = r.p;
            uint8_t z;
            ok = zw_rd_u8(&r, &z) && (z == 0 || zw_rd_fail(&r, at, "zero byte expected"));
            in->b = 0;
            break;
        }
        ok = ok && zw_rd_u32(&r, &in->b);
        break;
    case IMM_ELEM_TABLE: case IMM_TABLE_TABLE:
        ok = zw_rd_u32(&r, &in->a) && zw_rd_u32(&r, &in->b);
        break;
    case IMM_DATA_MEM: /* data segment a, memory b */
        ok = zw_rd_u32(&r, &in->a) && ir_memidx(&r, features, &in->b);
        break;
    case IMM_MEM: /* memory a */
        ok = ir_memidx(&r, features, &in->a);
        break;
    case IMM_MEM_MEM: /* destination memory a, source memory b */
        ok = ir_memidx(&r, features, &in->a) && ir_memidx(&r, features, &in->b);
        break;
    case IMM_BRTABLE: {
        if (!zw_rd_u32(&r, &in->a)) { ok = false; break; }
        if ((size_t)(r.end - r.p) < in->a) { ok = zw_rd_fail(&r, r.end, ZW_EOS_MSG); break; }
        in->tbl = r.p;
        uint32_t t;
        for (uint32_t i = 0; ok && i < in->a; i++) ok = zw_rd_u32(&r, &t);
        if (ok) ok = zw_rd_u32(&r, &in->b);
        break;
    }
    case IMM_MEMARG: case IMM_ATOMIC:
        ok = ir_memarg(&r, features, in);
        break;
    case IMM_ZERO: ok = ir_zero(&r); break;
    case IMM_MEMARG_LANE:
        ok = ir_memarg(&r, features, in) && zw_rd_u8(&r, &in->lane);
        break;
    case IMM_LANE:
        ok = zw_rd_u8(&r, &in->lane);
        break;
    case IMM_I32: {
        const uint8_t *p = r.p;
        int32_t v;
        if (!zw_read_s32(&r.p, r.end, &v)) { ok = zw_rd_leb_fail(&r, p, 32); break; }
        in->imm = v;
        break;
    }
    case IMM_I64: {
        const uint8_t *p = r.p;
        if (!zw_read_s64(&r.p, r.end, &in->imm)) ok = zw_rd_leb_fail(&r, p, 64);
        break;
    }
    case IMM_F32: ok = ir_bytes(&r, &in->v.u32[0], 4); break;
    case IMM_F64: ok = ir_bytes(&r, &in->v.u64[0], 8); break;
    case IMM_V128: case IMM_SHUFFLE: ok = ir_bytes(&r, in->v.u8, 16); break;
    case IMM_SELECT_T: {
        if (!zw_rd_u32(&r, &in->a)) { ok = false; break; }
        if ((size_t)(r.end - r.p) < in->a) { ok = zw_rd_fail(&r, r.end, ZW_EOS_MSG); break; }
        for (uint32_t i = 0; ok && i < in->a; i++) {
            zw_valtype t = 0;
            ok = zw_rd_valtype(&r, features, &t);
            if (i == 0) in->b = t;
        }
        break;
    }
    case IMM_HEAPTYPE:
        ok = zw_rd_heaptype(&r, features, &in->a);
        break;
    }
    if (!ok) return ZWASM_ERR_MALFORMED;
    *pp = r.p;
    return ZWASM_OK;
}

void zw_read_catch(const uint8_t **pp, const uint8_t *end, uint8_t *kind, uint32_t *tag, uint32_t *label) {
    *kind = *pp < end ? *(*pp)++ : 0;
    *tag = UINT32_MAX;
    *label = 0;
    if (*kind < ZW_CATCH_ALL) zw_read_u32(pp, end, tag);
    zw_read_u32(pp, end, label);
}
