// A syscall fuzzer for Ingot's kernel: calls every syscall number, then random ones, with
// hostile arguments (NULL, low, wild, kernel and non-canonical pointers, a PROT_NONE guard page,
// buffers that run into it, huge lengths, bad and just-closed fds) drawn from a fixed seed.
//
//   syscall_fuzzer [--seed N] [--iterations N] [--seconds S] [--hang-seconds S] [--log-from N]
//
// The kernel must answer every call with a result or an errno: a kernel fault (status 125), a
// crash of this program or a hang is a kernel bug. What would end or wedge the program in ways
// Linux allows too is kept out: exit, fork, execve and rt_sigreturn are never called; memory
// calls only touch a sandbox region mapped for them; signals that would kill, stop or cancel
// are never sent; fds 900 and 901 (the real stdout and stderr) are never closed or replaced;
// signal masks, dispositions, the program break and resource limits are put back after the
// calls that change them. Cases that meet known kernel bugs are held back too, each where it is
// generated ("Avoids a known kernel bug").
//
// Blocking calls are interrupted: a watchdog thread sends SIGUSR1 (handled without SA_RESTART)
// when a call has not returned after 20 ms, and reports a hang, with the call and its
// arguments, when one makes no progress for --hang-seconds. A call that spins in the kernel
// stops the watchdog too (hvt does not preempt): the caller's timeout has to catch that.
//
// Prints a summary and "fuzz: done" on stdout and exits 0. Status 3 is a hang, 4 a monotonic
// clock that went backwards or leapt; status 2 a bad command line or a failed setup. To find
// the call behind a failure, rerun the same seed with --log-from N (each call from iteration N
// on, then its result, on stderr) or under `ingot run --trace-syscalls`; both slow the calls
// down, so the watchdog's interruptions may fall elsewhere and the failure move: start the log
// as late as possible. It refuses to run outside Ingot (uname release without "ingot"): on a
// real Linux these arguments would reach a real machine.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

enum {
    status_hang = 3,
    status_setup = 2,
    status_clock = 4,
    saved_stdout = 900,
    saved_stderr = 901,
    page = 4096,
    highest_number = 463,       // past the last x86-64 syscall of Linux 6.x
    arena_size = 64 * page,     // valid buffers, followed by a guard page
    sandbox_size = 1024 * page, // where memory calls may map, unmap and protect
    hole_size = 256 * page,     // unmapped (mapped once, then unmapped)
    max_tracked_fds = 512,
    wild_count = 16,
    slots_size = page, // arguments the fuzzer rewrites before each use (signal masks)
};

// ---- Deterministic randomness (xorshift64*)

static uint64_t rng_state;
static uint64_t next_random(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}
static uint64_t below(uint64_t n) {
    return next_random() % n;
}
static uint64_t pick(const uint64_t* values, size_t count) {
    return values[below(count)];
}
#define PICK(...)                                                                                  \
    ({                                                                                             \
        const uint64_t _values[] = {__VA_ARGS__};                                                  \
        pick(_values, sizeof _values / sizeof _values[0]);                                         \
    })

// ---- The regions

static uint8_t* arena; // arena_size bytes RW, then a PROT_NONE guard page
static uint8_t* guard;
static uint8_t* sandbox; // memory calls only touch [sandbox, sandbox + sandbox_size)
static uint8_t* hole;    // unmapped when fuzzing starts
static uint8_t* slots;   // rewritten by the fuzzer before it passes them
static uint64_t wild[wild_count];
static uintptr_t initial_break;

// ---- Fds: the pool the calls get, and every fd a call created (closed at each refresh)

static int pool[16];
static int pool_count;
static int tracked[max_tracked_fds];
static int tracked_count;
static int just_closed = 63;

static void track(long fd) {
    if (fd > 2 && fd < 1024 && fd != saved_stdout && fd != saved_stderr &&
        tracked_count < max_tracked_fds)
        tracked[tracked_count++] = (int)fd;
}

static uint64_t gen_fd(void) {
    switch (below(10)) {
    case 0:
        return PICK(-1ull, 1000, 1023, 1024, 0x7fffffff, 0x80000000, 65536, ~0ull << 31);
    case 1:
        return below(3);
    case 2:
        return just_closed;
    case 3:
        return 3 + below(40);
    default:
        return pool_count ? (uint64_t)pool[below(pool_count)] : -1ull;
    }
}

// ---- Pointers

static uint64_t kernel_address(void) {
    uint64_t base = PICK(0xffffffff80000000ull, 0xffffffff80100000ull, 0xffff888000000000ull,
                         0xffff888000100000ull, 0xffff888000400000ull, 0xffff800000000000ull,
                         0xfffffffffffff000ull, 0xffffffffffffffffull, 0xffffffffff600000ull);
    uint64_t address = base + (below(2) ? 0 : below(0x200000) & ~7ull);
    return address < base ? base : address; // past the top it would wrap to a user address
}
static uint64_t noncanonical_address(void) {
    return PICK(0x0000800000000000ull, 0x8000000000000000ull, 0xffff7ffffffff000ull,
                0x00ff000000000000ull, 0x7fffffffffffffffull) +
           (below(2) ? 0 : below(1ull << 30));
}

