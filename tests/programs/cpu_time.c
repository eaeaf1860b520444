// CPU time as Linux counts it (getrusage(2), times(2), clock_gettime(2), setitimer(2)): time
// spent computing counts, time asleep does not; each thread has its own, the process has
// their sum, exited threads included; ITIMER_VIRTUAL and ITIMER_PROF run on it. Every line is
// a comparison with generous margins, so the output is the same natively and in Ingot.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#define MS 1000000LL

static long long read_ns(clockid_t clock) {
    struct timespec now;
    if (clock_gettime(clock, &now) != 0)
        return -1;
    return now.tv_sec * 1000000000LL + now.tv_nsec;
}

static long long timeval_ns(struct timeval value) {
    return value.tv_sec * 1000000000LL + value.tv_usec * 1000LL;
}

static long long usage_ns(int who) {
    struct rusage usage;
    if (getrusage(who, &usage) != 0)
        return -1;
    return timeval_ns(usage.ru_utime) + timeval_ns(usage.ru_stime);
}

static void verdict(const char* what, int good) {
    printf("%s: %s\n", what, good ? "yes" : "NO");
    fflush(stdout);
}

// Computes until the calling thread has used `ns` more CPU time, or `*stop` is set, or 10 s
// went by.
static void spin_until(long long ns, volatile sig_atomic_t* stop) {
    long long start = read_ns(CLOCK_THREAD_CPUTIME_ID);
    long long give_up = read_ns(CLOCK_MONOTONIC) + 10000 * MS;
    volatile unsigned long sink = 0;
    while (!*stop && read_ns(CLOCK_THREAD_CPUTIME_ID) - start < ns &&
           read_ns(CLOCK_MONOTONIC) < give_up) {
        for (int i = 0; i < 10000; ++i)
            sink += i;
    }
}

static void spin_for(long long ns) {
    static volatile sig_atomic_t never;
    spin_until(ns, &never);
}

static void sleep_ms(long ms) {
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&pause, &pause) != 0 && errno == EINTR) {
    }
}

static void test_spin_and_sleep(void) {
    long long process = read_ns(CLOCK_PROCESS_CPUTIME_ID);
    long long thread = read_ns(CLOCK_THREAD_CPUTIME_ID);
    long long used = usage_ns(RUSAGE_SELF);
    struct tms before;
    times(&before);
    spin_for(200 * MS);
    struct tms after;
    clock_t elapsed = times(&after);
    verdict("computing 200 ms moves the process clock by 200 ms or more",
            read_ns(CLOCK_PROCESS_CPUTIME_ID) - process >= 200 * MS);
    verdict("and the thread clock", read_ns(CLOCK_THREAD_CPUTIME_ID) - thread >= 200 * MS);
    verdict("and getrusage", usage_ns(RUSAGE_SELF) - used >= 190 * MS);
    verdict("and times' user and system ticks",
            (after.tms_utime + after.tms_stime) - (before.tms_utime + before.tms_stime) >= 19);
    verdict("times returns a tick count", elapsed != (clock_t)-1 && times(NULL) >= elapsed);

    process = read_ns(CLOCK_PROCESS_CPUTIME_ID);
    thread = read_ns(CLOCK_THREAD_CPUTIME_ID);
    used = usage_ns(RUSAGE_THREAD);
    sleep_ms(300);
    verdict("sleeping 300 ms moves the process clock by less than 100 ms",
            read_ns(CLOCK_PROCESS_CPUTIME_ID) - process < 100 * MS);
    verdict("nor the thread clock", read_ns(CLOCK_THREAD_CPUTIME_ID) - thread < 100 * MS);
    verdict("nor getrusage(RUSAGE_THREAD)", usage_ns(RUSAGE_THREAD) - used < 100 * MS);
}

