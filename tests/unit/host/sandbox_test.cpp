// The monitor's seccomp allowlists, installed for real in a forked child: the calls the monitor
// makes work, the calls it never makes are refused (the child ends with status 125 and names
// the call on stderr), whatever the arguments that would make an allowed call dangerous.
#include "sandbox/allowlists.h"
#include "sandbox/syscall_filter.h"

#include <ingot/abi/exit_status.h>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/kvm.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>

namespace ingot {
namespace {

enum class Thread { Vcpu, Proxy };

struct Outcome {
    int status = -1; // the child's exit status, -1 when a signal ended it
    std::string error_output;
};

// Runs `body` in a child that has installed the thread's allowlist; the child exits 0 after it.
// With `signals_blocked`, the child blocks every signal first, as the proxy's thread does.
Outcome run_sealed(Thread thread, const std::function<void()>& body, bool signals_blocked = false) {
    int error_pipe[2];
    EXPECT_EQ(::pipe(error_pipe), 0);
    pid_t child = ::fork();
    if (child == 0) {
        ::dup2(error_pipe[1], STDERR_FILENO);
        if (signals_blocked) {
            sigset_t all;
            sigfillset(&all);
            ::pthread_sigmask(SIG_SETMASK, &all, nullptr);
        }
        try {
            SyscallFilter filter;
            if (thread == Thread::Vcpu)
                allow_vcpu_thread_calls(filter);
            else
                allow_proxy_thread_calls(filter, std::nullopt);
#if defined(__SANITIZE_ADDRESS__)
            // The sanitizer runtime's own calls (its alternate signal stack), not the monitor's.
            filter.allow("sigaltstack");
#endif
            filter.install();
        } catch (...) {
            ::_exit(99);
        }
        body();
        ::_exit(0);
    }
    ::close(error_pipe[1]);
    Outcome outcome;
    char buffer[512];
    ssize_t n;
    while ((n = ::read(error_pipe[0], buffer, sizeof buffer)) > 0)
        outcome.error_output.append(buffer, static_cast<size_t>(n));
    ::close(error_pipe[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    outcome.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
}

void expect_refused(const Outcome& outcome, const std::string& call) {
    EXPECT_EQ(outcome.status, abi::exit_ingot_failed) << outcome.error_output;
    EXPECT_EQ(outcome.error_output, "ingot: error: the monitor's sandbox refused system call " +
                                        call + " (" +
                                        std::to_string(seccomp_syscall_resolve_name(call.c_str())) +
                                        "): a bug in ingot, or a subverted monitor\n");
}

TEST(Sandbox, VcpuThreadKeepsWhatTheMonitorUses) {
    Outcome outcome = run_sealed(Thread::Vcpu, [] {
        // Console output, the clock, memory for malloc, a poll with no wait, a signal mask.
        if (::write(STDERR_FILENO, "", 0) != 0)
            ::_exit(1);
        timespec now;
        if (::syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &now) != 0)
            ::_exit(2);
        void* block = std::malloc(64 << 20);
        if (!block)
            ::_exit(3);
        std::free(block);
        timespec zero{0, 0};
        if (::ppoll(nullptr, 0, &zero, nullptr) != 0)
            ::_exit(4);
        int memory = static_cast<int>(::syscall(SYS_memfd_create, "crash", MFD_CLOEXEC));
        if (memory < 0 || ::write(memory, "ELF", 3) != 3 || ::pread(memory, &now, 3, 0) != 3)
            ::_exit(5);
        ::close(memory);
    });
    EXPECT_EQ(outcome.status, 0) << outcome.error_output;
    EXPECT_EQ(outcome.error_output, "");
}

TEST(Sandbox, VcpuThreadCannotRunProgramsOrOpenFiles) {
    expect_refused(run_sealed(Thread::Vcpu,
                              [] {
                                  char* arguments[] = {const_cast<char*>("/bin/true"), nullptr};
                                  ::syscall(SYS_execve, "/bin/true", arguments, nullptr);
                              }),
                   "execve");
    expect_refused(
        run_sealed(Thread::Vcpu, [] { ::syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY); }),
        "openat");
    expect_refused(run_sealed(Thread::Vcpu, [] { ::syscall(SYS_fork); }), "fork");
    expect_refused(run_sealed(Thread::Vcpu, [] { ::syscall(SYS_socket, AF_INET, SOCK_STREAM, 0); }),
                   "socket");
    expect_refused(run_sealed(Thread::Vcpu, [] { ::syscall(SYS_ptrace, 0, 0, 0, 0); }), "ptrace");
}

TEST(Sandbox, VcpuThreadArgumentsAreChecked) {
    // Executable memory: the monitor loads no code after set-up.
    expect_refused(run_sealed(Thread::Vcpu,
                              [] {
                                  ::mmap(nullptr, 4096, PROT_READ | PROT_EXEC,
                                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                              }),
                   "mmap");
    // Only the vCPU's ioctls and isatty's: no typing into the host's terminal (TIOCSTI), no
    // new VM.
    expect_refused(run_sealed(Thread::Vcpu,
                              [] {
                                  char byte = 'x';
                                  ::ioctl(STDIN_FILENO, TIOCSTI, &byte);
                              }),
                   "ioctl");
    expect_refused(run_sealed(Thread::Vcpu, [] { ::ioctl(-1, KVM_CREATE_VM, 0); }), "ioctl");
    Outcome allowed = run_sealed(Thread::Vcpu, [] {
        // Refused by the kernel (no such descriptor), but let through by the filter.
        ::ioctl(-1, KVM_RUN, 0);
        ::isatty(STDERR_FILENO);
    });
    EXPECT_EQ(allowed.status, 0) << allowed.error_output;
    // abort() may signal only its own process.
    expect_refused(run_sealed(Thread::Vcpu, [] { ::syscall(SYS_tgkill, 1, 1, 0); }), "tgkill");
}

TEST(Sandbox, ProxyThreadMakesOnlyIPv4ConnectionsAndNoVcpuCalls) {
    Outcome allowed = run_sealed(Thread::Proxy, [] {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            ::_exit(1);
        ::close(fd);
    });
    EXPECT_EQ(allowed.status, 0) << allowed.error_output;
    expect_refused(run_sealed(Thread::Proxy, [] { ::socket(AF_UNIX, SOCK_STREAM, 0); }), "socket");
    expect_refused(run_sealed(Thread::Proxy, [] { ::ioctl(-1, KVM_RUN, 0); }), "ioctl");
    expect_refused(run_sealed(Thread::Proxy, [] { ::syscall(SYS_readv, -1, nullptr, 0); }),
                   "readv");
}

// The proxy's thread runs with every signal blocked: a refused call there is still reported
// (exit 125 and the call's name), not a silent "Bad system call" (159).
TEST(Sandbox, RefusalIsReportedOnAThreadThatBlocksSignals) {
    expect_refused(run_sealed(
                       Thread::Proxy, [] { ::syscall(SYS_readv, -1, nullptr, 0); }, true),
                   "readv");
}

// glibc's free() on a thread's own arena opens /proc/sys/vm/overcommit_memory before it trims
// the heap, and copes with failing: opening fails with EACCES on the proxy thread rather than
// ending ingot (what wrk's 8 connections through -p did), and still opens nothing.
TEST(Sandbox, ProxyThreadOpeningAFileFailsWithoutEndingIngot) {
    Outcome outcome = run_sealed(Thread::Proxy, [] {
        long fd =
            ::syscall(SYS_openat, AT_FDCWD, "/proc/sys/vm/overcommit_memory", O_RDONLY | O_CLOEXEC);
        if (fd != -1 || errno != EACCES)
            ::_exit(1);
    });
    EXPECT_EQ(outcome.status, 0) << outcome.error_output;
    EXPECT_EQ(outcome.error_output, "");
}

} // namespace
} // namespace ingot
