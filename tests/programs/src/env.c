/* env.c — arguments and environment for the WASI proof.
 *   env [ARGS...]   prints argc, the base name of argv[0], each further
 *                   argument (with its length, so empty and odd arguments
 *                   show), the whole environment sorted, and a few getenv
 *                   look-ups.  The runner passes only --env variables (no
 *                   inherited environment), so the output is deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void show(const char *name) {
    const char *v = getenv(name);
    if (v) printf("getenv(%s) = [%s]\n", name, v);
    else printf("getenv(%s) = (unset)\n", name);
}

int main(int argc, char **argv) {
    printf("argc = %d\n", argc);
    const char *base = strrchr(argv[0], '/');
    printf("argv[0] base name = %s\n", base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++) printf("argv[%d] = [%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");

    /* The raw WASI calls agree with what libc built. */
    __wasi_size_t n = 0, size = 0;
    if (__wasi_args_sizes_get(&n, &size) == 0) {
        size_t want = 0;
        for (int i = 0; i < argc; i++) want += strlen(argv[i]) + 1;
        printf("args_sizes_get: count %s, buffer size %s\n", n == (__wasi_size_t)argc ? "matches" : "MISMATCH",
               size == want ? "matches" : "MISMATCH");
    }

    size_t count = 0;
    while (environ && environ[count]) count++;
    printf("environ has %zu entries\n", count);
    char **sorted = malloc((count + 1) * sizeof *sorted);
    memcpy(sorted, environ, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, cmp);
    for (size_t i = 0; i < count; i++) printf("env: %s\n", sorted[i]);
    free(sorted);
    if (__wasi_environ_sizes_get(&n, &size) == 0) {
        size_t want = 0;
        for (size_t i = 0; i < count; i++) want += strlen(environ[i]) + 1;
        printf("environ_sizes_get: count %s, buffer size %s\n", n == count ? "matches" : "MISMATCH",
               size == want ? "matches" : "MISMATCH");
    }
    show("HOME");
    show("GREETING");
    show("EMPTY");
    show("PATH");
    show("WITH_EQUALS");
    /* setenv/unsetenv are guest-side and must work on the imported environment. */
    setenv("GREETING", "changed", 1);
    unsetenv("EMPTY");
    show("GREETING");
    show("EMPTY");
    return 0;
}
