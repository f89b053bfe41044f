/* stdio.c — heavy stdio for the WASI proof.
 *   stdio TMP_DIR            (stdin: tests/programs/data/stdin.txt)
 *   stdio big                (writes 1 MiB + a trailer to stdout in pieces)
 * Formats every printf conversion (integers, floats, strings, widths, flags),
 * reads stdin with fgets/scanf, round-trips binary data through a file in the
 * preopened TMP_DIR with fwrite/fread/fseek, switches stdout between the
 * setvbuf modes, and writes to stderr.  All output is deterministic. */
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;
static void check(int ok, const char *what) {
    printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok) failures++;
}

static void formats(void) {
    printf("== integers\n");
    printf("[%d] [%i] [%u] [%o] [%x] [%X]\n", -42, 42, 42u, 42u, 0xbeefu, 0xbeefu);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d] [%+d]\n", 42, 42, 42, 42, 42, -42);
    printf("[%#o] [%#x] [%#X] [%#x]\n", 8u, 255u, 255u, 0u);
    printf("[%.3d] [%8.3d] [%-8.3d|] [%.0d]\n", 7, 7, -7, 0);
    printf("[%*d] [%-*d] [%.*d]\n", 6, 1, 6, 2, 4, 3);
    printf("[%hhd] [%hhu] [%hd] [%hu]\n", (signed char)-1, (unsigned char)255, (short)-32768, (unsigned short)65535);
    printf("[%ld] [%lu] [%lld] [%llu]\n", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
    printf("[%jd] [%zu] [%td] [%" PRIx64 "] [%" PRId32 "]\n", (intmax_t)-9, sizeof(double), (ptrdiff_t)-3,
           UINT64_C(0x0123456789abcdef), INT32_MIN);
    printf("[%d] [%x]\n", INT_MAX, UINT_MAX);
    printf("== chars and strings\n");
    printf("[%c] [%3c] [%-3c] [%%]\n", 'a', 'b', 'c');
    printf("[%s] [%10s] [%-10s] [%.3s] [%10.2s]\n", "str", "right", "left", "truncate", "ab");
    printf("[%s]\n", "");
    int n1 = 0, n2 = 0;
    printf("count%n this%n\n", &n1, &n2);
    printf("[%%n: %d %d]\n", n1, n2);
    printf("[%p]\n", (void *)0);
    printf("== floats\n");
    double vals[] = { 0.0, -0.0, 1.0, -1.5, 3.14159265358979, 1e-10, 123456789.125, 1e300, 2.5e-308, 0.1, 1.0 / 3.0, 5e-324 };
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double v = vals[i];
        printf("[%f] [%.2f] [%e] [%.3E] [%g] [%G] [%a]\n", v, v, v, v, v, v, v);
    }
    printf("[%10.3f] [%-10.3f|] [%+.1f] [% .1f] [%010.2f] [%#.0f] [%.0f] [%.0f]\n",
           3.14159, 3.14159, 2.0, 2.0, -3.5, 3.0, 2.5, 3.5);
    printf("[%g] [%g] [%g] [%g] [%#g] [%.10g]\n", 100000.0, 1000000.0, 0.0001, 0.00001, 1.0, 2.0 / 3.0);
    printf("[%f] [%f] [%e] [%F] [%g] [%G]\n", INFINITY, -INFINITY, NAN, INFINITY, -NAN, NAN);
    printf("[%.17g] [%.17g] [%.17g]\n", DBL_MAX, DBL_MIN, DBL_EPSILON);
    printf("[%f] [%.9g] [%a]\n", (double)3.1f, (double)FLT_MAX, (double)1.1f);
    printf("[%.60f]\n", 0.1);
    printf("[%.3f]\n", 1e20);
    char buf[64];
    int len = snprintf(buf, sizeof buf, "%08.3f|%-6s|%x", -1.25, "ab", 48879u);
    printf("snprintf: [%s] len %d\n", buf, len);
    len = snprintf(buf, 8, "%s", "this is far too long");
    printf("truncated snprintf: [%s] len %d\n", buf, len);
    printf("== conversions\n");
    printf("strtod: %.17g %.17g %g %g\n", strtod("2.718281828459045", NULL), strtod("1e-5", NULL),
           strtod("0x1.8p1", NULL), strtod("-inf", NULL));
    printf("strtol: %ld %ld %ld %lu\n", strtol("-123", NULL, 10), strtol("ff", NULL, 16), strtol("0777", NULL, 0),
           strtoul("4294967295", NULL, 10));
    printf("atoi: %d, atof: %g\n", atoi("  77xyz"), atof("6.02e23"));
    double x = 0.0;
    for (int i = 0; i < 10; i++) x += 0.1;
    printf("sum 10 x 0.1 = %.17g, sqrt(2) = %.17g, pow(2,0.5) = %.17g\n", x, sqrt(2.0), pow(2.0, 0.5));
    printf("exp(1) = %.15g, log(10) = %.15g, sin(1) = %.15g, atan2(1,1)*4 = %.15g\n", exp(1.0), log(10.0), sin(1.0),
           atan2(1.0, 1.0) * 4);
    printf("fmod(10,3) = %g, floor(-2.5) = %g, ceil(-2.5) = %g, round(2.5) = %g, trunc(-2.7) = %g\n", fmod(10, 3),
           floor(-2.5), ceil(-2.5), round(2.5), trunc(-2.7));
    float f = 16777216.0f;
    printf("float: %.1f %.9g %.9g\n", (double)(f + 1.0f), (double)(1.0f / 3.0f), (double)sqrtf(2.0f));
}

