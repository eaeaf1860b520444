// 10,000 threads, created and joined in batches of 100: each new thread's stack and TLS block
// reuse the memory of threads that have exited, so each must start from clean pages (this run
// once died in __ctype_init with a null pointer when stale translations survived).
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define BATCH 100
#define BATCHES 100

static long results[BATCH];

static void* work(void* argument) {
    long index = (long)argument;
    char text[64];
    snprintf(text, sizeof text, "thread %ld says hello", index);
    long letters = 0;
    for (const char* c = text; *c; ++c)
        letters += isalpha((unsigned char)*c) ? 1 : 0;
    results[index % BATCH] = index * 1000 + letters;
    return (void*)(index + 1);
}

int main(void) {
    long joined = 0;
    for (long batch = 0; batch < BATCHES; ++batch) {
        pthread_t threads[BATCH];
        for (long i = 0; i < BATCH; ++i) {
            if (pthread_create(&threads[i], NULL, work, (void*)(batch * BATCH + i)) != 0) {
                printf("pthread_create failed in batch %ld\n", batch);
                return 1;
            }
        }
        for (long i = 0; i < BATCH; ++i) {
            void* value;
            long index = batch * BATCH + i;
            pthread_join(threads[i], &value);
            if ((long)value != index + 1 || results[i] != index * 1000 + 15) {
                printf("thread %ld returned %ld, result %ld\n", index, (long)value, results[i]);
                return 1;
            }
            ++joined;
        }
    }
    printf("many_threads: %ld threads created and joined in batches of %d\n", joined, BATCH);
    return 0;
}
