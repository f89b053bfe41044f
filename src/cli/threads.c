/*
 * threads.c — wasi-threads for `zwasm run`: a module that imports
 * wasi.thread-spawn gets it here, and a shared memory it imports is made
 * once and given to every thread.
 *
 * Each spawned thread runs in a store of its own: it instantiates the
 * module again (the shared memory, the WASI context shared with
 * zwasm_wasi_share, thread-spawn) and calls wasi_thread_start(tid, arg).
 * The program ends as a whole: the first thread to trap or call proc_exit,
 * or the main thread's return, sets the exit status and interrupts every
 * other store (a wait wakes within its 10 ms slice); the main thread then
 * joins them.  A thread stuck in a host call (a blocking read) is not
 * waited for beyond a second: the process exits with the status anyway.
 * At most max threads run at once; thread-spawn returns -1 beyond.  A
 * thread is detached and takes its record out of the list when it ends, so
 * a program that keeps spawning short threads holds only the live ones.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

typedef struct cli_thread {
    cli_threads *ct;
    pthread_t thread;
    zwasm_store_t *store; /* under ct->mu: set while it runs, for interrupts */
    zwasm_store_t *own;   /* its store and WASI context, made by the spawning */
    zwasm_wasi_t *wasi;   /* thread (the context is shared before spawn returns) */
    int32_t tid, arg;
} cli_thread;

struct cli_threads {
    zwasm_engine_t *engine;
    const zwasm_module_t *module;
    const char *file;
    zwasm_wasi_t *wasi;          /* the main thread's context */
    zwasm_store_t *main_store;
    zwasm_memory_t *memory;      /* the shared memory every thread imports, once made */
    uint32_t max;                /* threads running at once, beyond the main one */
    pthread_mutex_t mu;
    pthread_cond_t done;         /* signalled when a thread ends */
    ZW_VEC(cli_thread *) threads; /* the running ones */
    uint32_t running;
    int32_t next_tid;
    bool ending;                 /* every thread stops: status is final */
    bool finishing;              /* the main thread is in cli_threads_finish */
    int status;
};

cli_threads *cli_threads_new(zwasm_engine_t *engine, const zwasm_module_t *module, const char *file,
                             zwasm_store_t *main_store, uint32_t max) {
    cli_threads *ct = zw_calloc(NULL, 1, sizeof *ct);
    if (!ct) return NULL;
    ct->engine = engine;
    ct->module = module;
    ct->file = file;
    ct->main_store = main_store;
    ct->max = max;
    ct->next_tid = 1;
    pthread_mutex_init(&ct->mu, NULL);
    pthread_cond_init(&ct->done, NULL);
    return ct;
}

void cli_threads_set_wasi(cli_threads *ct, zwasm_wasi_t *wasi) { ct->wasi = wasi; }

/* The program ends with status (unless it already ends): every store is
 * interrupted. */
static void end_all(cli_threads *ct, int status) {
    pthread_mutex_lock(&ct->mu);
    if (!ct->ending) {
        ct->ending = true;
        ct->status = status;
    }
    for (uint32_t i = 0; i < ct->threads.n; i++)
        if (ct->threads.v[i]->store) zwasm_store_interrupt(ct->threads.v[i]->store);
    zwasm_store_interrupt(ct->main_store);
    pthread_mutex_unlock(&ct->mu);
}

bool cli_threads_ending(cli_threads *ct) {
    if (!ct) return false;
    pthread_mutex_lock(&ct->mu);
    bool e = ct->ending;
    pthread_mutex_unlock(&ct->mu);
    return e;
}

/* The CLOCK_REALTIME time ms milliseconds from now (pthread_cond_timedwait's). */
static struct timespec deadline_in(long ms) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += ms / 1000;
    t.tv_nsec += (ms % 1000) * 1000000;
    if (t.tv_nsec >= 1000000000) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000;
    }
    return t;
}

/* Once the program ends, whoever waits gives the others a second to see the
 * interrupt: the main thread waits for the threads to end, a thread that
 * ended the program for the main thread to finish.  A blocking host call
 * (a read of an empty pipe) may hold one for ever: then the process ends
 * without it, with the program's status.  Returns that status. */
static bool others_done(const cli_threads *ct, bool for_main) {
    return for_main ? ct->finishing : ct->running == 0;
}
static int wait_then_exit(cli_threads *ct, bool for_main) {
    struct timespec until = deadline_in(1000);
    pthread_mutex_lock(&ct->mu);
    while (!others_done(ct, for_main) && pthread_cond_timedwait(&ct->done, &ct->mu, &until) != ETIMEDOUT) {}
    bool stuck = !others_done(ct, for_main);
    int status = ct->status;
    pthread_mutex_unlock(&ct->mu);
    if (stuck) {
        fflush(stdout);
        fprintf(stderr, "zwasm: %s did not stop within 1 s of the program's end; exiting\n",
                for_main ? "the main thread" : "a thread");
        fflush(stderr);
        _exit(status);
    }
    return status;
}

