/*
 * instr.c — the instruction reader shared by the decoder (which scans every
 * function body and constant expression once to reject malformed code), the
 * validator and the IR lowering: zw_read_instr() decodes one opcode and its
 * immediates, driven by the immediate kinds of opcodes.def.
 */
#include "../module.h"
#include "../opcodes.h"

#define EOS_MSG "unexpected end of section or function"

typedef struct ird {
    const uint8_t *base, *p, *end;
    uint32_t func;
    zwasm_error_t *err;
} ird;

static bool ir_fail(ird *r, const uint8_t *at, const char *msg) {
    zw_err_set(r->err, ZWASM_ERR_MALFORMED, (uint64_t)(at - r->base), r->func, "%s", msg);
    return false;
}

/* Explain why a LEB128 read of an N-bit integer failed at p. */
static bool ir_leb_fail(ird *r, const uint8_t *p, unsigned bits) {
    unsigned maxbytes = (bits + 6) / 7, i;
    for (i = 0; i < maxbytes; i++) {
        if (p + i >= r->end) return ir_fail(r, p + i, EOS_MSG);
        if (!(p[i] & 0x80)) break;
    }
    if (i == maxbytes) return ir_fail(r, p + maxbytes - 1, "integer representation too long");
    return ir_fail(r, p + i, "integer too large");
}

static bool ir_u32(ird *r, uint32_t *out) {
    const uint8_t *p = r->p;
    if (!zw_read_u32(&r->p, r->end, out)) return ir_leb_fail(r, p, 32);
    return true;
}

static bool ir_byte(ird *r, uint8_t *out) {
    if (r->p >= r->end) return ir_fail(r, r->p, EOS_MSG);
    *out = *r->p++;
    return true;
}

static bool ir_bytes(ird *r, void *dst, size_t n) {
    if ((size_t)(r->end - r->p) < n) return ir_fail(r, r->end, EOS_MSG);
    memcpy(dst, r->p, n);
    r->p += n;
    return true;
}

static bool ir_zero(ird *r) {
    uint8_t b;
    const uint8_t *at = r->p;
    if (!ir_byte(r, &b)) return false;
    if (b != 0) return ir_fail(r, at, "zero byte expected");
    return true;
}

static bool is_valtype_byte(uint8_t b) {
    return (b >= 0x7B && b <= 0x7F) || b == 0x70 || b == 0x6F;
}

static bool ir_memarg(ird *r, zw_instr *in) {
    const uint8_t *at = r->p;
    if (!ir_u32(r, &in->align)) return false;
    in->mem = 0;
    /* bit 6 (a memory index follows) belongs to multi-memory, not Wasm 2.0;
     * alignments of 2^32 and more cannot be valid anyway */
    if (in->align >= 32) return ir_fail(r, at, "malformed memop flags");
    const uint8_t *p = r->p;
    uint32_t off;
    if (!zw_read_u32(&r->p, r->end, &off)) return ir_leb_fail(r, p, 32);
    in->offset = off;
    return true;
}

