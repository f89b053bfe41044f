/* clock.c — clocks and poll_oneoff for the WASI proof.  Prints only
 * deterministic PASS/FAIL lines (never a time value) and exits 1 if anything
 * failed.  Covers clock_time_get and clock_res_get for the realtime,
 * monotonic and process/thread cputime clocks, time()/gettimeofday()/clock(),
 * nanosleep/usleep/clock_nanosleep (relative and absolute: poll_oneoff clock
 * subscriptions) and raw poll_oneoff with several clock subscriptions. */
#define _WASI_EMULATED_PROCESS_CLOCKS
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static int failures;
static void check(int ok, const char *what) {
    printf("%s: %s\n", ok ? "PASS" : "FAIL", what);
    if (!ok) failures++;
}

static int64_t ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int valid_ts(const struct timespec *ts) { return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000; }

static void clocks(void) {
    struct timespec ts, res;
    /* 2020-01-01 .. 2200-01-01 */
    check(clock_gettime(CLOCK_REALTIME, &ts) == 0 && valid_ts(&ts), "clock_gettime(CLOCK_REALTIME)");
    check(ts.tv_sec > 1577836800 && ts.tv_sec < 7258118400LL, "realtime is a plausible date");
    time_t t = time(NULL);
    check(t >= ts.tv_sec && t - ts.tv_sec < 60, "time() agrees with CLOCK_REALTIME");
    struct timeval tv;
    check(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= ts.tv_sec && tv.tv_sec - ts.tv_sec < 60 &&
              tv.tv_usec >= 0 && tv.tv_usec < 1000000,
          "gettimeofday() agrees with CLOCK_REALTIME");
    check(clock_gettime(CLOCK_MONOTONIC, &ts) == 0 && valid_ts(&ts), "clock_gettime(CLOCK_MONOTONIC)");
    check(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 && valid_ts(&ts),
          "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    check(clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0 && valid_ts(&ts), "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");

    static const struct { clockid_t id; const char *name; } ids[] = {
        { CLOCK_REALTIME, "CLOCK_REALTIME" },
        { CLOCK_MONOTONIC, "CLOCK_MONOTONIC" },
        { CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID" },
        { CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID" },
    };
    char what[80];
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        memset(&res, 0xff, sizeof res);
        int ok = clock_getres(ids[i].id, &res) == 0 && valid_ts(&res) &&
                 (res.tv_sec > 0 || res.tv_nsec > 0) && res.tv_sec == 0; /* 0 < res <= 1 s */
        snprintf(what, sizeof what, "clock_getres(%s) in (0, 1s)", ids[i].name);
        check(ok, what);
    }
    /* Raw WASI calls, including a bad clock id. */
    __wasi_timestamp_t r = 0, v = 0;
    check(__wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &r) == 0 && r > 0, "__wasi_clock_res_get(monotonic)");
    check(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &v) == 0 && v > 0, "__wasi_clock_time_get(monotonic)");
    check(__wasi_clock_time_get(99, 1, &v) == __WASI_ERRNO_INVAL, "__wasi_clock_time_get(99) is EINVAL");
    check(__wasi_clock_res_get(99, &r) == __WASI_ERRNO_INVAL, "__wasi_clock_res_get(99) is EINVAL");
}

static void monotonic(void) {
    int64_t prev = ns(CLOCK_MONOTONIC), bad = 0;
    for (int i = 0; i < 20000; i++) {
        int64_t now = ns(CLOCK_MONOTONIC);
        if (now < prev) bad++;
        prev = now;
    }
    check(bad == 0, "CLOCK_MONOTONIC non-decreasing over 20000 reads");
    /* CPU time advances while we burn CPU, and never goes backwards. */
    int64_t c0 = ns(CLOCK_PROCESS_CPUTIME_ID), cprev = c0;
    clock_t k0 = clock();
    volatile uint32_t x = 1;
    bad = 0;
    for (int i = 0; i < 200; i++) {
        for (int j = 0; j < 20000; j++) x = x * 1664525u + 1013904223u;
        int64_t c = ns(CLOCK_PROCESS_CPUTIME_ID);
        if (c < cprev) bad++;
        cprev = c;
    }
    check(bad == 0, "CLOCK_PROCESS_CPUTIME_ID non-decreasing");
    check(cprev > c0, "CLOCK_PROCESS_CPUTIME_ID advances under load");
    check(clock() >= k0, "clock() non-decreasing");
}

