/* How a program meets `ingot run`'s stop policy. Modes (argv[1]):
 *   spin   handles SIGTERM and SIGINT by counting them, says "waiting", then spins without a
 *          system call: only the VM's stop (grace deadline or a second signal) ends it.
 *   clean  says "waiting", waits; its SIGTERM handler says "cleaning up" and exits with 7.
 *   yes    writes "y" lines forever, as yes(1): a closed stdout must end it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t signals_seen;

static void count(int signal) {
    (void)signal;
    signals_seen = signals_seen + 1;
}

static void clean_up(int signal) {
    (void)signal;
    static const char line[] = "cleaning up\n";
    write(STDOUT_FILENO, line, sizeof line - 1);
    _exit(7);
}

static void handle(int signal, void (*handler)(int)) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigaction(signal, &action, NULL);
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    setvbuf(stdout, NULL, _IONBF, 0);
    if (strcmp(mode, "spin") == 0) {
        handle(SIGTERM, count);
        handle(SIGINT, count);
        printf("waiting\n");
        for (volatile unsigned long spins = 0;; spins = spins + 1) {
        }
    }
    if (strcmp(mode, "clean") == 0) {
        handle(SIGTERM, clean_up);
        printf("waiting\n");
        for (;;)
            pause();
    }
    if (strcmp(mode, "yes") == 0) {
        setvbuf(stdout, NULL, _IOFBF, 8192);
        for (;;)
            fputs("y\n", stdout);
    }
    fprintf(stderr, "usage: stop_handling spin|clean|yes\n");
    return 2;
}