zwasm_result_t zw_read_instr(const uint8_t *base, const uint8_t **pp, const uint8_t *end,
                             uint32_t func, zw_instr *in, zwasm_error_t *err) {
    ird r = {base, *pp, end, func, err};
    const uint8_t *start = r.p;
    uint8_t b;
    memset(in, 0, sizeof *in);
    if (!ir_byte(&r, &b)) return ZWASM_ERR_MALFORMED;
    int op;
    if (b == 0xFC || b == 0xFD) {
        uint32_t code;
        if (!ir_u32(&r, &code)) return ZWASM_ERR_MALFORMED;
        op = zw_op_lookup(b, code);
    } else {
        op = zw_op_lookup(0, b);
    }
    if (op < 0) {
        ir_fail(&r, start, "illegal opcode");
        return ZWASM_ERR_MALFORMED;
    }
    in->op = (uint32_t)op;
    bool ok = true;
    switch (zw_opinfos[op].imm) {
    case IMM_NONE: break;
    case IMM_BLOCK: {
        if (r.p >= r.end) { ok = ir_fail(&r, r.p, EOS_MSG); break; }
        uint8_t c = *r.p;
        if (c == 0x40) { r.p++; in->bt_kind = 0; break; }
        if (is_valtype_byte(c)) { r.p++; in->bt_kind = 1; in->a = c; break; }
        const uint8_t *p = r.p;
        int64_t v;
        if (!zw_read_s33(&r.p, r.end, &v)) { ok = ir_leb_fail(&r, p, 33); break; }
        if (v < 0) { ok = ir_fail(&r, p, "malformed value type"); break; }
        in->bt_kind = 2;
        in->a = (uint32_t)v;
        break;
    }
    case IMM_LABEL: case IMM_FUNC: case IMM_LOCAL: case IMM_GLOBAL: case IMM_TABLE:
    case IMM_ELEM: case IMM_DATA:
        ok = ir_u32(&r, &in->a);
        break;
    case IMM_CALLIND: case IMM_ELEM_TABLE: case IMM_TABLE_TABLE:
        ok = ir_u32(&r, &in->a) && ir_u32(&r, &in->b);
        break;
    case IMM_DATA_MEM:
        ok = ir_u32(&r, &in->a) && ir_zero(&r);
        break;
    case IMM_MEM:
        ok = ir_zero(&r);
        break;
    case IMM_MEM_MEM:
        ok = ir_zero(&r) && ir_zero(&r);
        break;
    case IMM_BRTABLE: {
        if (!ir_u32(&r, &in->a)) { ok = false; break; }
        if ((size_t)(r.end - r.p) < in->a) { ok = ir_fail(&r, r.end, EOS_MSG); break; }
        in->tbl = r.p;
        uint32_t t;
        for (uint32_t i = 0; ok && i < in->a; i++) ok = ir_u32(&r, &t);
        if (ok) ok = ir_u32(&r, &in->b);
        break;
    }
    case IMM_MEMARG:
        ok = ir_memarg(&r, in);
        break;
    case IMM_MEMARG_LANE:
        ok = ir_memarg(&r, in) && ir_byte(&r, &in->lane);
        break;
    case IMM_LANE:
        ok = ir_byte(&r, &in->lane);
        break;
    case IMM_I32: {
        const uint8_t *p = r.p;
        int32_t v;
        if (!zw_read_s32(&r.p, r.end, &v)) { ok = ir_leb_fail(&r, p, 32); break; }
        in->imm = v;
        break;
    }
    case IMM_I64: {
        const uint8_t *p = r.p;
        if (!zw_read_s64(&r.p, r.end, &in->imm)) ok = ir_leb_fail(&r, p, 64);
        break;
    }
    case IMM_F32: ok = ir_bytes(&r, &in->v.u32[0], 4); break;
    case IMM_F64: ok = ir_bytes(&r, &in->v.u64[0], 8); break;
    case IMM_V128: case IMM_SHUFFLE: ok = ir_bytes(&r, in->v.u8, 16); break;
    case IMM_SELECT_T: {
        if (!ir_u32(&r, &in->a)) { ok = false; break; }
        if ((size_t)(r.end - r.p) < in->a) { ok = ir_fail(&r, r.end, EOS_MSG); break; }
        for (uint32_t i = 0; ok && i < in->a; i++) {
            const uint8_t *at = r.p;
            uint8_t t;
            if (!ir_byte(&r, &t)) { ok = false; break; }
            if (!is_valtype_byte(t)) { ok = ir_fail(&r, at, "malformed value type"); break; }
            if (i == 0) in->b = t;
        }
        break;
    }
    case IMM_HEAPTYPE: {
        const uint8_t *at = r.p;
        uint8_t t;
        if (!ir_byte(&r, &t)) { ok = false; break; }
        if (t != 0x70 && t != 0x6F) { ok = ir_fail(&r, at, "malformed reference type"); break; }
        in->a = t;
        break;
    }
    }
    if (!ok) return ZWASM_ERR_MALFORMED;
    *pp = r.p;
    return ZWASM_OK;
}
