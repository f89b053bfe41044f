/*
 * bulk.c — the bulk memory and table instructions (memory.fill/copy/init,
 * table.fill/copy/init), written once for every engine: the interpreter's
 * handlers and the JIT's helpers decode their operands (zw_mem_addr,
 * zw_table_index) and call these.  Each checks its ranges without
 * overflow (64-bit memories and tables can name any u64), then burns fuel
 * for its work (zwasm.h, "Fuel"), then does it; it returns 0 or the trap
 * kind.  fuel is the fuel left (UINT64_MAX when the engine burns none).
 */
#include "runtime.h"

static uint32_t burn(uint64_t *fuel, uint64_t units) {
    if (ZW_UNLIKELY(units > *fuel)) {
        *fuel = 0;
        return ZWASM_TRAP_OUT_OF_FUEL;
    }
    *fuel -= units;
    return 0;
}

uint32_t zw_memory_fill(zw_memory *mm, uint64_t d, uint8_t val, uint64_t n, uint64_t *fuel) {
    if (ZW_UNLIKELY(!zw_in_range(d, n, zw_mem_size(mm)))) return ZWASM_TRAP_MEMORY_OOB;
    uint32_t t = burn(fuel, n / 64);
    if (!t && n) memset(mm->base + d, val, n);
    return t;
}

uint32_t zw_memory_copy(zw_memory *md, zw_memory *ms, uint64_t d, uint64_t s, uint64_t n,
                        uint64_t *fuel) {
    if (ZW_UNLIKELY(!zw_in_range(d, n, zw_mem_size(md)) || !zw_in_range(s, n, zw_mem_size(ms))))
        return ZWASM_TRAP_MEMORY_OOB;
    uint32_t t = burn(fuel, n / 64);
    if (!t && n) memmove(md->base + d, ms->base + s, n);
    return t;
}

uint32_t zw_memory_init(zw_instance *inst, uint32_t seg, zw_memory *mm, uint64_t d, uint64_t s,
                        uint64_t n, uint64_t *fuel) {
    if (ZW_UNLIKELY(!zw_in_range(s, n, inst->data_len[seg]) || !zw_in_range(d, n, zw_mem_size(mm))))
        return ZWASM_TRAP_MEMORY_OOB;
    uint32_t t = burn(fuel, n / 64);
    if (!t && n) memcpy(mm->base + d, inst->module->datas[seg].bytes + s, n);
    return t;
}

uint32_t zw_table_grow_fuel(zw_tableinst *tab, uint64_t n, void *init, uint64_t *fuel, int64_t *result) {
    /* a grow that cannot succeed returns -1 and burns nothing (n is at most
     * ZW_TABLE_MAX_ELEMS once the table allows it: the product cannot wrap) */
    if (!zw_table_can_grow(tab, n) || !zw_store_can_charge(tab->store, n * sizeof(void *))) {
        *result = -1;
        return 0;
    }
    uint32_t t = burn(fuel, n / 8);
    if (!t) *result = zw_table_grow(tab, n, init);
    return t;
}

uint32_t zw_table_fill(zw_tableinst *tab, uint64_t i, void *val, uint64_t n, uint64_t *fuel) {
    if (ZW_UNLIKELY(!zw_in_range(i, n, tab->size))) return ZWASM_TRAP_TABLE_OOB;
    uint32_t t = burn(fuel, n / 8);
    if (!t)
        for (uint64_t k = 0; k < n; k++) tab->elems[i + k] = val;
    return t;
}

uint32_t zw_table_copy(zw_tableinst *td, zw_tableinst *ts, uint64_t d, uint64_t s, uint64_t n,
                       uint64_t *fuel) {
    if (ZW_UNLIKELY(!zw_in_range(d, n, td->size) || !zw_in_range(s, n, ts->size)))
        return ZWASM_TRAP_TABLE_OOB;
    uint32_t t = burn(fuel, n / 8);
    if (!t && n) memmove(td->elems + d, ts->elems + s, n * sizeof(void *));
    return t;
}

uint32_t zw_table_init(zw_instance *inst, uint32_t seg, zw_tableinst *tab, uint64_t d, uint64_t s,
                       uint64_t n, uint64_t *fuel) {
    if (ZW_UNLIKELY(!zw_in_range(s, n, inst->elem_len[seg]) || !zw_in_range(d, n, tab->size)))
        return ZWASM_TRAP_TABLE_OOB;
    uint32_t t = burn(fuel, n / 8);
    if (!t && n) memmove(tab->elems + d, inst->elem_refs[seg] + s, n * sizeof(void *));
    return t;
}