static uint64_t gen_pointer(void) {
    switch (below(14)) {
    case 0:
    case 1:
    case 2:
        return (uint64_t)(arena + (below(arena_size) & ~7ull));
    case 3:
        return (uint64_t)(guard - 1 - below(64)); // runs into the guard page
    case 4:
        return (uint64_t)(guard + below(page));
    case 5:
        return (uint64_t)(hole + below(hole_size));
    case 6:
        return wild[below(wild_count)];
    case 7:
        return below(2) ? 0 : below(page);
    case 8:
    case 9:
        return kernel_address();
    case 10:
        return noncanonical_address();
    case 11:
        return 0x100000 + below(0x300000); // the kernel's physical home, below the program
    case 12:
        return 0x00007ffffffff000ull + below(page); // the last page of the lower half
    default:
        return (uint64_t)(arena + below(arena_size)); // unaligned
    }
}

static uint64_t gen_length(void) {
    switch (below(8)) {
    case 0:
        return below(64);
    case 1:
        return below(8192);
    case 2:
        return page * below(64);
    case 3:
        return arena_size + below(2) * page;
    default:
        return PICK(0x7fffffff, 0x80000000, 0xffffffff, 1ull << 32, 1ull << 47, 1ull << 63, ~0ull,
                    ~0ull - 4095, 0x7ffff000, (uint64_t)-page);
    }
}

static uint64_t gen_arg(void) {
    switch (below(20)) {
    case 0:
    case 1:
        return 0;
    case 2:
        return ~0ull;
    case 3:
    case 4:
    case 5:
        return below(65);
    case 6:
        return PICK(1ull << 63, 1ull << 62, 0x7fffffffffffffffull, 0x80000000, 0xffffffff,
                    0x7fffffff, 1ull << 32, (uint64_t)-4096, 1ull << 47, (uint64_t)-2);
    case 7:
    case 8:
        return gen_fd();
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
        return gen_pointer();
    case 14:
    case 15:
        return gen_length();
    case 16:
        return 1ull << below(64) | (below(2) ? 1ull << below(64) : 0);
    case 17:
        return next_random();
    default:
        return (uint32_t)next_random();
    }
}

// Fills the arena with words drawn like arguments: every struct a call reads from it (iovecs,
// msghdrs, sockaddrs, timespecs, sigactions) is made of hostile pointers, lengths and flags.
// Half of the pairs of words look like an iovec (a buffer in the arena and a modest length),
// so vectors and message headers get past their first entries.
static void refill_arena(void) {
    uint64_t* words = (uint64_t*)arena;
    for (size_t i = 0; i < arena_size / 8; i += 2) {
        if (below(2)) {
            words[i] = below(4) ? (uint64_t)(arena + below(arena_size)) : gen_pointer();
            words[i + 1] = below(4) ? below(page) : gen_length();
        } else {
            words[i] = below(4) ? gen_arg() : next_random();
            words[i + 1] = below(4) ? gen_arg() : next_random();
        }
    }
}

// ---- Typed arguments for the calls Ingot implements: part of the calls get past the first
// checks (a real fd, a real buffer) and reach the deeper paths with the hostile argument.
//   f  an fd, usually of the pool       b  a buffer in the arena
//   l  the length of the buffer before: exactly to the guard page, past it, or anything
//   p  a struct in the arena, or any pointer     n  a small count, or a huge one
//   i  an int or flags
struct signature {
    uint16_t number;
    const char* kinds;
};
static const struct signature signatures[] = {
    {SYS_read, "fbl"},
    {SYS_write, "fbl"},
    {SYS_readv, "fpn"},
    {SYS_writev, "fpn"},
    {SYS_recvfrom, "fblipp"},
    {SYS_sendto, "fblipl"},
    {SYS_recvmsg, "fpi"},
    {SYS_sendmsg, "fpi"},
    {SYS_epoll_wait, "fpni"},
    {SYS_epoll_pwait, "fpnipi"},
    {SYS_epoll_ctl, "fifp"},
    {SYS_poll, "pni"},
    {SYS_select, "npppp"},
    {SYS_getrandom, "bli"},
    {SYS_getsockopt, "fiipp"},
    {SYS_setsockopt, "fiibl"},
    {SYS_bind, "fbl"},
    {SYS_connect, "fbl"},
    {SYS_accept4, "fppi"},
    {SYS_getsockname, "fpp"},
    {SYS_getpeername, "fpp"},
    {SYS_futex, "piipii"},
    {SYS_fcntl, "fii"},
    {SYS_ioctl, "fip"},
    {SYS_fstat, "fp"},
    {SYS_lseek, "fii"},
    {SYS_dup3, "ffi"},
    {SYS_pipe2, "pi"},
    {SYS_listen, "fi"},
    {SYS_shutdown, "fi"},
    {SYS_getcwd, "bl"},
    {SYS_uname, "p"},
    {SYS_sysinfo, "p"},
    {SYS_getrusage, "ip"},
    {SYS_prlimit64, "iipp"},
    {SYS_clock_gettime, "ip"},
    {SYS_clock_getres, "ip"},
    {SYS_gettimeofday, "pp"},
    {SYS_nanosleep, "pp"},
    {SYS_clock_nanosleep, "iipp"},
    {SYS_sched_getaffinity, "ilb"},
    {SYS_getcpu, "ppp"},
    {SYS_sigaltstack, "pp"},
    {SYS_rt_sigpending, "pl"},
    {SYS_readlink, "pbl"},
    {SYS_readlinkat, "ipbl"},
    {SYS_getgroups, "nb"},
    {SYS_wait4, "ipip"},
    {SYS_newfstatat, "ippi"},
    {SYS_openat, "ipii"},
    {SYS_open, "pii"},
    {SYS_stat, "pp"},
    {SYS_access, "pi"},
    {SYS_faccessat, "ipi"},
    {SYS_getresuid, "ppp"},
    {SYS_getresgid, "ppp"},
    {SYS_time, "p"},
    {SYS_set_tid_address, "p"},
    {SYS_set_robust_list, "pl"},
    {SYS_eventfd2, "ii"},
    {SYS_socket, "iii"},
    {SYS_epoll_create1, "i"},
    {SYS_close, "f"},
    {SYS_dup, "f"},
    {SYS_dup2, "ff"},
    {SYS_ppoll, "pnppl"},
    {SYS_pselect6, "npppp"},
    {SYS_accept, "fpp"},
    {SYS_mmap, "pliifi"},
};