/* What a thread's failed call means for the program: its exit status
 * (printing the trap or error), or -1 when it was stopped because the
 * program ends anyway. */
static int thread_failed(cli_threads *ct, cli_thread *t, zwasm_result_t r, const zwasm_error_t *err) {
    if (r == ZWASM_ERR_TRAP && err->trap == ZWASM_TRAP_EXIT) return err->exit_code;
    if (r == ZWASM_ERR_TRAP && err->trap == ZWASM_TRAP_INTERRUPTED && cli_threads_ending(ct)) return -1;
    char fe[1024], me[1024];
    fflush(stdout);
    fprintf(stderr, "zwasm: %s: thread %d: %s\n", cli_esc(fe, sizeof fe, ct->file), (int)t->tid,
            cli_esc(me, sizeof me, err->message));
    if (r == ZWASM_ERR_TRAP && err->backtrace[0]) fputs(err->backtrace, stderr);
    return r == ZWASM_ERR_TRAP || r == ZWASM_ERR_EXCEPTION ? CLI_EXIT_TRAP : CLI_EXIT_ERROR;
}

static void *thread_main(void *p) {
    cli_thread *t = p;
    cli_threads *ct = t->ct;
    zwasm_error_t err = {0};
    zwasm_result_t r = ZWASM_ERR_NOMEM;
    zwasm_wasi_t *wasi = t->wasi;
    uint32_t n = zwasm_module_import_count(ct->module);
    zwasm_extern_t *imports = zw_calloc(NULL, n + 1, sizeof *imports);
    bool *resolved = zw_calloc(NULL, n + 1, sizeof *resolved);
    zwasm_store_t *s = t->own;
    pthread_mutex_lock(&ct->mu);
    bool go = s && imports && resolved && !ct->ending;
    if (go) t->store = s;
    pthread_mutex_unlock(&ct->mu);
    if (go) {
        snprintf(err.message, sizeof err.message, "out of memory");
        zwasm_instance_t *inst = NULL;
        zwasm_extern_t start;
        r = zwasm_wasi_define_imports(wasi, ct->module, imports, resolved, &err);
        if (r == ZWASM_OK && !cli_threads_imports(ct, s, imports, resolved, err.message, sizeof err.message))
            r = ZWASM_ERR_LINK;
        if (r == ZWASM_OK) r = zwasm_instance_new(s, ct->module, imports, n, &inst, &err);
        if (r == ZWASM_OK && (!zwasm_instance_export(inst, "wasi_thread_start", 17, &start) ||
                              start.kind != ZWASM_EXTERN_FUNC)) {
            snprintf(err.message, sizeof err.message, "the module has no wasi_thread_start export");
            r = ZWASM_ERR_LINK;
        }
        if (r == ZWASM_OK) {
            zwasm_val_t args[2] = {{.kind = ZWASM_I32, .of.i32 = t->tid}, {.kind = ZWASM_I32, .of.i32 = t->arg}};
            r = zwasm_func_call(s, start.of.func, args, 2, NULL, 0, &err);
        }
    }
    if (go && r != ZWASM_OK) {
        int status = thread_failed(ct, t, r, &err);
        if (status >= 0) {
            end_all(ct, status);
            wait_then_exit(ct, true);
        }
    }
    pthread_mutex_lock(&ct->mu);
    t->store = NULL; /* no more interrupts: it is going */
    pthread_mutex_unlock(&ct->mu);
    if (s) zwasm_store_delete(s);
    zwasm_wasi_delete(wasi);
    free(imports);
    free(resolved);
    pthread_mutex_lock(&ct->mu);
    for (uint32_t i = 0; i < ct->threads.n; i++)
        if (ct->threads.v[i] == t) {
            ct->threads.v[i] = ct->threads.v[--ct->threads.n];
            break;
        }
    ct->running--;
    pthread_cond_broadcast(&ct->done);
    pthread_mutex_unlock(&ct->mu);
    free(t);
    return NULL;
}

/* wasi.thread-spawn(start_arg) -> tid (1 .. 2^29-1), or -1: the limit on
 * threads, the program ending, or no thread to be had. */
