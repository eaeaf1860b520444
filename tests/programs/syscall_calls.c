// Syscalls as calls, seen from the program: after a syscall site has run twice, Ingot has
// rewritten it into a jump (`ingot run`, the default) or left it trapping (`--syscalls trap`,
// and Linux). Either way every call must behave as a `syscall`: results and errno after many
// mixed calls, every register but RAX, RCX and R11 and the red zone below RSP kept, signals
// arriving in and between calls, and calls interrupted and restarted (SA_RESTART) or not.
//
// Usage: syscall_calls call|trap. Each check prints "NAME: ok" or "NAME: FAIL ..."; the exit
// status is the number of failures. Run natively with "trap".
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int failures;
static volatile sig_atomic_t signals_seen;

static void check(const char* name, int ok, const char* detail) {
    if (ok) {
        printf("%s: ok\n", name);
    } else {
        printf("%s: FAIL %s\n", name, detail);
        ++failures;
    }
}

// Sites of our own, each `mov $NR, %eax; syscall`, with a label on the mov.
__attribute__((noinline)) long own_getppid(void) {
    long result;
    __asm__ volatile(".globl own_getppid_site\nown_getppid_site:\n"
                     "mov $110, %%eax\n"
                     "syscall"
                     : "=a"(result)
                     :
                     : "rcx", "r11", "memory");
    return result;
}
extern const unsigned char own_getppid_site[];

__attribute__((noinline)) long own_read(long fd, void* buffer, long length) {
    long result;
    __asm__ volatile("mov $0, %%eax\n"
                     "syscall"
                     : "=a"(result)
                     : "D"(fd), "S"(buffer), "d"(length)
                     : "rcx", "r11", "memory");
    return result;
}

// Sites whose instruction before the syscall is too short to move (`mov %ecx, %eax`, `xor
// %eax, %eax`): Ingot turns the syscall itself into a short jump to the dead bytes after the
// function (here 8 nops, then alignment).
long own_short_getppid(void);
long own_short_read(long fd, void* buffer, long length);
extern const unsigned char own_short_site[];
__asm__(".text\n"
        ".globl own_short_getppid\n"
        ".type own_short_getppid, @function\n"
        "own_short_getppid:\n"
        ".cfi_startproc\n"
        "mov $110, %ecx\n"
        "mov %ecx, %eax\n"
        ".globl own_short_site\n"
        "own_short_site:\n"
        "syscall\n"
        "ret\n"
        ".cfi_endproc\n"
        ".size own_short_getppid, . - own_short_getppid\n"
        ".skip 8, 0x90\n"
        ".p2align 4, 0x90\n"
        ".globl own_short_read\n"
        ".type own_short_read, @function\n"
        "own_short_read:\n"
        ".cfi_startproc\n"
        "xor %eax, %eax\n"
        "syscall\n"
        "ret\n"
        ".cfi_endproc\n"
        ".size own_short_read, . - own_short_read\n"
        ".skip 8, 0x90\n"
        ".p2align 4, 0x90\n");

// getpid with known values in every register a syscall keeps and in the 128 bytes below RSP
// (below the compiler's own red zone, which is not ours to write): returns how many
// of them changed.
__attribute__((noinline)) long registers_changed(void) {
    long changed;
    __asm__ volatile(
        "sub $128, %%rsp\n"
        "push %%rbx\n push %%rbp\n push %%r12\n push %%r13\n push %%r14\n push %%r15\n"
        "sub $256, %%rsp\n"
        "mov $-16, %%rcx\n"
        "1: mov %%rcx, (%%rsp,%%rcx,8)\n inc %%rcx\n jnz 1b\n"
        "mov $0x1111, %%rdi\n mov $0x2222, %%rsi\n mov $0x3333, %%rdx\n"
        "mov $0x4444, %%r10\n mov $0x5555, %%r8\n mov $0x6666, %%r9\n"
        "mov $0x7777, %%rbx\n mov $0x8888, %%rbp\n mov $0x9999, %%r12\n"
        "mov $0xaaaa, %%r13\n mov $0xbbbb, %%r14\n mov $0xcccc, %%r15\n"
        "mov $39, %%eax\n"
        "syscall\n"
        "xor %%eax, %%eax\n"
        "cmp $0x1111, %%rdi\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x2222, %%rsi\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x3333, %%rdx\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x4444, %%r10\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x5555, %%r8\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x6666, %%r9\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x7777, %%rbx\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x8888, %%rbp\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0x9999, %%r12\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0xaaaa, %%r13\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0xbbbb, %%r14\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "cmp $0xcccc, %%r15\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "mov $-16, %%rdx\n"
        "2: cmp %%rdx, (%%rsp,%%rdx,8)\n setne %%cl\n movzbq %%cl, %%rcx\n add %%rcx, %%rax\n"
        "inc %%rdx\n jnz 2b\n"
        "add $256, %%rsp\n"
        "pop %%r15\n pop %%r14\n pop %%r13\n pop %%r12\n pop %%rbp\n pop %%rbx\n"
        "add $128, %%rsp\n"
        : "=a"(changed)
        :
        : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
    return changed;
}

// The `mov` before the first syscall in the first bytes of a C library function: what the
// site holds now.
static int site_byte(const void* function) {
    const unsigned char* code = function;
    for (int i = 5; i < 48; ++i) {
        if (code[i] == 0x0f && code[i + 1] == 0x05)
            return code[i - 5];
    }
    return -1;
}

static int mapped(const char* name) {
    FILE* maps = fopen("/proc/self/maps", "r");
    char line[512];
    int found = 0;
    while (maps && fgets(line, sizeof line, maps)) {
        if (strstr(line, name))
            found = 1;
    }
    if (maps)
        fclose(maps);
    return found;
}

static void count_signal(int signal) {
    (void)signal;
    ++signals_seen;
    // A syscall from the handler, through a rewritten site, in the middle of another.
    if (own_getppid() != getppid())
        _exit(99);
}

static void interval_timer(long microseconds) {
    struct itimerval timer = {{0, microseconds}, {0, microseconds}};
    setitimer(ITIMER_REAL, &timer, NULL);
}

static void on_alarm(int flags) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = count_signal;
    action.sa_flags = flags;
    sigaction(SIGALRM, &action, NULL);
}

