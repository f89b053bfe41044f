/*
 * memory.c — linear memories: address-space reservation, growth, and the
 * zwasm_memory_* API.
 *
 * A memory reserves its address space once (mmap PROT_NONE) and commits
 * pages with mprotect as it grows, so `base` never moves: the interpreter
 * (and a JIT) may keep it in a register across calls that grow memory.
 * For 32-bit memories we first try to reserve 8 GiB (the whole 4 GiB index
 * space plus a 4 GiB guard, enough for any i32 address + u32 offset); if
 * that fails we fall back to the declared maximum plus one guard page, then
 * to smaller reservations, and growth beyond the reservation fails (-1).
 */
#include <sys/mman.h>
#include <unistd.h>

#include "runtime.h"

#define ZW_GUARD_BYTES ((uint64_t)64 << 10)
#define ZW_FULL_RESERVE ((uint64_t)8 << 30)

static unsigned page_log2(const zw_memtype *t) { return t->page_log2; }

static uint64_t round_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

static void *reserve(uint64_t bytes) {
    if (bytes == 0 || bytes > (uint64_t)SIZE_MAX) return NULL;
    void *p = mmap(NULL, (size_t)bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* The engine's list of shared memories (zw_engine.shared_mems). */
static bool engine_list(zw_engine *e, zw_memory *m) {
    pthread_mutex_lock(&e->lock);
    m->holders = 1; /* the store that makes it */
    bool ok = ZW_VEC_PUSH(&e->cfg.allocator, &e->shared_mems, m);
    pthread_mutex_unlock(&e->lock);
    return ok;
}
static void engine_unlist_locked(zw_engine *e, zw_memory *m) {
    for (uint32_t i = 0; i < e->shared_mems.n; i++)
        if (e->shared_mems.v[i] == m) {
            e->shared_mems.v[i] = e->shared_mems.v[--e->shared_mems.n];
            return;
        }
}
static void engine_unlist(zw_engine *e, zw_memory *m) {
    pthread_mutex_lock(&e->lock);
    engine_unlist_locked(e, m);
    pthread_mutex_unlock(&e->lock);
}

static zwasm_result_t nomem(zwasm_error_t *err, const zw_memtype *t) {
    return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                      "out of memory: cannot allocate a memory of %llu pages",
                      (unsigned long long)t->lim.min);
}

zwasm_result_t zw_memory_create(zw_store *s, const zw_memtype *t, zw_memory **out,
                                zwasm_error_t *err) {
    *out = NULL;
    unsigned pl = page_log2(t);
    uint64_t limit = zw_mem_max_pages(t);
    uint64_t max_pages = t->lim.has_max && t->lim.max < limit ? t->lim.max : limit;
    if (t->lim.min > max_pages || t->lim.min > (UINT64_MAX >> pl) >> 1) return nomem(err, t);
    uint64_t min_bytes = t->lim.min << pl;
    /* a shared memory is charged its maximum now: another thread (store)
     * may grow it, beyond this store's view */
    uint64_t charge = t->shared ? (max_pages > (UINT64_MAX >> pl) ? UINT64_MAX : max_pages << pl) : min_bytes;
    if (s->nmems >= s->limits.memories)
        return zw_err_set(err, ZWASM_ERR_LIMIT, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "memory limit: the store may create %u memories", s->limits.memories);
    if (!zw_store_charge(s, charge))
        return zw_err_set(err, ZWASM_ERR_LIMIT, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "memory limit: a %smemory of %llu bytes exceeds the store's limit of "
                          "%llu bytes (%llu in use)", t->shared ? "shared memory (counted at its maximum) " : "",
                          (unsigned long long)charge,
                          (unsigned long long)s->limits.memory_bytes,
                          (unsigned long long)s->mem_used);

    long sys = sysconf(_SC_PAGESIZE);
    uint64_t sys_page = sys > 0 ? (uint64_t)sys : 4096;
    uint64_t max_bytes = max_pages > (UINT64_MAX >> pl) ? UINT64_MAX : max_pages << pl;

    /* Try the full reservation, then max + guard, then halve down to min. */
    uint64_t want = ZW_FULL_RESERVE;
    if (t->is64 && max_bytes < ZW_FULL_RESERVE - ZW_GUARD_BYTES)
        want = round_up(max_bytes + ZW_GUARD_BYTES, sys_page);
    uint64_t floor = round_up(min_bytes + ZW_GUARD_BYTES, sys_page);
    if (want < floor) want = floor;
    void *base = reserve(want);
    /* compiled code relies on the guard region of a 32-bit memory of big pages */
    if (!base && s->engine->backend->guarded_memories && !t->is64 && pl >= 12) {
        zw_store_release(s, charge);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC,
                          "out of memory: cannot reserve the %llu GiB of address space a "
                          "memory needs under the JIT", (unsigned long long)(ZW_FULL_RESERVE >> 30));
    }
    if (!base) {
        if (max_bytes < want - ZW_GUARD_BYTES) want = round_up(max_bytes + ZW_GUARD_BYTES, sys_page);
        if (want < floor) want = floor;
        while (!(base = reserve(want))) {
            if (want <= floor) {
                zw_store_release(s, charge);
                return nomem(err, t);
            }
            want = round_up(want / 2, sys_page);
            if (want < floor) want = floor;
        }
    }
    zw_memory *m = NULL;
    bool mu = false, listed = false;
    if ((min_bytes && mprotect(base, (size_t)min_bytes, PROT_READ | PROT_WRITE) != 0) ||
        !(m = zw_calloc(s->al, 1, sizeof *m)) ||
        (t->shared && (!(m->waiters = zw_waiters_new(s->al)) ||
                       !(mu = pthread_mutex_init(&m->grow_mu, NULL) == 0) ||
                       !(listed = engine_list(s->engine, m)))) ||
        !zw_store_adopt(s, ZW_OBJ_MEMORY, m)) {
        if (listed) engine_unlist(s->engine, m);
        if (mu) pthread_mutex_destroy(&m->grow_mu);
        if (m) zw_waiters_free(s->al, m->waiters);
        zw_free(s->al, m);
        munmap(base, (size_t)want);
        zw_store_release(s, charge);
        return nomem(err, t);
    }
    s->nmems++;
    m->store = s;
    m->base = base;
    m->size = min_bytes;
    m->pages = t->lim.min;
    m->max_pages = max_pages;
    m->reserved = want;
    m->guarded = !t->is64 && want >= ZW_FULL_RESERVE;
    m->type = *t;
    m->type.page_log2 = (uint8_t)pl;
    *out = m;
    return ZWASM_OK;
}