static zwasm_result_t spawn(void *env, zwasm_caller_t *caller, const zwasm_val_t *args, zwasm_val_t *results,
                            zwasm_error_t *err) {
    (void)caller; (void)err;
    cli_threads *ct = env;
    results[0].kind = ZWASM_I32;
    results[0].of.i32 = -1;
    cli_thread *t = zw_calloc(NULL, 1, sizeof *t);
    if (!t) return ZWASM_OK;
    /* the store and the shared context are made here, so that the context
     * is shared (its streams read and written unlocked) before the spawner
     * goes on */
    zwasm_error_t e;
    t->own = zwasm_store_new(ct->engine);
    if (!t->own || zwasm_wasi_share(ct->wasi, t->own, &t->wasi, &e) != ZWASM_OK) goto fail;
    pthread_mutex_lock(&ct->mu);
    /* At the limit, a thread that has just ended frees its slot within
     * moments (its joiner sees it end before its host teardown is done, or
     * even before its last instructions ran): wait for one, 100 ms at most. */
    struct timespec until = deadline_in(100);
    while (!ct->ending && ct->running >= ct->max &&
           pthread_cond_timedwait(&ct->done, &ct->mu, &until) != ETIMEDOUT) {}
    if (ct->ending || ct->running >= ct->max || ct->next_tid > 0x1FFFFFFF ||
        !ZW_VEC_PUSH(NULL, &ct->threads, t)) {
        pthread_mutex_unlock(&ct->mu);
        goto fail;
    }
    t->ct = ct;
    t->tid = ct->next_tid++;
    t->arg = args[0].of.i32;
    ct->running++;
    pthread_attr_t attr;
    bool made = pthread_attr_init(&attr) == 0;
    if (made) {
        made = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
               pthread_create(&t->thread, &attr, thread_main, t) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!made) {
        ct->running--;
        ct->threads.n--;
        pthread_mutex_unlock(&ct->mu);
        goto fail;
    }
    results[0].of.i32 = t->tid;
    pthread_mutex_unlock(&ct->mu);
    return ZWASM_OK;
fail:
    zwasm_wasi_delete(t->wasi);
    if (t->own) zwasm_store_delete(t->own);
    free(t);
    return ZWASM_OK;
}

bool cli_threads_imports(cli_threads *ct, zwasm_store_t *store, zwasm_extern_t *imports, bool *resolved,
                         char *why, size_t whylen) {
    uint32_t n = zwasm_module_import_count(ct->module);
    for (uint32_t i = 0; i < n; i++) {
        zwasm_importtype_t it;
        if (resolved[i] || !zwasm_module_import(ct->module, i, &it)) continue;
        if (it.type.kind == ZWASM_EXTERN_MEMORY && it.type.of.memory.shared) {
            /* the one shared memory, made by the main thread's store */
            pthread_mutex_lock(&ct->mu);
            if (!ct->memory) ct->memory = zwasm_memory_new_typed(ct->main_store, &it.type);
            zwasm_memory_t *m = ct->memory;
            pthread_mutex_unlock(&ct->mu);
            if (!m) {
                snprintf(why, whylen, "cannot make the shared memory it imports (out of memory or "
                                      "a limit)");
                return false;
            }
            imports[i] = (zwasm_extern_t){.kind = ZWASM_EXTERN_MEMORY, .of.memory = m};
            resolved[i] = true;
        } else if (it.type.kind == ZWASM_EXTERN_FUNC && it.module_len == 4 && !memcmp(it.module, "wasi", 4) &&
                   it.name_len == 12 && !memcmp(it.name, "thread-spawn", 12)) {
            static const uint32_t i32[] = {ZWASM_I32};
            zwasm_functype_t ft = {.params = i32, .nparams = 1, .results = i32, .nresults = 1};
            const zwasm_functype_t *want = &it.type.of.func;
            if (want->nparams != 1 || want->nresults != 1 || want->params[0] != ZWASM_I32 ||
                want->results[0] != ZWASM_I32) {
                snprintf(why, whylen, "import wasi.thread-spawn has the wrong type (expected (i32) -> i32)");
                return false;
            }
            zwasm_func_t *f = zwasm_func_new(store, &ft, spawn, ct, NULL);
            if (!f) {
                snprintf(why, whylen, "out of memory");
                return false;
            }
            imports[i] = (zwasm_extern_t){.kind = ZWASM_EXTERN_FUNC, .of.func = f};
            resolved[i] = true;
        }
    }
    return true;
}

int cli_threads_finish(cli_threads *ct, int status) {
    if (!ct) return status;
    end_all(ct, status);
    pthread_mutex_lock(&ct->mu);
    ct->finishing = true;
    pthread_cond_broadcast(&ct->done);
    pthread_mutex_unlock(&ct->mu);
    status = wait_then_exit(ct, false);
    ZW_VEC_FREE(NULL, &ct->threads); /* empty: each thread took itself out */
    return status;
}

void cli_threads_free(cli_threads *ct) {
    if (!ct) return;
    pthread_cond_destroy(&ct->done);
    pthread_mutex_destroy(&ct->mu);
    free(ct);
}
