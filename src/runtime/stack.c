/*
 * stack.c — the native stack bound: how much C stack the thread entering
 * wasm has left.
 *
 * Wasm -> wasm calls never recurse in C (the interpreter keeps its own
 * frames), but every host -> wasm re-entry (a host function calling
 * zwasm_func_call) nests zw_call, the interpreter and the host function on
 * the C stack: a guest recursing through a host import would otherwise
 * overflow it and crash the embedder.  zw_native_stack_ok is checked at
 * every entry into wasm; it learns the calling thread's stack limits from
 * pthread_getattr_np and refuses to enter while less than
 * ZW_NATIVE_STACK_MARGIN is left, so the trap "call stack exhausted" is
 * raised with room to spare for the code between two checks (the
 * interpreter, a host function, WASI's buffers).
 *
 * A thread's stack never changes, so its floor is cached per thread, in the
 * library's one thread-local variable (a new thread starts without one; a
 * pthread_t can be recycled for a thread with a smaller stack, a TLS slot
 * cannot); the lookup itself is slow on the main thread (it reads /proc).
 * Each outermost entry copies the floor into the store's zw_exec, where
 * compiled code can compare against it.  Code running on a stack the
 * thread library does not know (a fiber made with makecontext) gets the
 * RLIMIT_STACK estimate below.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sys/resource.h>

#include "runtime.h"

#if defined(__SANITIZE_ADDRESS__)
#define ZW_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ZW_ASAN 1
#endif
#endif

/* Room kept free below every entry into wasm.  One host -> wasm -> host
 * level takes about ZW_LEVEL bytes (measured: tests/unit/test_api.c,
 * api_reentry_*); sanitizers make frames several times larger. */
#ifdef ZW_ASAN
#define ZW_NATIVE_STACK_MARGIN ((uintptr_t)96 << 10)
#else
#define ZW_NATIVE_STACK_MARGIN ((uintptr_t)48 << 10)
#endif

/* The lowest usable address of the calling thread's stack. */
static uintptr_t stack_low(uintptr_t here) {
    pthread_attr_t a;
    void *addr = NULL;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        int r = pthread_attr_getstack(&a, &addr, &size);
        pthread_attr_destroy(&a);
        uintptr_t lo = (uintptr_t)addr;
        if (r == 0 && here > lo && here - lo <= size) return lo;
    }
    /* Unknown: assume what RLIMIT_STACK allows below here (at most 8 MiB). */
    struct rlimit rl;
    uintptr_t room = (uintptr_t)8 << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < room)
        room = (uintptr_t)rl.rlim_cur;
    return here > room ? here - room : 0;
}

static __thread uintptr_t thread_floor;

bool zw_native_stack_ok(zw_exec *ex) {
    uintptr_t here = (uintptr_t)__builtin_frame_address(0);
    if (ex->nest == 0) {
        if (!thread_floor) thread_floor = stack_low(here) + ZW_NATIVE_STACK_MARGIN;
        ex->native_floor = thread_floor;
    }
    return here > ex->native_floor;
}
