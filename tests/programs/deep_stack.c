/* Stack pages get their memory on first touch: a 48 MiB stack frame touched from its far end
 * first, in a VM with less memory than the stack's size (run it with --stack 64M --mem 32M),
 * and a thread that uses 1 MiB of its stack. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define DEEP (48u << 20)
#define PAGE 4096u

static unsigned long touch(volatile unsigned char* bytes, unsigned long size, unsigned long step) {
    unsigned long sum = 0;
    /* From the far (lowest) end up: each page is first touched out of order. */
    for (unsigned long i = 0; i < size; i += step)
        bytes[i] = (unsigned char)(i / step);
    for (unsigned long i = 0; i < size; i += step)
        sum += bytes[i];
    return sum;
}

static __attribute__((noinline)) unsigned long deep(void) {
    volatile unsigned char frame[DEEP];
    /* Only every 64th page: the VM's memory could not hold them all. */
    return touch(frame, DEEP, 64 * PAGE);
}

static void* thread_main(void* result) {
    volatile unsigned char frame[1u << 20];
    *(unsigned long*)result = touch(frame, sizeof frame, PAGE);
    return NULL;
}

int main(void) {
    unsigned long deep_sum = deep();
    unsigned long thread_sum = 0;
    pthread_t thread;
    if (pthread_create(&thread, NULL, thread_main, &thread_sum) != 0) {
        perror("pthread_create");
        return 1;
    }
    pthread_join(thread, NULL);
    printf("deep stack sum=%lu thread stack sum=%lu\n", deep_sum, thread_sum);
    return 0;
}