static uint64_t typed_arg(char kind, uint64_t previous) {
    switch (kind) {
    case 'f':
        return below(5) && pool_count ? (uint64_t)pool[below(pool_count)] : gen_fd();
    case 'b':
        return below(2) ? (uint64_t)(guard - 1 - below(page))
                        : (uint64_t)(arena + below(arena_size));
    case 'l':
        if (previous >= (uint64_t)arena && previous < (uint64_t)guard && below(4) != 0) {
            uint64_t room = (uint64_t)guard - previous;
            return below(2) ? room : room + 1 + below(page);
        }
        return below(2) ? below(page) : gen_length();
    case 'p':
        return below(3) ? (uint64_t)(arena + (below(arena_size - 256) & ~7ull)) : gen_pointer();
    case 'n':
        return below(4) ? below(9) : PICK(1024, 1ull << 31, 1ull << 32, ~0ull, 1ull << 60);
    default:
        return below(2) ? below(65) : gen_arg();
    }
}

static const struct signature* signature_of(uint64_t number) {
    for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; ++i)
        if (signatures[i].number == number)
            return &signatures[i];
    return NULL;
}

// An address and length the memory calls may use: inside the sandbox, or ranges Linux refuses
// whole (kernel, non-canonical, wrapping, huge), or unmapped memory below the program.
static void gen_range(uint64_t* address, uint64_t* length) {
    uint64_t offset = page * below(sandbox_size / page);
    switch (below(10)) {
    case 0:
    case 1:
    case 2:
    case 3:
        *address = (uint64_t)sandbox + offset + (below(10) ? 0 : 1 + below(page - 1));
        *length = below(8) ? page * below((sandbox_size - offset) / page + 1)
                           : below(sandbox_size - (*address - (uint64_t)sandbox) + 1);
        return;
    case 4:
        *address = (uint64_t)sandbox + offset;
        // Not a range that ends just past the lower half: it avoids a known kernel bug
        // (AddressSpace::unmap, kernel/mm/address_space.cpp): munmap does not refuse a range
        // that ends above the user half (Linux: EINVAL) and unmaps up to it, the stack included.
        *length = PICK(1ull << 47, 1ull << 63, ~0ull, ~0ull - 4095, 0 - *address);
        return;
    case 5:
        *address = kernel_address();
        *length = gen_length();
        return;
    case 6:
        *address = noncanonical_address();
        *length = gen_length();
        return;
    case 7:
        *address = (uint64_t)hole + page * below(hole_size / page);
        *length = below((uint64_t)hole + hole_size - *address + 1);
        return;
    case 8:
        *address = below(2) ? 0 : below(0x10000);
        *length = below(0x10000);
        return;
    default:
        *address = PICK(0xfffffffffffff000ull, (uint64_t)-2 * page);
        *length = PICK(page, 2 * page, 0x10000);
        return;
    }
}

static int in_sandbox(uint64_t address) {
    return address >= (uint64_t)sandbox && address < (uint64_t)sandbox + sandbox_size;
}

// Whether [address, address + length) could take memory the fuzzer needs: it reaches into the
// lower half outside the sandbox.
static int reaches_outside_sandbox(uint64_t address, uint64_t length) {
    if (address >= (1ull << 47))
        return 0;
    return !in_sandbox(address) || length > (uint64_t)sandbox + sandbox_size - address;
}

// ---- Signals

static const int interrupt_signal = SIGUSR1;