static void read_stdin(void) {
    printf("== stdin\n");
    char line[128];
    int lineno = 0;
    /* First two lines with fgets, the blank line with getchar. */
    while (lineno < 2 && fgets(line, sizeof line, stdin)) {
        size_t l = strlen(line);
        printf("fgets %d: %zu bytes, newline %s: [%.*s]\n", ++lineno, l, l && line[l - 1] == '\n' ? "yes" : "no",
               (int)(l && line[l - 1] == '\n' ? l - 1 : l), line);
    }
    int c = getchar();
    printf("getchar: %d\n", c);
    int a, b, h;
    double d;
    char word[16];
    int got = scanf("%d %d %lf %x %15s", &a, &b, &d, &h, word);
    printf("scanf: %d items: %d %d %g %d %s\n", got, a, b, d, h, word);
    c = getchar();
    printf("after scanf: %d\n", c);
    c = getchar();
    check(c == EOF && feof(stdin) && !ferror(stdin), "stdin at EOF");
    check(fgets(line, sizeof line, stdin) == NULL, "fgets at EOF returns NULL");
    clearerr(stdin);
    check(!feof(stdin), "clearerr resets EOF");
}

static void binary_file(const char *dir) {
    printf("== binary file\n");
    char path[256];
    snprintf(path, sizeof path, "%s/data.bin", dir);
    enum { N = 10000 };
    static uint32_t out[N], in[N];
    uint32_t s = 12345;
    for (int i = 0; i < N; i++) { s = s * 1103515245u + 12345u; out[i] = s; }
    FILE *f = fopen(path, "wb+");
    check(f != NULL, "fopen wb+");
    if (!f) return;
    check(fwrite(out, sizeof out[0], N, f) == N, "fwrite 10000 words");
    check(ftell(f) == (long)sizeof out, "ftell after fwrite");
    check(fseek(f, 0, SEEK_SET) == 0, "fseek to start");
    check(fread(in, sizeof in[0], N, f) == N, "fread 10000 words");
    check(memcmp(in, out, sizeof in) == 0, "round-trip contents equal");
    check(fread(in, 1, 1, f) == 0 && feof(f), "fread at end sets EOF");
    /* Overwrite the middle, then read it back from a reopened stream. */
    uint32_t patch[3] = { 0xdeadbeef, 0xcafebabe, 0x01020304 };
    check(fseek(f, 4000 * 4, SEEK_SET) == 0 && fwrite(patch, 4, 3, f) == 3, "patch at offset 16000");
    check(fseek(f, -8, SEEK_END) == 0 && ftell(f) == (long)sizeof out - 8, "fseek relative to end");
    check(fclose(f) == 0, "fclose");
    f = fopen(path, "rb");
    uint32_t got[3] = { 0 };
    check(f && fseek(f, 16000, SEEK_SET) == 0 && fread(got, 4, 3, f) == 3 && memcmp(got, patch, sizeof got) == 0,
          "patch visible after reopen");
    if (f) fclose(f);
    /* Append mode writes at the end whatever the position. */
    f = fopen(path, "ab");
    check(f && fwrite("tail", 1, 4, f) == 4 && fclose(f) == 0, "append");
    f = fopen(path, "rb");
    char tail[5] = { 0 };
    check(f && fseek(f, 0, SEEK_END) == 0 && ftell(f) == (long)sizeof out + 4, "size after append");
    check(f && fseek(f, -4, SEEK_END) == 0 && fread(tail, 1, 4, f) == 4 && !strcmp(tail, "tail"), "appended bytes");
    if (f) fclose(f);
    /* Text I/O with fprintf/fscanf through the same file. */
    f = fopen(path, "w+");
    check(f != NULL, "reopen w+ truncates");
    if (f) {
        fprintf(f, "%d %s %.3f\n", 99, "bottles", 0.125);
        rewind(f);
        int n = 0; char w[16] = ""; double v = 0;
        check(fscanf(f, "%d %15s %lf", &n, w, &v) == 3 && n == 99 && !strcmp(w, "bottles") && v == 0.125,
              "fprintf/fscanf round trip");
        fseek(f, 0, SEEK_END);
        check(ftell(f) == 17, "text file size");
        fclose(f);
    }
    check(remove(path) == 0, "remove");
    check(fopen(path, "r") == NULL && errno == ENOENT, "fopen removed file fails with ENOENT");
}

