/* A thread that spins forever without a system call, beside a main thread that must still
 * get the CPU: with cooperative scheduling alone it never would. Exits 0 from main. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static atomic_long spins;

static void* spin(void* unused) {
    (void)unused;
    for (;;)
        atomic_fetch_add_explicit(&spins, 1, memory_order_relaxed);
    return NULL;
}

int main(void) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, spin, NULL) != 0) {
        perror("pthread_create");
        return 1;
    }
    /* Wait until the spinner has surely run, then sleep: both need the CPU back. */
    while (atomic_load(&spins) < 1000000) {
    }
    struct timespec pause = {0, 20 * 1000 * 1000};
    nanosleep(&pause, NULL);
    printf("main ran beside a spinning thread\n");
    fflush(stdout);
    return 0;
}
