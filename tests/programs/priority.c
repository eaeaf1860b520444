// getpriority/setpriority (each thread's nice value, clamped, inherited by new threads) and
// sched_getscheduler/sched_getparam, with Linux's errors. Run as root natively for the
// expected output: lowering the nice value needs it.
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NO_SUCH_ID 0x3fffffff // above any pid_max

static void report(const char* what, long result) {
    if (result == -1)
        printf("%s: %s\n", what, strerrorname_np(errno));
    else
        printf("%s: %ld\n", what, result);
}

static long nice_of(int which, int who) {
    errno = 0;
    long value = getpriority(which, who);
    return errno ? -1 : value;
}

static void* child(void* argument) {
    (void)argument;
    report("new thread inherits", nice_of(PRIO_PROCESS, 0));
    setpriority(PRIO_PROCESS, 0, 3);
    report("new thread's own", nice_of(PRIO_PROCESS, 0));
    return NULL;
}

int main(void) {
    report("initial", nice_of(PRIO_PROCESS, 0));
    report("raw syscall (20 - nice)", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    report("set 5", setpriority(PRIO_PROCESS, 0, 5));
    report("after set 5", nice_of(PRIO_PROCESS, 0));
    report("by own tid", nice_of(PRIO_PROCESS, (int)gettid()));
    pthread_t thread;
    pthread_create(&thread, NULL, child, NULL);
    pthread_join(thread, NULL);
    report("main thread unchanged", nice_of(PRIO_PROCESS, 0));
    report("set 100", setpriority(PRIO_PROCESS, 0, 100));
    report("clamped to", nice_of(PRIO_PROCESS, 0));
    report("set -100 as root", setpriority(PRIO_PROCESS, 0, -100));
    report("clamped to", nice_of(PRIO_PROCESS, 0));
    report("raw syscall at -20", syscall(SYS_getpriority, PRIO_PROCESS, 0));
    setpriority(PRIO_PROCESS, 0, 0);
    report("get unknown which", nice_of(7, 0));
    report("set unknown which", setpriority(7, 0, 1));
    report("get no such thread", nice_of(PRIO_PROCESS, NO_SUCH_ID));
    report("set no such thread", setpriority(PRIO_PROCESS, NO_SUCH_ID, 1));
    report("get no such group", nice_of(PRIO_PGRP, NO_SUCH_ID));
    report("get negative thread", nice_of(PRIO_PROCESS, -5));

    report("sched_getscheduler", sched_getscheduler(0));
    report("sched_getscheduler own tid", sched_getscheduler((int)gettid()));
    report("sched_getscheduler negative", sched_getscheduler(-1));
    report("sched_getscheduler no such", sched_getscheduler(NO_SUCH_ID));
    struct sched_param parameters = {.sched_priority = 42};
    report("sched_getparam", sched_getparam(0, &parameters));
    printf("sched_priority: %d\n", parameters.sched_priority);
    report("sched_getparam null", sched_getparam(0, NULL));
    report("sched_getparam negative", sched_getparam(-1, &parameters));
    report("sched_getparam no such", sched_getparam(NO_SUCH_ID, &parameters));
    report("sched_getparam bad pointer", sched_getparam(0, (struct sched_param*)16));
    return 0;
}