static void buffering(void) {
    printf("== buffering\n");
    fflush(stdout);
    static char fullbuf[256];
    check(setvbuf(stdout, fullbuf, _IOFBF, sizeof fullbuf) == 0, "setvbuf _IOFBF with user buffer");
    for (int i = 0; i < 40; i++) printf("%d%c", i, i % 10 == 9 ? '\n' : ' ');
    fflush(stdout);
    check(setvbuf(stdout, NULL, _IONBF, 0) == 0, "setvbuf _IONBF");
    for (int i = 0; i < 5; i++) { putchar('a' + i); fputs("-", stdout); }
    putchar('\n');
    check(setvbuf(stdout, NULL, _IOLBF, 0) == 0, "setvbuf _IOLBF");
    fputs("line buffered ", stdout);
    fprintf(stderr, "stdio: a line on stderr\n");
    fputs("output\n", stdout);
    fwrite("fwrite to stdout\n", 1, 17, stdout);
    puts("puts adds a newline");
    /* Raw write(2) interleaved after an explicit flush. */
    fflush(stdout);
    write(1, "write(2) to fd 1\n", 17);
    check(fileno(stdout) == 1 && fileno(stderr) == 2 && fileno(stdin) == 0, "standard fds");
    fprintf(stderr, "stdio: %d failures so far\n", failures);
}

/* 1 MiB to stdout in pieces of varying size, then a trailer. */
static void big(void) {
    static char chunk[8192];
    size_t total = 0, piece = 1;
    unsigned k = 0;
    while (total < 1u << 20) {
        size_t n = piece;
        if (n > (1u << 20) - total) n = (1u << 20) - total;
        for (size_t i = 0; i < n; i++) {
            k++;
            chunk[i] = (k % 64 == 0) ? '\n' : (char)('A' + k % 26);
        }
        if (fwrite(chunk, 1, n, stdout) != n) { fprintf(stderr, "short fwrite\n"); exit(1); }
        total += n;
        piece = piece * 3 % 8191 + 1;
    }
    printf("\n%zu bytes written\n", total);
}

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "big")) { big(); return 0; }
    if (argc != 2) { fprintf(stderr, "usage: stdio TMP_DIR | stdio big\n"); return 2; }
    formats();
    read_stdin();
    binary_file(argv[1]);
    buffering();
    printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