static void* write_later(void* argument) {
    int fd = *(int*)argument;
    usleep(200 * 1000);
    if (write(fd, "x", 1) != 1)
        abort();
    return NULL;
}

// A blocking read through a rewritten site, interrupted by signals: with SA_RESTART it resumes
// (the kernel rewinds to the site: the kept syscall traps, a short jump goes through the stub
// again) until the data comes; without, it ends with EINTR.
static void check_restarts(const char* name, long (*reader)(long, void*, long), int pipe_fds[2]) {
    char byte, check_name[64], detail[160];
    pthread_t writer;
    on_alarm(SA_RESTART);
    // Two reads first: a site is rewritten when it traps the second time.
    if (write(pipe_fds[1], "yy", 2) != 2 || reader(pipe_fds[0], &byte, 1) != 1 ||
        reader(pipe_fds[0], &byte, 1) != 1)
        abort();
    pthread_create(&writer, NULL, write_later, &pipe_fds[1]);
    signals_seen = 0;
    interval_timer(20000);
    long got = reader(pipe_fds[0], &byte, 1);
    interval_timer(0);
    pthread_join(writer, NULL);
    snprintf(check_name, sizeof check_name, "restarted_%s", name);
    snprintf(detail, sizeof detail, "read returned %ld after %d signals", got, (int)signals_seen);
    check(check_name, got == 1 && byte == 'x' && signals_seen >= 1, detail);

    on_alarm(0);
    signals_seen = 0;
    interval_timer(20000);
    got = reader(pipe_fds[0], &byte, 1);
    interval_timer(0);
    snprintf(check_name, sizeof check_name, "interrupted_%s", name);
    snprintf(detail, sizeof detail, "read returned %ld after %d signals", got, (int)signals_seen);
    check(check_name, got == -EINTR && signals_seen >= 1, detail);
}

static double seconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec + now.tv_nsec / 1e9;
}

int main(int argc, char** argv) {
    int rewritten = argc > 1 && strcmp(argv[1], "call") == 0;
    int expected = rewritten ? 0xe9 : 0xb8;
    char detail[160];
    setvbuf(stdout, NULL, _IOLBF, 0);

    pid_t parent = getppid();
    long first = own_getppid(), second = own_getppid();
    snprintf(detail, sizeof detail, "got %ld and %ld, want %d; site holds 0x%02x", first, second,
             parent, own_getppid_site[0]);
    check("own_site", first == parent && second == parent && own_getppid_site[0] == expected,
          detail);
    first = own_short_getppid(), second = own_short_getppid();
    snprintf(detail, sizeof detail, "got %ld and %ld, want %d; site holds 0x%02x", first, second,
             parent, own_short_site[0]);
    check("own_short_site",
          first == parent && second == parent && own_short_site[0] == (rewritten ? 0xeb : 0x0f),
          detail);
    snprintf(detail, sizeof detail, "getppid's site holds 0x%02x", site_byte((void*)getppid));
    check("libc_site", getppid() == parent && site_byte((void*)getppid) == expected, detail);
    check("stub_pages", mapped("[ingot-syscalls]") == rewritten,
          rewritten ? "no [ingot-syscalls] in /proc/self/maps" : "[ingot-syscalls] mapped");

    long changed = registers_changed();
    changed += registers_changed();
    snprintf(detail, sizeof detail, "%ld registers or red-zone words changed", changed);
    check("registers_kept", changed == 0, detail);

    int null_fd = open("/dev/null", O_WRONLY);
    int wrong = 0;
    for (int i = 0; i < 5000 && wrong < 5; ++i) {
        errno = 0;
        if (own_getppid() != parent || getppid() != parent)
            ++wrong;
        if (write(null_fd, "abc", 3) != 3 || errno != 0)
            ++wrong;
        if (close(-1) != -1 || errno != EBADF)
            ++wrong;
        if (own_read(-5, detail, 1) != -EBADF || own_short_read(-5, detail, 1) != -EBADF)
            ++wrong;
        if (own_short_getppid() != parent)
            ++wrong;
        if (open("/no/such/file", O_RDONLY) != -1 || errno != ENOENT)
            ++wrong;
        if (syscall(SYS_getpid) != getpid())
            ++wrong;
    }
    snprintf(detail, sizeof detail, "%d wrong results or errno values", wrong);
    check("errno_mixed", wrong == 0, detail);

    on_alarm(SA_RESTART);
    interval_timer(2000);
    wrong = 0;
    long calls = 0;
    for (double end = seconds() + 0.5; seconds() < end || signals_seen < 3;) {
        if (own_getppid() != parent || registers_changed() != 0)
            ++wrong;
        ++calls;
    }
    interval_timer(0);
    snprintf(detail, sizeof detail, "%d wrong of %ld calls, %d signals", wrong, calls,
             (int)signals_seen);
    check("signals_during_calls", wrong == 0 && signals_seen >= 3, detail);

    // Blocking reads through both kinds of rewritten site.
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0)
        abort();
    check_restarts("read", own_read, pipe_fds);
    check_restarts("short_read", own_short_read, pipe_fds);

    return failures;
}
