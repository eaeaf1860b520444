/* Signals reaching code that never makes a system call. Modes:
 *   handler  a SIGTERM handler, then spins: a host SIGTERM must run it at once.
 *   default  spins with SIGTERM's default action: a host SIGTERM must end it.
 *   tgkill   a thread spins until the SIGUSR1 handler another thread sent it has run. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_term(int signal) {
    char line[] = "handler ran for signal 15 while spinning\n";
    (void)signal;
    write(1, line, sizeof line - 1);
    _exit(0);
}

static void on_usr1(int signal) {
    handled = signal;
}

static void* spin_until_handled(void* unused) {
    (void)unused;
    while (!handled) {
    }
    return NULL;
}

static void spin_forever(void) {
    printf("spinning\n");
    fflush(stdout);
    for (;;) {
        __asm__ volatile("");
    }
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (strcmp(mode, "handler") == 0) {
        signal(SIGTERM, on_term);
        spin_forever();
    }
    if (strcmp(mode, "default") == 0)
        spin_forever();
    if (strcmp(mode, "tgkill") == 0) {
        signal(SIGUSR1, on_usr1);
        pthread_t thread;
        if (pthread_create(&thread, NULL, spin_until_handled, NULL) != 0) {
            perror("pthread_create");
            return 1;
        }
        /* Let the thread start spinning first. */
        struct timespec pause = {0, 20 * 1000 * 1000};
        nanosleep(&pause, NULL);
        pthread_kill(thread, SIGUSR1);
        pthread_join(thread, NULL);
        printf("the spinning thread ran its handler for signal %d\n", (int)handled);
        return 0;
    }
    fprintf(stderr, "usage: spin_signals handler|default|tgkill\n");
    return 2;
}