static void sleeps(void) {
    int64_t t0 = ns(CLOCK_MONOTONIC);
    struct timespec req = { 0, 20 * 1000000 }, rem = { 7, 7 };
    int r = nanosleep(&req, &rem);
    int64_t el = ns(CLOCK_MONOTONIC) - t0;
    check(r == 0, "nanosleep(20ms) returns 0");
    check(el >= 20 * 1000000, "nanosleep(20ms) sleeps at least 20ms");
    check(el < 5 * 1000000000LL, "nanosleep(20ms) returns within 5s");

    t0 = ns(CLOCK_MONOTONIC);
    check(usleep(15000) == 0, "usleep(15ms) returns 0");
    el = ns(CLOCK_MONOTONIC) - t0;
    check(el >= 15 * 1000000, "usleep(15ms) sleeps at least 15ms");

    t0 = ns(CLOCK_MONOTONIC);
    req.tv_sec = 0; req.tv_nsec = 0;
    check(nanosleep(&req, NULL) == 0, "nanosleep(0) returns 0");
    check(ns(CLOCK_MONOTONIC) - t0 < 5 * 1000000000LL, "nanosleep(0) returns promptly");

    req.tv_sec = 0; req.tv_nsec = 1000000000;
    check(nanosleep(&req, NULL) == -1 && errno == EINVAL, "nanosleep with tv_nsec = 1e9 is EINVAL");

    /* Absolute sleep on the monotonic clock: wakes no earlier than the deadline. */
    int64_t deadline = ns(CLOCK_MONOTONIC) + 25 * 1000000;
    struct timespec abs = { (time_t)(deadline / 1000000000), (long)(deadline % 1000000000) };
    r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL);
    check(r == 0, "clock_nanosleep(MONOTONIC, TIMER_ABSTIME) returns 0");
    check(ns(CLOCK_MONOTONIC) >= deadline, "clock_nanosleep(TIMER_ABSTIME) wakes after the deadline");

    /* Relative sleep on the realtime clock. */
    int64_t rt0 = ns(CLOCK_REALTIME), m0 = ns(CLOCK_MONOTONIC);
    req.tv_sec = 0; req.tv_nsec = 10 * 1000000;
    check(clock_nanosleep(CLOCK_REALTIME, 0, &req, NULL) == 0, "clock_nanosleep(REALTIME, relative 10ms)");
    check(ns(CLOCK_MONOTONIC) - m0 >= 10 * 1000000, "clock_nanosleep(REALTIME) sleeps at least 10ms (monotonic)");

    /* Absolute sleep on the realtime clock. */
    int64_t rdl = rt0 + 40 * 1000000;
    struct timespec rabs = { (time_t)(rdl / 1000000000), (long)(rdl % 1000000000) };
    check(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &rabs, NULL) == 0, "clock_nanosleep(REALTIME, TIMER_ABSTIME)");
    check(ns(CLOCK_REALTIME) >= rdl, "clock_nanosleep(REALTIME, TIMER_ABSTIME) wakes after the deadline");

    /* An absolute deadline in the past returns at once. */
    abs.tv_sec = 0; abs.tv_nsec = 1;
    t0 = ns(CLOCK_MONOTONIC);
    check(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0 &&
              ns(CLOCK_MONOTONIC) - t0 < 5 * 1000000000LL,
          "clock_nanosleep with a past absolute deadline returns promptly");
}

static void poll(void) {
    /* Two relative clock subscriptions, 10ms and 2s: only the 10ms one fires. */
    __wasi_subscription_t sub[2];
    memset(sub, 0, sizeof sub);
    sub[0].userdata = 0x1111;
    sub[0].u.tag = __WASI_EVENTTYPE_CLOCK;
    sub[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub[0].u.u.clock.timeout = 10 * 1000000;
    sub[1] = sub[0];
    sub[1].userdata = 0x2222;
    sub[1].u.u.clock.timeout = 2000000000;
    __wasi_event_t ev[2];
    memset(ev, 0xab, sizeof ev);
    __wasi_size_t n = 99;
    int64_t t0 = ns(CLOCK_MONOTONIC);
    __wasi_errno_t e = __wasi_poll_oneoff(sub, ev, 2, &n);
    int64_t el = ns(CLOCK_MONOTONIC) - t0;
    check(e == 0, "poll_oneoff(10ms, 2s) succeeds");
    check(n == 1, "poll_oneoff(10ms, 2s) reports one event");
    check(n >= 1 && ev[0].userdata == 0x1111 && ev[0].error == 0 && ev[0].type == __WASI_EVENTTYPE_CLOCK,
          "the event is the 10ms clock (userdata, error, type)");
    check(el >= 10 * 1000000, "poll_oneoff waited at least 10ms");
    check(el < 1500000000LL, "poll_oneoff did not wait for the 2s clock");

    /* Absolute subscription on the monotonic clock. */
    sub[0].userdata = 0x3333;
    sub[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
    __wasi_timestamp_t now = 0;
    check(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now) == 0, "read the monotonic clock");
    sub[0].u.u.clock.timeout = now + 15 * 1000000;
    n = 99;
    e = __wasi_poll_oneoff(sub, ev, 1, &n);
    __wasi_timestamp_t after = 0;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &after) != 0) after = 0;
    check(e == 0 && n == 1 && ev[0].userdata == 0x3333 && ev[0].type == __WASI_EVENTTYPE_CLOCK,
          "poll_oneoff absolute monotonic deadline fires");
    check(after >= now + 15 * 1000000, "poll_oneoff absolute deadline waited until the deadline");

    /* Two subscriptions that are both due at once: both are reported. */
    sub[0].u.u.clock.flags = 0;
    sub[0].u.u.clock.timeout = 0;
    sub[0].userdata = 1;
    sub[1].u.u.clock.flags = 0;
    sub[1].u.u.clock.timeout = 0;
    sub[1].userdata = 2;
    n = 99;
    e = __wasi_poll_oneoff(sub, ev, 2, &n);
    int ok = e == 0 && n >= 1 && n <= 2;
    for (__wasi_size_t i = 0; ok && i < n; i++)
        ok = (ev[i].userdata == 1 || ev[i].userdata == 2) && ev[i].type == __WASI_EVENTTYPE_CLOCK && ev[i].error == 0;
    if (ok && n == 2) ok = ev[0].userdata != ev[1].userdata;
    check(ok, "poll_oneoff with two zero timeouts reports them (1 or 2 events)");
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    clocks();
    monotonic();
    sleeps();
    poll();
    printf("failures: %d\n", failures);
    return failures ? 1 : 0;
}
