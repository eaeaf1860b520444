/* A program's handlers for the signals its own faults raise: SIGSEGV (unmapped and protected
 * pages, with si_addr and si_code), SIGFPE (integer division by zero), SIGILL (ud2), left with
 * siglongjmp; and a SIGSEGV handler that fixes the page and returns, after which the faulting
 * instruction runs again with every register as it was. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static sigjmp_buf escape;
static volatile int caught_signal, caught_code;
static void* volatile caught_address;
static char* fixable_page;

static void leave(int signal, siginfo_t* info, void* context) {
    (void)context;
    caught_signal = signal;
    caught_code = info->si_code;
    caught_address = info->si_addr;
    siglongjmp(escape, 1);
}

static void make_writable(int signal, siginfo_t* info, void* context) {
    (void)context;
    caught_signal = signal;
    caught_address = info->si_addr;
    mprotect(fixable_page, 4096, PROT_READ | PROT_WRITE);
}

static void handle(int signal, void (*handler)(int, siginfo_t*, void*)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO;
    sigaction(signal, &action, NULL);
}

static void report(const char* what, void* expected_address) {
    printf("%s: signal %d code %d address %s\n", what, caught_signal, caught_code,
           caught_address == expected_address ? "right" : "wrong");
}

int main(void) {
    handle(SIGSEGV, leave);
    handle(SIGFPE, leave);
    handle(SIGILL, leave);

    char* page = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED)
        return 1;
    munmap(page + 4096, 4096);
    mprotect(page, 4096, PROT_READ);
    if (sigsetjmp(escape, 1) == 0)
        *(volatile char*)(page + 4096) = 1;
    report("unmapped write", page + 4096);
    if (sigsetjmp(escape, 1) == 0)
        *(volatile char*)(page + 8) = 1;
    report("read-only write", page + 8);

    volatile int zero = 0;
    void* divide_at = NULL;
    if (sigsetjmp(escape, 1) == 0) {
        printf("not reached: %d\n", 7 / zero);
    }
    divide_at = caught_address;
    printf("division by zero: signal %d code %d\n", caught_signal, caught_code);
    (void)divide_at;
    if (sigsetjmp(escape, 1) == 0)
        __asm__ volatile("ud2");
    printf("ud2: signal %d code %d\n", caught_signal, caught_code);

    /* The handler returns: the store runs again and every register survives the round trip. */
    handle(SIGSEGV, make_writable);
    fixable_page = page;
    mprotect(page, 4096, PROT_NONE);
    uint64_t rcx, r11, rbx;
    __asm__ volatile("mov $0x1234, %%rcx\n\t"
                     "mov $0x5678, %%r11\n\t"
                     "mov $0x9abc, %%rbx\n\t"
                     "movl $42, (%3)\n\t"
                     "mov %%rcx, %0\n\t"
                     "mov %%r11, %1\n\t"
                     "mov %%rbx, %2"
                     : "=r"(rcx), "=r"(r11), "=r"(rbx)
                     : "r"(page + 64)
                     : "rcx", "r11", "rbx", "memory");
    printf("fixed and returned: signal %d address %s value %d rcx %#lx r11 %#lx rbx %#lx\n",
           caught_signal, caught_address == page + 64 ? "right" : "wrong", *(int*)(page + 64),
           (unsigned long)rcx, (unsigned long)r11, (unsigned long)rbx);
    return 0;
}