static void* worker(void* argument) {
    long long* used = argument;
    spin_for(200 * MS);
    *used = read_ns(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

static void test_threads(void) {
    long long process = read_ns(CLOCK_PROCESS_CPUTIME_ID);
    long long own = read_ns(CLOCK_THREAD_CPUTIME_ID);
    long long worker_used = 0;
    pthread_t thread;
    pthread_create(&thread, NULL, worker, &worker_used);
    pthread_join(thread, NULL);
    verdict("a thread's clock counts its own time", worker_used >= 200 * MS);
    verdict("the joining thread's clock does not count it",
            read_ns(CLOCK_THREAD_CPUTIME_ID) - own < 100 * MS);
    verdict("the process clock keeps an exited thread's time",
            read_ns(CLOCK_PROCESS_CPUTIME_ID) - process >= 200 * MS);
    verdict("RUSAGE_SELF covers RUSAGE_THREAD", usage_ns(RUSAGE_SELF) >= usage_ns(RUSAGE_THREAD));
    struct rusage children;
    getrusage(RUSAGE_CHILDREN, &children);
    verdict("RUSAGE_CHILDREN is zero without children",
            timeval_ns(children.ru_utime) + timeval_ns(children.ru_stime) == 0 &&
                children.ru_maxrss == 0);
    errno = 0;
    verdict("getrusage(5) is EINVAL", getrusage(5, &children) == -1 && errno == EINVAL);
}

static void test_clock_ids(void) {
    clockid_t process_clock, thread_clock;
    verdict("clock_getcpuclockid(0) works",
            clock_getcpuclockid(0, &process_clock) == 0 && read_ns(process_clock) >= 400 * MS);
    verdict("pthread_getcpuclockid(self) works",
            pthread_getcpuclockid(pthread_self(), &thread_clock) == 0 &&
                read_ns(thread_clock) >= 200 * MS);
    // Linux's CPUCLOCK_WHICH 3 names no clock.
    struct timespec value;
    errno = 0;
    verdict("a CPU clock id with kind 3 is EINVAL",
            clock_gettime((clockid_t)((~0u << 3) | 3), &value) == -1 && errno == EINVAL);
    struct timespec short_pause = {0, 1000};
    verdict("clock_nanosleep on the thread's CPU clock is EINVAL",
            clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &short_pause, NULL) == EINVAL);
}

static volatile sig_atomic_t virtual_alarms, profile_alarms;

static void on_timer(int signal) {
    if (signal == SIGVTALRM)
        ++virtual_alarms;
    else
        ++profile_alarms;
}

// An ITIMER_VIRTUAL or ITIMER_PROF timer does not run while the process sleeps, and expires
// once the process has computed for its value.
static void test_timer(int which, volatile sig_atomic_t* count, const char* name) {
    struct itimerval value = {{0, 0}, {0, 100000}};
    setitimer(which, &value, NULL);
    sleep_ms(300);
    struct itimerval left;
    getitimer(which, &left);
    char what[96];
    snprintf(what, sizeof what, "%s: no signal while sleeping 300 ms", name);
    verdict(what, *count == 0);
    snprintf(what, sizeof what, "%s: more than 50 ms left after the sleep", name);
    verdict(what, left.it_value.tv_sec == 0 && left.it_value.tv_usec > 50000);
    // Linux samples user time at its ticks, which a loaded host may not give the program:
    // the CPU time allowed is much more than the timer's 100 ms.
    spin_until(3000 * MS, count);
    spin_for(50 * MS);
    snprintf(what, sizeof what, "%s: one signal after computing", name);
    verdict(what, *count == 1);
}

int main(void) {
    test_spin_and_sleep();
    test_threads();
    test_clock_ids();
    signal(SIGVTALRM, on_timer);
    signal(SIGPROF, on_timer);
    test_timer(ITIMER_VIRTUAL, &virtual_alarms, "ITIMER_VIRTUAL");
    test_timer(ITIMER_PROF, &profile_alarms, "ITIMER_PROF");
    return 0;
}
