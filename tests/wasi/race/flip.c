/* flip.c DURATION_MS — guest A of race/two-guests: creates and removes the
 * symlink sw -> .. in the shared preopen as fast as it can for DURATION_MS,
 * so that another guest resolving "sw/" sees sw come and go.  Every call
 * must succeed (this guest is the only one touching sw); prints the count. */
#include "race.h"

int main(int argc, char **argv) {
    uint64_t end = now_ns() + arg_u64(argc, argv, 1) * 1000000ull;
    uint64_t n = 0;
    do {
        for (int i = 0; i < 64; i++, n++) {
            __wasi_errno_t e = __wasi_path_symlink("..", SANDBOX, "sw");
            if (e == 0) e = __wasi_path_unlink_file(SANDBOX, "sw");
            if (e) {
                printf("flip: symlink/unlink of sw failed with errno %d after %llu flips\n", (int)e,
                       (unsigned long long)n);
                return 2;
            }
        }
    } while (now_ns() < end);
    printf("flip: %llu flips\n", (unsigned long long)n);
    return 0;
}
