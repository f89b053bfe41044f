/*
 * signal.c — turning a fault in compiled code into a trap.
 *
 * Compiled code does not bounds-check loads and stores (atomic ones
 * included) of a guarded memory (runtime.h, zw_memory.guarded): an access
 * beyond the memory's size lands in the inaccessible rest of its 8 GiB
 * reservation and raises SIGSEGV.
 * The handler claims a fault only when the kernel raised it, the faulting
 * thread is running compiled code (its zw_jctx, found through a
 * thread-local pointer, has `native` clear: compiled code sets it around
 * every call into C), the instruction is in code compiled for the store,
 * and the address lies in the reservation of the memory that code is using
 * (the architecture code checks the last two); it then makes the thread continue in the
 * trap stub as if the faulting instruction had called it, so the trap
 * reports that instruction.  Every other fault goes to the handler that
 * was installed before ours, or gets the default action.
 *
 * Process-wide state, the only kind the library keeps besides thread-local
 * caches: the handler is installed once (pthread_once) when a thread first
 * enters compiled code, remembering the previous one.  Each thread that
 * runs compiled code gets an alternate signal stack (unless it has one),
 * freed when the thread exits.  An embedder that installs its own SIGSEGV
 * handler afterwards must chain to ours for wasm traps to work.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/mman.h>

#include "jit_int.h"

#define ALT_STACK_BYTES ((size_t)64 << 10)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct sigaction prev;        /* the handler before ours */
static pthread_key_t alt_key;        /* frees a thread's alternate stack */
static bool installed;
static __thread zw_jctx *tls_ctx;    /* the context of the compiled code this thread runs */
static __thread bool tls_alt;        /* this thread has an alternate stack */

static void chain(int sig, siginfo_t *si, void *uc) {
    if (prev.sa_flags & SA_SIGINFO) {
        prev.sa_sigaction(sig, si, uc);
        return;
    }
    if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
        prev.sa_handler(sig);
        return;
    }
    /* default action: returning re-executes the access, which now kills */
    signal(sig, SIG_DFL);
}

static void on_segv(int sig, siginfo_t *si, void *uc) {
    zw_jctx *ctx = tls_ctx;
    /* from the kernel (not kill/sigqueue), in compiled code, in its memory */
    if (ctx && !ctx->native && si->si_code > 0 && zw_jit_arch_fault(ctx, si->si_addr, uc)) return;
    chain(sig, si, uc);
}

static void free_alt(void *p) {
    stack_t ss = {.ss_flags = SS_DISABLE};
    sigaltstack(&ss, NULL);
    munmap(p, ALT_STACK_BYTES);
}

static void install(void) {
    if (pthread_key_create(&alt_key, free_alt) != 0) return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    installed = sigaction(SIGSEGV, &sa, &prev) == 0;
}

bool zw_jit_signal_ready(void) {
    pthread_once(&once, install);
    if (!installed) return false;
    if (tls_alt) return true;
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE)) {
        tls_alt = true; /* the thread's own */
        return true;
    }
    void *p = mmap(NULL, ALT_STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return false;
    stack_t ss = {.ss_sp = p, .ss_size = ALT_STACK_BYTES, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0 || pthread_setspecific(alt_key, p) != 0) {
        munmap(p, ALT_STACK_BYTES);
        return false;
    }
    tls_alt = true;
    return true;
}

zw_jctx *zw_jit_signal_enter(zw_jctx *ctx) {
    zw_jctx *old = tls_ctx;
    tls_ctx = ctx;
    return old;
}

void zw_jit_signal_leave(zw_jctx *old) { tls_ctx = old; }