void zw_memory_destroy(zw_memory *m) {
    if (!m) return;
    if (m->type.shared) {
        /* the last holder frees it; until then it stays listed, so no
         * store can take it up while it goes */
        zw_engine *e = m->store->engine;
        pthread_mutex_lock(&e->lock);
        bool last = --m->holders == 0;
        if (last) engine_unlist_locked(e, m);
        pthread_mutex_unlock(&e->lock);
        if (!last) return;
        pthread_mutex_destroy(&m->grow_mu);
    }
    if (m->base) munmap(m->base, (size_t)m->reserved);
    zw_waiters_free(m->store->al, m->waiters);
    zw_free(m->store->al, m);
}

bool zw_memory_share(zw_store *s, zw_memory *m) {
    zw_engine *e = s->engine;
    bool found = false;
    pthread_mutex_lock(&e->lock);
    for (uint32_t i = 0; i < e->shared_mems.n && !found; i++) found = e->shared_mems.v[i] == m;
    if (found) m->holders++; /* before the adoption: a holder on another thread may let go meanwhile */
    pthread_mutex_unlock(&e->lock);
    if (!found) return false;
    if (!zw_store_adopt(s, ZW_OBJ_MEMORY, m)) {
        zw_memory_destroy(m); /* the hold just taken */
        return false;
    }
    return true;
}

static int64_t grow(zw_memory *m, uint64_t delta);

int64_t zw_memory_grow(zw_memory *m, uint64_t delta) {
    if (!m->type.shared) return grow(m, delta);
    pthread_mutex_lock(&m->grow_mu);
    int64_t r = grow(m, delta);
    pthread_mutex_unlock(&m->grow_mu);
    return r;
}