static void interrupted(int signal) {
    (void)signal;
}

// The signals the fuzzer may send itself: none that kills, stops, or is glibc's own (32, 33),
// and none of the synchronous crash signals, so a crash report always means a real crash.
static int sendable(int signal) {
    switch (signal) {
    case SIGKILL:
    case SIGSTOP:
    case SIGTSTP:
    case SIGTTIN:
    case SIGTTOU:
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGABRT:
    case SIGTRAP:
    case SIGSYS:
    case 32:
    case 33:
        return 0;
    default:
        return 1;
    }
}

static uint64_t gen_signal(void) {
    if (below(5) == 0)
        return PICK(0, 65, 1000, -1ull, 0x80000000, 0x100000001ull);
    for (;;) {
        int signal = 1 + (int)below(64);
        if (sendable(signal))
            return (uint64_t)signal;
    }
}

// USR1 and USR2 interrupt; every other sendable signal is ignored (SIGPIPE from pipes and
// sockets, the real-time ones a stray kill sends).
static void set_disposition(int signal) {
    if (!sendable(signal) && signal != SIGSEGV && signal != SIGBUS && signal != SIGILL &&
        signal != SIGFPE && signal != SIGABRT && signal != SIGTRAP && signal != SIGSYS)
        return;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    if (signal == SIGUSR1 || signal == SIGUSR2)
        action.sa_handler = interrupted; // no SA_RESTART: a blocked call returns EINTR
    else if (sendable(signal))
        action.sa_handler = SIG_IGN;
    else
        action.sa_handler = SIG_DFL;
    sigaction(signal, &action, NULL);
}

static void reset_signal_mask(void) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

// A sigset for the calls that wait with a temporary mask: anything but the interrupt signal.
static uint64_t mask_without_interrupt(void) {
    uint64_t* mask = (uint64_t*)slots;
    mask[0] = next_random() & ~(1ull << (interrupt_signal - 1));
    switch (below(4)) {
    case 0:
        return 0;
    case 1:
        return below(2) ? kernel_address() : (uint64_t)(guard + 8);
    default:
        return (uint64_t)mask;
    }
}

// ---- The watchdog

static volatile uint64_t progress; // odd while a call is in flight
static pid_t main_tid;
static struct { uint64_t number, args[6]; } volatile last_call;
static unsigned hang_seconds = 10;

static void sleep_ms(long ms) {
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&t, &t) != 0 && errno == EINTR) {
    }
}

static void* watchdog(void* unused) {
    (void)unused;
    const long tick_ms = 10;
    uint64_t seen = progress;
    long still_ms = 0;
    for (;;) {
        sleep_ms(tick_ms);
        uint64_t now = progress;
        if (now != seen) {
            seen = now;
            still_ms = 0;
            continue;
        }
        still_ms += tick_ms;
        if ((now & 1) && still_ms >= 20 && still_ms % 20 == 0)
            syscall(SYS_tgkill, getpid(), main_tid, interrupt_signal);
        if (still_ms >= (long)hang_seconds * 1000) {
            dprintf(saved_stderr,
                    "fuzz: hang: syscall %llu (0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx) "
                    "made no progress for %u s%s\n",
                    (unsigned long long)last_call.number, (unsigned long long)last_call.args[0],
                    (unsigned long long)last_call.args[1], (unsigned long long)last_call.args[2],
                    (unsigned long long)last_call.args[3], (unsigned long long)last_call.args[4],
                    (unsigned long long)last_call.args[5], hang_seconds,
                    (now & 1) ? "" : " (between calls)");
            syscall(SYS_exit_group, status_hang);
        }
    }
    return NULL;
}

// ---- Setup

static void die(const char* what) {
    dprintf(saved_stderr >= 0 ? saved_stderr : 2, "fuzz: setup: %s: %s\n", what, strerror(errno));
    exit(status_setup);
}

