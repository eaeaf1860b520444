// prctl (thread names, dumpable, parent-death signal, no_new_privs, the bounding set),
// setitimer/getitimer/alarm (all three timers, interval re-arming), raising RLIMIT_NOFILE and
// descriptors up to the new limit, rt_sigpending, sched_getaffinity and MREMAP_DONTUNMAP. The
// output is the same natively and in Ingot: nothing printed depends on the machine or on timing.
// With the argument "alarm" it waits for an alarm it does not handle.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

static const char* result(long value) {
    static char text[64];
    if (value < 0)
        snprintf(text, sizeof text, "-1 %s", strerrorname_np(errno));
    else
        snprintf(text, sizeof text, "%ld", value);
    return text;
}

static long control(int option, unsigned long a2, unsigned long a3, unsigned long a4,
                    unsigned long a5) {
    return prctl(option, a2, a3, a4, a5);
}

static void* named_thread(void* argument) {
    (void)argument;
    char name[16];
    control(PR_GET_NAME, (unsigned long)name, 0, 0, 0);
    printf("thread: inherited name \"%s\"\n", name);
    control(PR_SET_NAME, (unsigned long)"child", 0, 0, 0);
    control(PR_GET_NAME, (unsigned long)name, 0, 0, 0);
    printf("thread: own name \"%s\"\n", name);
    int death_signal = -1;
    control(PR_GET_PDEATHSIG, (unsigned long)&death_signal, 0, 0, 0);
    printf("thread: parent-death signal %d (not inherited)\n", death_signal);
    printf("thread: no_new_privs %ld (inherited)\n", control(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    return NULL;
}

static void process_control(void) {
    char name[16];
    control(PR_GET_NAME, (unsigned long)name, 0, 0, 0);
    printf("prctl: name \"%s\"\n", name);
    printf("prctl: set long name %s\n",
           result(control(PR_SET_NAME, (unsigned long)"worker-with-a-long-name", 0, 0, 0)));
    control(PR_GET_NAME, (unsigned long)name, 0, 0, 0);
    printf("prctl: name \"%s\"\n", name);
    printf("prctl: set name from a bad pointer %s\n", result(control(PR_SET_NAME, 16, 0, 0, 0)));
    printf("prctl: get name into a bad pointer %s\n", result(control(PR_GET_NAME, 16, 0, 0, 0)));

    printf("prctl: dumpable %ld\n", control(PR_GET_DUMPABLE, 0, 0, 0, 0));
    printf("prctl: set dumpable 0 %s\n", result(control(PR_SET_DUMPABLE, 0, 0, 0, 0)));
    printf("prctl: dumpable %ld\n", control(PR_GET_DUMPABLE, 0, 0, 0, 0));
    printf("prctl: set dumpable 2 %s\n", result(control(PR_SET_DUMPABLE, 2, 0, 0, 0)));
    control(PR_SET_DUMPABLE, 1, 0, 0, 0);

    printf("prctl: set parent-death signal 9 %s\n",
           result(control(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0)));
    int death_signal = -1;
    control(PR_GET_PDEATHSIG, (unsigned long)&death_signal, 0, 0, 0);
    printf("prctl: parent-death signal %d\n", death_signal);
    printf("prctl: set parent-death signal 65 %s\n",
           result(control(PR_SET_PDEATHSIG, 65, 0, 0, 0)));

    printf("prctl: no_new_privs %ld\n", control(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("prctl: set no_new_privs 2 %s\n", result(control(PR_SET_NO_NEW_PRIVS, 2, 0, 0, 0)));
    printf("prctl: set no_new_privs with a stray argument %s\n",
           result(control(PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0)));
    printf("prctl: set no_new_privs 1 %s\n", result(control(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)));
    printf("prctl: no_new_privs %ld\n", control(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("prctl: get no_new_privs with an argument %s\n",
           result(control(PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0)));

    printf("prctl: CAP_CHOWN in the bounding set %s\n",
           result(control(PR_CAPBSET_READ, 0, 0, 0, 0)));
    printf("prctl: capability 63 %s\n", result(control(PR_CAPBSET_READ, 63, 0, 0, 0)));
    printf("prctl: unknown option %s\n", result(control(0x7fff, 0, 0, 0, 0)));

    pthread_t thread;
    pthread_create(&thread, NULL, named_thread, NULL);
    pthread_join(thread, NULL);
    control(PR_GET_NAME, (unsigned long)name, 0, 0, 0);
    printf("prctl: main thread still \"%s\"\n", name);
}

static volatile sig_atomic_t alarms, virtual_alarms, profile_alarms;

static void on_timer(int signal) {
    if (signal == SIGALRM)
        ++alarms;
    else if (signal == SIGVTALRM)
        ++virtual_alarms;
    else if (signal == SIGPROF)
        ++profile_alarms;
}

static struct itimerval every(long first_us, long interval_us) {
    struct itimerval value = {{interval_us / 1000000, interval_us % 1000000},
                              {first_us / 1000000, first_us % 1000000}};
    return value;
}

// Spins until `count` reaches `wanted`: ITIMER_VIRTUAL and ITIMER_PROF count CPU time.
static void spin_until(volatile sig_atomic_t* count, int wanted) {
    while (*count < wanted) {
    }
}

static void interval_timers(void) {
    struct sigaction action = {0};
    action.sa_handler = on_timer;
    sigaction(SIGALRM, &action, NULL);
    sigaction(SIGVTALRM, &action, NULL);
    sigaction(SIGPROF, &action, NULL);

    printf("alarm: first %u\n", alarm(5));
    unsigned left = alarm(0);
    printf("alarm: left of 5 s %u\n", left);

    struct itimerval value = every(50000, 0), old;
    setitimer(ITIMER_REAL, &value, NULL);
    getitimer(ITIMER_REAL, &old);
    printf("itimer real: armed %d, interval %ld\n",
           old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0 && old.it_value.tv_usec <= 50000,
           old.it_interval.tv_usec);
    while (!alarms)
        pause();
    getitimer(ITIMER_REAL, &old);
    printf("itimer real: one-shot fired %d, now %ld.%06ld\n", alarms, old.it_value.tv_sec,
           old.it_value.tv_usec);

    alarms = 0;
    value = every(20000, 20000);
    setitimer(ITIMER_REAL, &value, NULL);
    while (alarms < 5)
        pause();
    value = every(0, 20000);
    setitimer(ITIMER_REAL, &value, &old);
    printf("itimer real: repeated at least 5 times: %d, interval was %ld us\n", alarms >= 5,
           old.it_interval.tv_usec);
    getitimer(ITIMER_REAL, &old);
    printf("itimer real: disarmed %ld.%06ld interval %ld\n", old.it_value.tv_sec,
           old.it_value.tv_usec, old.it_interval.tv_usec);

    value = every(10000, 10000);
    setitimer(ITIMER_VIRTUAL, &value, NULL);
    spin_until(&virtual_alarms, 3);
    value = every(0, 0);
    setitimer(ITIMER_VIRTUAL, &value, NULL);
    printf("itimer virtual: SIGVTALRM at least 3: %d\n", virtual_alarms >= 3);

    value = every(10000, 10000);
    setitimer(ITIMER_PROF, &value, NULL);
    spin_until(&profile_alarms, 3);
    value = every(0, 0);
    setitimer(ITIMER_PROF, &value, NULL);
    printf("itimer prof: SIGPROF at least 3: %d\n", profile_alarms >= 3);

    value = every(1000, 0);
    printf("itimer: which 3 %s\n", result(setitimer(3, &value, NULL)));
    printf("itimer: get which -1 %s\n", result(getitimer(-1, &old)));
    value.it_value.tv_usec = 1000000;
    printf("itimer: a million microseconds %s\n", result(setitimer(ITIMER_REAL, &value, NULL)));
    value.it_value.tv_usec = -1;
    printf("itimer: negative microseconds %s\n", result(setitimer(ITIMER_REAL, &value, NULL)));
    printf("itimer: bad new value %s\n",
           result(setitimer(ITIMER_REAL, (struct itimerval*)16, NULL)));
    printf("itimer: bad old value %s\n", result(getitimer(ITIMER_REAL, (struct itimerval*)16)));
}

static void descriptor_limit(void) {
    struct rlimit limit = {10032, 10032}; // what Redis asks for with maxclients 10000
    printf("nofile: raise to 10032 %s\n", result(setrlimit(RLIMIT_NOFILE, &limit)));
    getrlimit(RLIMIT_NOFILE, &limit);
    printf("nofile: now %lu/%lu\n", (unsigned long)limit.rlim_cur, (unsigned long)limit.rlim_max);
    printf("nofile: dup2 to 10000 %s\n", result(dup2(1, 10000)));
    printf("nofile: F_DUPFD from 10031 %s\n", result(fcntl(1, F_DUPFD, 10031)));
    printf("nofile: F_DUPFD from 10032 %s\n", result(fcntl(1, F_DUPFD, 10032)));
    printf("nofile: dup2 to 10032 %s\n", result(dup2(1, 10032)));
    int opened = 0, first_failure = 0;
    static int fds[3000];
    for (int i = 0; i < 3000; ++i) {
        fds[i] = eventfd(0, 0);
        if (fds[i] < 0) {
            first_failure = errno;
            break;
        }
        ++opened;
    }
    printf("nofile: 3000 eventfds opened %d, failure %s\n", opened,
           first_failure ? strerrorname_np(first_failure) : "none");
    for (int i = 0; i < opened; ++i)
        close(fds[i]);
    close(10000);
    close(10031);

    struct rlimit wanted = {10, 10032};
    setrlimit(RLIMIT_NOFILE, &wanted);
    int low = 0;
    while (eventfd(0, 0) >= 0)
        ++low;
    printf("nofile: soft limit 10 leaves %d more, then %s\n", low, strerrorname_np(errno));
    struct pollfd many[11] = {{0}};
    printf("nofile: poll of 11 descriptors %s\n", result(poll(many, 11, 0)));
    wanted.rlim_cur = 0;
    setrlimit(RLIMIT_NOFILE, &wanted);
    printf("nofile: soft limit 0: eventfd %s\n", result(eventfd(0, 0)));
    printf("nofile: soft limit 0: F_DUPFD from 0 %s\n", result(fcntl(1, F_DUPFD, 0)));
    printf("nofile: soft limit 0: F_DUPFD from -1 %s\n", result(fcntl(1, F_DUPFD, -1)));
    wanted.rlim_cur = 10;
    setrlimit(RLIMIT_NOFILE, &wanted);
    wanted.rlim_cur = 11;
    wanted.rlim_max = 10;
    printf("nofile: soft above hard %s\n", result(setrlimit(RLIMIT_NOFILE, &wanted)));
    wanted.rlim_cur = 1024;
    wanted.rlim_max = 1048577;
    printf("nofile: hard above nr_open %s\n", result(setrlimit(RLIMIT_NOFILE, &wanted)));
    printf("nofile: bad pointer %s\n", result(setrlimit(RLIMIT_NOFILE, (struct rlimit*)16)));
    printf("nofile: resource 99 %s\n", result(prlimit(0, 99, NULL, &wanted)));
}

static void small_gaps(void) {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    kill(getpid(), SIGUSR1); // pending on the process, not on a thread
    unsigned long long pending[2] = {0, 0};
    printf("sigpending: size 16 %s\n", result(syscall(SYS_rt_sigpending, pending, 16)));
    long answer = syscall(SYS_rt_sigpending, pending, 8);
    printf("sigpending: size 8 %s, SIGUSR1 %d\n", result(answer),
           (int)((pending[0] >> (SIGUSR1 - 1)) & 1));
    printf("sigpending: size 0 %s\n", result(syscall(SYS_rt_sigpending, pending, 0)));
    signal(SIGUSR1, SIG_IGN);
    sigprocmask(SIG_UNBLOCK, &block, NULL);

    unsigned long mask[2] = {0, 0};
    printf("affinity: self %d\n", syscall(SYS_sched_getaffinity, 0, sizeof mask, mask) > 0);
    printf("affinity: own thread %d\n",
           syscall(SYS_sched_getaffinity, (pid_t)syscall(SYS_gettid), sizeof mask, mask) > 0);
    printf("affinity: no such process %s\n",
           result(syscall(SYS_sched_getaffinity, 0x3fffffff, sizeof mask, mask)));
    printf("affinity: size 12 %s\n", result(syscall(SYS_sched_getaffinity, 0, 12, mask)));
    printf("affinity: set for no such process %s\n",
           result(syscall(SYS_sched_setaffinity, 0x3fffffff, sizeof mask, mask)));
}

// Through syscall(2): glibc 2.36's mremap() refuses MREMAP_DONTUNMAP itself.
static char* remap(void* old, size_t old_size, size_t new_size, int flags, void* target) {
    return (char*)syscall(SYS_mremap, old, old_size, new_size, flags, target);
}

static void remap_without_unmapping(void) {
    const size_t size = 8192;
    char* old = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(old, 'x', size);
    char* moved = remap(old, size, size, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
    if (moved == MAP_FAILED) {
        printf("mremap dontunmap: %s\n", strerrorname_np(errno));
        return;
    }
    printf("mremap dontunmap: moved %d, contents kept %d, old range reads zero %d\n", moved != old,
           moved[0] == 'x' && moved[size - 1] == 'x', old[0] == 0 && old[size - 1] == 0);
    old[0] = 'y';
    printf("mremap dontunmap: old range still writable %d\n", old[0] == 'y');

    char* target = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    char* fixed =
        remap(moved, size, size, MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP, target);
    printf("mremap dontunmap fixed: at the target %d, contents kept %d, source reads zero %d\n",
           fixed == target, fixed != MAP_FAILED && fixed[0] == 'x', moved[0] == 0);
    printf("mremap dontunmap: without MREMAP_MAYMOVE %s\n",
           result((long)remap(old, size, size, MREMAP_DONTUNMAP, NULL)));
    printf("mremap dontunmap: other length %s\n",
           result((long)remap(old, size, 2 * size, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL)));
    printf(
        "mremap dontunmap: nothing mapped %s\n",
        result((long)remap((void*)0x10000, size, size, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL)));
}

int main(int argc, char** argv) {
    // "alarm": SIGALRM's default action ends the program; the wait for it is no deadlock.
    if (argc > 1 && strcmp(argv[1], "alarm") == 0) {
        alarm(1);
        pause();
        printf("pause returned\n");
        return 1;
    }
    process_control();
    interval_timers();
    descriptor_limit();
    small_gaps();
    remap_without_unmapping();
    printf("done\n");
    return 0;
}
