// POSIX threads in C (for glibc and musl): mutex, condition variable, join, checksum.
#include <pthread.h>
#include <stdio.h>

#define WORKERS 4
#define ROUNDS 10000

static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;
static unsigned long total;

static void* worker(void* argument) {
    int id = (int)(long)argument;
    for (int round = 0; round < ROUNDS; ++round) {
        pthread_mutex_lock(&mutex);
        while (turn != id) // strict round robin: every hand-over blocks and wakes a thread
            pthread_cond_wait(&turn_changed, &mutex);
        total += (unsigned long)(id + 1) * (unsigned long)round;
        turn = (turn + 1) % WORKERS;
        pthread_cond_broadcast(&turn_changed);
        pthread_mutex_unlock(&mutex);
    }
    return (void*)(long)(id * 10);
}

int main(void) {
    pthread_t threads[WORKERS];
    for (long i = 0; i < WORKERS; ++i)
        if (pthread_create(&threads[i], NULL, worker, (void*)i) != 0) {
            printf("pthread_create failed\n");
            return 1;
        }
    long results = 0;
    for (int i = 0; i < WORKERS; ++i) {
        void* result;
        pthread_join(threads[i], &result);
        results += (long)result;
    }
    printf("pthreads: total=%lu results=%ld\n", total, results);
    return 0;
}