static void* map(size_t length, int prot) {
    void* at = mmap(NULL, length, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (at == MAP_FAILED)
        die("mmap");
    return at;
}

static void close_tracked(void) {
    for (int i = 0; i < tracked_count; ++i)
        close(tracked[i]);
    tracked_count = 0;
    pool_count = 0;
}

static void add_pool(int fd) {
    if (fd < 0)
        return;
    track(fd);
    if (pool_count < (int)(sizeof pool / sizeof pool[0]))
        pool[pool_count++] = fd;
}

// Fresh fds of every kind the kernel has: pipes (blocking and not), eventfds, sockets (one of
// them listening on loopback), an epoll watching some of them.
static void refresh_pool(void) {
    close_tracked();
    int ends[2];
    if (pipe2(ends, O_NONBLOCK) == 0) {
        add_pool(ends[0]);
        add_pool(ends[1]);
    }
    if (pipe(ends) == 0) {
        add_pool(ends[0]);
        add_pool(ends[1]);
    }
    add_pool(eventfd(1, EFD_NONBLOCK)); // see SYS_eventfd2 in constrain()
    add_pool(eventfd(0, EFD_NONBLOCK | EFD_SEMAPHORE));
    add_pool(socket(AF_INET, SOCK_DGRAM, 0));
    add_pool(socket(AF_INET, SOCK_STREAM, 0));
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener >= 0) {
        struct sockaddr_in address = {.sin_family = AF_INET,
                                      .sin_port = htons((uint16_t)(20000 + below(20000))),
                                      .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        if (bind(listener, (struct sockaddr*)&address, sizeof address) == 0)
            listen(listener, 4);
        add_pool(listener);
    }
    int epoll = epoll_create1(0);
    if (epoll >= 0) {
        for (int i = 0; i < pool_count; i += 2) {
            struct epoll_event event = {.events = EPOLLIN | EPOLLOUT, .data.u64 = next_random()};
            epoll_ctl(epoll, EPOLL_CTL_ADD, pool[i], &event);
        }
        add_pool(epoll);
    }
    int closed = eventfd(0, 0);
    if (closed >= 0) {
        close(closed);
        just_closed = closed;
    }
}

// Addresses in the lower half that are unmapped now: no later fuzzer state lands there (the
// loop allocates nothing), so the kernel may write to them only if a call mapped them.
static void find_wild_addresses(void) {
    int probe[2];
    if (pipe2(probe, O_NONBLOCK) != 0)
        die("pipe2");
    int found = 0;
    for (int tries = 0; found < wild_count && tries < 10000; ++tries) {
        uint64_t candidate = (1ull << 16) + below((1ull << 47) - (2ull << 16));
        if (tries % 3 == 0)
            candidate &= ~(uint64_t)(page - 1);
        if (write(probe[1], (void*)candidate, 1) < 0 && errno == EFAULT)
            wild[found++] = candidate;
        else {
            char byte;
            (void)read(probe[0], &byte, 1);
        }
    }
    close(probe[0]);
    close(probe[1]);
    if (found < wild_count)
        die("no unmapped addresses in the lower half");
}

static struct rlimit saved_limits[RLIM_NLIMITS];

static void setup_output(void) {
    struct utsname name;
    if (uname(&name) != 0 || !strstr(name.release, "ingot")) {
        fprintf(stderr, "fuzz: refusing to run outside Ingot: it calls every syscall with "
                        "hostile arguments\n");
        exit(status_setup);
    }
    // The real stdout and stderr move out of reach; 0, 1 and 2 become an empty non-blocking
    // pipe, so the calls may read, write and replace them.
    if (fcntl(1, F_DUPFD, saved_stdout) != saved_stdout ||
        fcntl(2, F_DUPFD, saved_stderr) != saved_stderr)
        die("moving stdout and stderr to 900 and 901");
    int ends[2];
    if (pipe2(ends, O_NONBLOCK) != 0 || dup2(ends[0], 0) != 0 || dup2(ends[1], 1) != 1 ||
        dup2(ends[1], 2) != 2)
        die("replacing fds 0 to 2");
    close(ends[0]);
    close(ends[1]);
}

// After the watchdog thread started: its stack must not land in the hole or the wild addresses.
static void setup_memory(void) {
    slots = map(slots_size, PROT_READ | PROT_WRITE);
    arena = map(arena_size + page, PROT_READ | PROT_WRITE);
    guard = arena + arena_size;
    if (mprotect(guard, page, PROT_NONE) != 0)
        die("mprotect");
    sandbox = map(sandbox_size, PROT_READ | PROT_WRITE);
    // Mixed protections inside the sandbox, so ranges cross them.
    mprotect(sandbox + 16 * page, 16 * page, PROT_READ);
    mprotect(sandbox + 48 * page, page, PROT_NONE);
    munmap(sandbox + 64 * page, page);
    hole = map(hole_size, PROT_NONE);
    munmap(hole, hole_size);
    find_wild_addresses();
    refill_arena();

    for (int signal = 1; signal <= 64; ++signal)
        set_disposition(signal);
    for (int resource = 0; resource < RLIM_NLIMITS; ++resource)
        getrlimit(resource, &saved_limits[resource]);
    initial_break = (uintptr_t)sbrk(0);
    refresh_pool();
}

// ---- The calls

static long raw_syscall(uint64_t number, const uint64_t* a) {
    long result;
    register uint64_t r10 asm("r10") = a[3];
    register uint64_t r8 asm("r8") = a[4];
    register uint64_t r9 asm("r9") = a[5];
    asm volatile("syscall"
                 : "=a"(result)
                 : "a"(number), "D"(a[0]), "S"(a[1]), "d"(a[2]), "r"(r10), "r"(r8), "r"(r9)
                 : "rcx", "r11", "memory");
    return result;
}

enum { never = 0 };

// What the fuzzer must hold back for each call, and what it must put back afterwards.
static int constrain(uint64_t number, uint64_t* a) {
    switch (number) {
    case SYS_exit:
    case SYS_exit_group:
    case SYS_rt_sigreturn:
    case SYS_fork:
    case SYS_vfork:
    case SYS_execve:
    case SYS_execveat:
    case SYS_close_range: // could close 900 and 901
        return never;

    case SYS_clone:
        // Never a real thread or process: the child would run on a hostile stack.
        a[0] &= ~(uint64_t)(CLONE_VM | CLONE_THREAD | CLONE_VFORK);
        return 1;
    case SYS_clone3: {
        uint64_t* request = (uint64_t*)(slots + 64);
        for (int i = 0; i < 11; ++i)
            request[i] = gen_arg();
        request[0] &= ~(uint64_t)(CLONE_VM | CLONE_THREAD | CLONE_VFORK);
        // Arena words could ask for a thread: the struct is the request slot or a bad pointer.
        a[0] = below(2) ? (uint64_t)request : below(2) ? kernel_address() : noncanonical_address();
        return 1;
    }

    case SYS_mmap:
    case SYS_munmap:
    case SYS_mprotect:
    case SYS_madvise:
    case SYS_msync:
    case SYS_mlock:
    case SYS_munlock:
    case SYS_mlock2:
    case SYS_mincore:
    case SYS_pkey_mprotect:
    case SYS_remap_file_pages:
    case SYS_mbind:
        gen_range(&a[0], &a[1]);
        if (number == SYS_mmap && below(2))
            a[3] = PICK(MAP_PRIVATE | MAP_ANONYMOUS, MAP_SHARED | MAP_ANONYMOUS,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, MAP_PRIVATE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_FIXED);
        if (number == SYS_mmap && below(2))
            a[2] = below(8);
        // MADV_DONTNEED, FREE, REMOVE and DONTNEED_LOCKED zero or drop pages: on Linux too,
        // a huge length from the sandbox would zero the stack.
        if (number == SYS_madvise && reaches_outside_sandbox(a[0], a[1]) &&
            (a[2] == 4 || a[2] == 8 || a[2] == 9 || a[2] == 24))
            a[2] = 0;
        return 1;
    case SYS_mremap:
        gen_range(&a[0], &a[1]);
        if (below(2))
            a[3] = below(8);
        if (a[3] & 2) { // MREMAP_FIXED: the new place is a range too
            uint64_t unused;
            gen_range(&a[4], &unused);
        }
        if (below(2))
            a[2] = page * below(64);
        // Avoids a known kernel bug (AddressSpace::resize, kernel/mm/address_space.cpp): a
        // moving mremap that runs out of frames for the grown part returns ENOMEM after it
        // has already moved the old pages and unmapped the old range, and leaves the new
        // region registered without pages behind it; the next call that reads it faults in
        // the kernel. Growth by at most 2 MiB always finds frames here.
        if ((a[3] & 1) && a[2] > (2u << 20) && a[2] < (1ull << 47))
            a[2] = page * below(512);
        return 1;
    case SYS_shmdt:
        gen_range(&a[0], &a[1]);
        return 1;
    case SYS_brk:
        // Growing is free; below the current break would take glibc's heap away.
        a[0] = below(2) ? initial_break + below(1 << 20)
                        : PICK(0, 1, 0x1000, kernel_address(), noncanonical_address(), ~0ull,
                               1ull << 46);
        if (a[0] > 1 && a[0] < initial_break)
            a[0] = 0;
        // Avoids a known kernel bug (sys_brk, kernel/linux/memory_syscalls.cpp): a break in
        // the last page of the address space rounds up to 0, and brk then unmaps everything
        // from 0 to the heap, the program's code included.
        if (a[0] > ~0ull - page)
            a[0] = ~0ull - page;
        return 1;
    case SYS_arch_prctl:
        if (a[0] == 0x1002 /* ARCH_SET_FS: glibc's thread pointer */ || below(4) == 0) {
            a[0] = 0x1002;
            a[1] = below(2) ? kernel_address() : noncanonical_address();
        }
        return 1;
    case SYS_close:
    case SYS_dup2:
    case SYS_dup3:
    case SYS_fcntl:
    case SYS_ioctl:
        for (int i = 0; i < 2; ++i)
            if (a[i] == saved_stdout || a[i] == saved_stderr)
                a[i] = gen_fd();
        // No eventfd may become blocking: see SYS_eventfd2 below.
        if (number == SYS_fcntl && (int)a[1] == F_SETFL)
            a[2] |= O_NONBLOCK;
        if (number == SYS_ioctl && (uint32_t)a[1] == FIONBIO)
            a[1] = FIONREAD;
        return 1;
    case SYS_eventfd:
    case SYS_eventfd2:
        // Avoids a known kernel bug (EventFd::write, kernel/fs/event_fd.cpp): a blocking write
        // of a value that does not fit under the count yet spins in the kernel for ever (the
        // wait is for POLLOUT, which holds while the count is below its maximum, so it returns
        // at once), where Linux sleeps until a read makes room. So every eventfd is
        // non-blocking: created so (eventfd, which has no flags, is not called), and no fcntl
        // or FIONBIO clears it.
        if (number == SYS_eventfd)
            return 0;
        a[1] |= EFD_NONBLOCK;
        return 1;

    case SYS_kill:
    case SYS_tkill:
        a[1] = gen_signal();
        return 1;
    case SYS_tgkill:
    case SYS_rt_tgsigqueueinfo:
        a[2] = gen_signal();
        return 1;
    case SYS_rt_sigqueueinfo:
    case SYS_pidfd_send_signal:
        a[1] = gen_signal();
        return 1;

    case SYS_rt_sigsuspend:
        a[0] = mask_without_interrupt();
        a[1] = below(4) ? 8 : a[1];
        return 1;
    case SYS_ppoll:
        a[3] = mask_without_interrupt();
        return 1;
    case SYS_epoll_pwait:
    case SYS_epoll_pwait2:
        a[4] = mask_without_interrupt();
        return 1;
    case SYS_pselect6: {
        uint64_t* pair = (uint64_t*)(slots + 256);
        pair[0] = mask_without_interrupt();
        pair[1] = below(4) ? 8 : gen_length();
        a[5] = below(4) ? (uint64_t)pair : gen_pointer();
        if (a[5] >= (uint64_t)arena && a[5] < (uint64_t)guard)
            a[5] = (uint64_t)pair; // arena words could block SIGUSR1
        return 1;
    }
    case SYS_setrlimit:
    case SYS_prlimit64: {
        if (number == SYS_prlimit64 && below(2))
            a[0] = 0;
        // RLIMIT_CPU's hard limit ends the program with SIGKILL, as on Linux.
        uint64_t* resource = &a[number == SYS_prlimit64 ? 1 : 0];
        if ((int)*resource == RLIMIT_CPU)
            *resource = 100;
        return 1;
    }
    default:
        return 1;
    }
}

static int creates_fd(uint64_t number) {
    switch (number) {
    case SYS_open:
    case SYS_openat:
    case SYS_openat2:
    case SYS_creat:
    case SYS_dup:
    case SYS_dup2:
    case SYS_dup3:
    case SYS_fcntl:
    case SYS_socket:
    case SYS_accept:
    case SYS_accept4:
    case SYS_epoll_create:
    case SYS_epoll_create1:
    case SYS_eventfd:
    case SYS_eventfd2:
    case SYS_signalfd:
    case SYS_signalfd4:
    case SYS_timerfd_create:
    case SYS_inotify_init:
    case SYS_inotify_init1:
    case SYS_memfd_create:
    case SYS_pidfd_open:
    case SYS_userfaultfd:
    case SYS_perf_event_open:
    case SYS_io_uring_setup:
    case SYS_fanotify_init:
    case SYS_memfd_secret:
        return 1;
    default:
        return 0;
    }
}

// Puts back what the call may have changed that the fuzzer itself relies on.
static void restore_after(uint64_t number, const uint64_t* a, long result) {
    if (result >= 0 && creates_fd(number))
        track(result);
    switch (number) {
    case SYS_pipe:
    case SYS_pipe2:
    case SYS_socketpair: {
        uint64_t fds = number == SYS_socketpair ? a[3] : a[0];
        if (result == 0 && fds >= (uint64_t)arena && fds + 8 <= (uint64_t)guard) {
            int pair[2];
            memcpy(pair, (void*)fds, sizeof pair);
            track(pair[0]);
            track(pair[1]);
        }
        break;
    }
    case SYS_mmap:
    case SYS_mremap:
        // A new mapping outside the sandbox goes at once: memory stays bounded.
        if (result > 0 && (uint64_t)result < (1ull << 47) && !in_sandbox((uint64_t)result))
            munmap((void*)result, number == SYS_mmap ? a[1] : a[2]);
        break;
    case SYS_brk:
        syscall(SYS_brk, initial_break);
        break;
    case SYS_rt_sigprocmask:
    case SYS_sigaltstack:
        reset_signal_mask();
        if (number == SYS_sigaltstack) {
            stack_t none = {.ss_flags = SS_DISABLE};
            sigaltstack(&none, NULL);
        }
        break;
    case SYS_rt_sigaction:
        // Linux reads the signal as an int.
        if ((int)a[0] >= 1 && (int)a[0] <= 64)
            set_disposition((int)a[0]);
        break;
    case SYS_setrlimit:
    case SYS_prlimit64:
        for (int resource = 0; resource < RLIM_NLIMITS; ++resource)
            setrlimit(resource, &saved_limits[resource]);
        break;
    case SYS_umask:
        umask(022);
        break;
    default:
        break;
    }
}

// ---- Statistics

static uint64_t calls, unimplemented_count;
static uint64_t errno_counts[134], successes;
static uint8_t answered_enosys[highest_number + 1];
static uint8_t called[highest_number + 1];

static uint64_t choose_number(uint64_t iteration) {
    if (iteration <= highest_number)
        return iteration; // every number once, in order
    if (below(50) == 0) {
        // Past the table and with high bits: Ingot takes the full rax, so none may alias.
        uint64_t harmless = PICK(SYS_getpid, SYS_sched_yield, SYS_getuid, SYS_gettid);
        return PICK(highest_number + 1 + below(100), 512 + below(40), 1000, 4095, 0xffffffff, ~0ull,
                    0x40000000 | harmless, (1ull << 32) | harmless, (1ull << 63) | harmless);
    }
    for (;;) {
        uint64_t number = below(highest_number + 1);
        if (!answered_enosys[number] || below(50) == 0)
            return number;
    }
}

static double seconds_since(const struct timespec* start) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char** argv) {
    uint64_t seed = 1, iterations = 0, log_from = ~0ull;
    double budget = 10;
    for (int i = 1; i < argc; ++i) {
        if (i + 1 < argc && strcmp(argv[i], "--seed") == 0)
            seed = strtoull(argv[++i], NULL, 0);
        else if (i + 1 < argc && strcmp(argv[i], "--iterations") == 0)
            iterations = strtoull(argv[++i], NULL, 0);
        else if (i + 1 < argc && strcmp(argv[i], "--seconds") == 0)
            budget = strtod(argv[++i], NULL);
        else if (i + 1 < argc && strcmp(argv[i], "--log-from") == 0)
            log_from = strtoull(argv[++i], NULL, 0);
        else if (i + 1 < argc && strcmp(argv[i], "--hang-seconds") == 0)
            hang_seconds = (unsigned)strtoul(argv[++i], NULL, 0);
        else {
            fprintf(stderr,
                    "usage: %s [--seed N] [--iterations N] [--seconds S] "
                    "[--hang-seconds S] [--log-from N]\n",
                    argv[0]);
            return status_setup;
        }
    }
    rng_state = seed * 0x9e3779b97f4a7c15ull | 1;
    setup_output();
    main_tid = (pid_t)syscall(SYS_gettid);
    pthread_t thread;
    if (pthread_create(&thread, NULL, watchdog, NULL) != 0)
        die("pthread_create");
    setup_memory();

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    uint64_t iteration = 0;
    double checked = 0;
    for (; iterations == 0 || iteration < iterations; ++iteration) {
        if (iteration % 64 == 63) {
            sched_yield(); // hvt does not preempt: let the watchdog look
            // 64 calls take well under a minute, even if each waits for its interruption.
            double now = seconds_since(&start);
            if (now < checked || now - checked > 60) {
                dprintf(saved_stderr,
                        "fuzz: clock: CLOCK_MONOTONIC went from %.3f s to %.3f s within 64 "
                        "calls (iteration %llu)\n",
                        checked, now, (unsigned long long)iteration);
                return status_clock;
            }
            checked = now;
            if (now >= budget)
                break;
        }
        if (iteration % 256 == 255) {
            refresh_pool();
            refill_arena();
        }
        uint64_t number = choose_number(iteration);
        uint64_t a[6];
        for (int i = 0; i < 6; ++i)
            a[i] = gen_arg();
        const struct signature* typed = signature_of(number);
        if (typed && below(2))
            for (int i = 0; typed->kinds[i]; ++i)
                a[i] = typed_arg(typed->kinds[i], i ? a[i - 1] : 0);
        if (!constrain(number, a))
            continue;
        last_call.number = number;
        for (int i = 0; i < 6; ++i)
            last_call.args[i] = a[i];
        // Printed before the call: if it never returns, the log still names it.
        if (iteration >= log_from)
            dprintf(saved_stderr,
                    "fuzz: [%llu] %llu(0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx, 0x%llx)\n",
                    (unsigned long long)iteration, (unsigned long long)number,
                    (unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2],
                    (unsigned long long)a[3], (unsigned long long)a[4], (unsigned long long)a[5]);
        ++progress;
        long result = raw_syscall(number, a);
        ++progress;
        ++calls;
        if (iteration >= log_from)
            dprintf(saved_stderr, "fuzz: [%llu] = %ld\n", (unsigned long long)iteration, result);
        restore_after(number, a, result);
        if (result >= 0 || result < -4095)
            ++successes;
        else if (-result < (long)(sizeof errno_counts / sizeof errno_counts[0]))
            ++errno_counts[-result];
        if (number <= highest_number) {
            called[number] = 1;
            if (result == -ENOSYS && !answered_enosys[number]) {
                answered_enosys[number] = 1;
                ++unimplemented_count;
            }
        }
    }
    double elapsed = seconds_since(&start);
    close_tracked();

    unsigned distinct = 0;
    for (int i = 0; i <= highest_number; ++i)
        distinct += called[i];
    dprintf(saved_stdout,
            "fuzz: seed %llu: %llu calls of %u numbers (%llu answer ENOSYS) in %.1f s\n",
            (unsigned long long)seed, (unsigned long long)calls, distinct,
            (unsigned long long)unimplemented_count, elapsed);
    dprintf(saved_stdout, "fuzz: results: %llu succeeded", (unsigned long long)successes);
    for (int e = 1; e < (int)(sizeof errno_counts / sizeof errno_counts[0]); ++e)
        if (errno_counts[e])
            dprintf(saved_stdout, ", %s %llu", strerrorname_np(e),
                    (unsigned long long)errno_counts[e]);
    dprintf(saved_stdout, "\nfuzz: done\n");
    syscall(SYS_exit_group, 0);
}
