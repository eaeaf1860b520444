// Signals: handlers (with SSE state preserved around them), SIG_IGN, blocking and unblocking,
// SA_RESTART, an alternate stack, and default actions. With "wait", it waits in pause() for a
// signal from outside (ingot run forwards SIGTERM/SIGINT/SIGHUP); SIGTERM is blocked until
// sigsuspend, so a signal sent right after "waiting" is not lost.
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t last_signal;
static volatile int on_alternate_stack;
static char alternate_stack[64 * 1024];

static void handler(int signal, siginfo_t* info, void* context) {
    (void)context;
    // Floating-point work inside the handler must not disturb the interrupted code's.
    volatile double scratch = 1.5;
    scratch *= 3.0;
    last_signal = info->si_signo == signal ? signal : -1;
    char here;
    on_alternate_stack = &here >= alternate_stack && &here < alternate_stack + sizeof alternate_stack;
}

static void install(int signal, int flags) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | flags;
    sigaction(signal, &action, NULL);
}

int main(int argc, char** argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc > 1 && strcmp(argv[1], "wait") == 0) {
        install(SIGTERM, 0);
        sigset_t blocked, during;
        sigemptyset(&blocked);
        sigaddset(&blocked, SIGTERM);
        sigprocmask(SIG_BLOCK, &blocked, &during);
        printf("waiting\n");
        sigsuspend(&during);
        printf("sigsuspend returned after signal %d\n", (int)last_signal);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "default") == 0) {
        printf("waiting without a handler\n");
        pause();
        printf("not reached\n");
        return 0;
    }

    volatile double kept = 0.25;
    install(SIGUSR1, 0);
    raise(SIGUSR1);
    printf("handler: %d, float kept: %s\n", (int)last_signal, kept == 0.25 ? "yes" : "no");

    signal(SIGUSR2, SIG_IGN);
    raise(SIGUSR2);
    printf("ignored SIGUSR2\n");

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    last_signal = 0;
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    sigset_t pending;
    sigpending(&pending);
    printf("while blocked: %d, pending: %d\n", (int)last_signal, sigismember(&pending, SIGUSR1));
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    printf("after unblocking: %d\n", (int)last_signal);

    stack_t stack = {.ss_sp = alternate_stack, .ss_size = sizeof alternate_stack, .ss_flags = 0};
    sigaltstack(&stack, NULL);
    install(SIGUSR2, SA_ONSTACK | SA_RESTART);
    raise(SIGUSR2);
    printf("on the alternate stack: %s\n", on_alternate_stack ? "yes" : "no");

    signal(SIGTERM, SIG_DFL);
    raise(SIGTERM);
    printf("not reached\n");
    return 0;
}