/* (a shared memory: under its grow_mu; already charged its maximum) */
static int64_t grow(zw_memory *m, uint64_t delta) {
    uint64_t old = m->pages;
    if (delta == 0) return (int64_t)old;
    if (delta > m->max_pages - old) return -1;
    unsigned pl = page_log2(&m->type);
    /* beyond the reservation (checked in pages: 2^48 64 KiB pages shift to 0) */
    if (old + delta > (m->reserved >> pl)) return -1;
    uint64_t new_bytes = (old + delta) << pl;
    bool charge = !m->type.shared;
    if (charge && !zw_store_charge(m->store, new_bytes - m->size)) return -1;
    /* whole system pages (small wasm pages, custom-page-sizes, end inside
     * one: the rest of it is already accessible, and still zero) */
    long sys = sysconf(_SC_PAGESIZE);
    uint64_t sp = sys > 0 ? (uint64_t)sys : 4096, from = round_up(m->size, sp), to = round_up(new_bytes, sp);
    if (to > from && mprotect(m->base + from, (size_t)(to - from), PROT_READ | PROT_WRITE) != 0) {
        if (charge) zw_store_release(m->store, new_bytes - m->size);
        return -1;
    }
    /* Fresh anonymous pages read as zero: growth is zero-filled.  The new
     * size is published after the pages became accessible (zw_mem_size),
     * and before the page count: a thread that reads the new count
     * (memory.size) and accesses up to it then finds the new size in the
     * bounds check, never the old one. */
    __atomic_store_n(&m->size, new_bytes, __ATOMIC_RELEASE);
    __atomic_store_n(&m->pages, old + delta, __ATOMIC_RELEASE);
    return (int64_t)old;
}

/* ---- API -------------------------------------------------------------------- */

ZWASM_API zwasm_memory_t *zwasm_memory_new(zwasm_store_t *store, uint64_t min_pages,
                                           uint64_t max_pages, bool has_max) {
    zwasm_externtype_t t = {.kind = ZWASM_EXTERN_MEMORY};
    t.of.memory.limits = (zwasm_limits_t){min_pages, max_pages, has_max};
    t.of.memory.page_log2 = 16;
    return zwasm_memory_new_typed(store, &t);
}

ZWASM_API zwasm_memory_t *zwasm_memory_new_typed(zwasm_store_t *store, const zwasm_externtype_t *type) {
    if (!zw_store_live(store) || !type || type->kind != ZWASM_EXTERN_MEMORY ||
        (type->of.memory.shared && !type->of.memory.limits.has_max))
        return NULL;
    const zwasm_limits_t *l = &type->of.memory.limits;
    zw_memtype t = {.lim = {.min = l->min, .max = l->has_max ? l->max : 0, .has_max = l->has_max},
                    .is64 = type->of.memory.is64, .shared = type->of.memory.shared,
                    .page_log2 = type->of.memory.page_log2};
    if ((t.page_log2 != 16 && t.page_log2 != 0) || l->min > zw_mem_max_pages(&t) ||
        (l->has_max && (l->max > zw_mem_max_pages(&t) || l->max < l->min)))
        return NULL;
    zw_memory *m;
    zw_memory_create(store, &t, &m, NULL);
    return m;
}

ZWASM_API uint8_t *zwasm_memory_data(zwasm_memory_t *m) { return m ? m->base : NULL; }

ZWASM_API uint64_t zwasm_memory_size(const zwasm_memory_t *m) { return m ? zw_mem_size(m) : 0; }

ZWASM_API uint64_t zwasm_memory_pages(const zwasm_memory_t *m) { return m ? zw_mem_pages(m) : 0; }

ZWASM_API int64_t zwasm_memory_grow(zwasm_memory_t *m, uint64_t delta_pages) {
    return m ? zw_memory_grow(m, delta_pages) : -1;
}

ZWASM_API void zwasm_memory_type(const zwasm_memory_t *m, zwasm_externtype_t *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    out->kind = ZWASM_EXTERN_MEMORY;
    if (!m) return;
    out->of.memory.limits.min = zw_mem_pages(m);
    out->of.memory.limits.max = m->type.lim.has_max ? m->type.lim.max : 0;
    out->of.memory.limits.has_max = m->type.lim.has_max;
    out->of.memory.is64 = m->type.is64;
    out->of.memory.page_log2 = m->type.page_log2;
    out->of.memory.shared = m->type.shared;
}
