#include "sandbox/syscall_filter.h"

#include "sandbox/privileges.h"
#include "support/error.h"

#include <ingot/abi/exit_status.h>

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace ingot {

namespace {

// Names of the x86-64 system calls, resolved before any filter is in place.
constexpr int highest_syscall = 512;
std::array<const char*, highest_syscall> syscall_names{};

void append(char* line, size_t& length, size_t capacity, const char* text) {
    while (*text && length + 1 < capacity)
        line[length++] = *text++;
}

void append_number(char* line, size_t& length, size_t capacity, long number) {
    char digits[24];
    size_t count = 0;
    unsigned long value =
        number < 0 ? 0ul - static_cast<unsigned long>(number) : static_cast<unsigned long>(number);
    do {
        digits[count++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value);
    if (number < 0 && length + 1 < capacity)
        line[length++] = '-';
    while (count && length + 1 < capacity)
        line[length++] = digits[--count];
}

// Async-signal-safe: formats by hand, write(2) and _exit(2) only.
void report_refusal(int, siginfo_t* info, void*) {
    char line[256];
    size_t length = 0;
    append(line, length, sizeof line, "ingot: error: the monitor's sandbox refused system call ");
    int number = info->si_syscall;
    const char* name = number >= 0 && number < highest_syscall
                           ? syscall_names[static_cast<size_t>(number)]
                           : nullptr;
    append(line, length, sizeof line, name ? name : "?");
    append(line, length, sizeof line, " (");
    append_number(line, length, sizeof line, number);
    append(line, length, sizeof line, "): a bug in ingot, or a subverted monitor\n");
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line, length);
    // The system call itself: a library's _exit wrapper (a sanitizer's) may make others.
    ::syscall(SYS_exit_group, abi::exit_ingot_failed);
}

[[noreturn]] void seccomp_failed(const char* what, const char* syscall, int result) {
    fail("cannot build the monitor's sandbox: {} {}: {}", what, syscall,
         system_error_text(-result));
}

int syscall_number(const char* syscall) {
    int number = seccomp_syscall_resolve_name(syscall);
    if (number == __NR_SCMP_ERROR)
        fail("cannot build the monitor's sandbox: libseccomp does not know system call {}",
             syscall);
    return number;
}

} // namespace

void install_refusal_reporter() {
    static std::once_flag once;
    std::call_once(once, [] {
        for (int number = 0; number < highest_syscall; ++number)
            syscall_names[static_cast<size_t>(number)] =
                seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number);
        struct sigaction action {};
        action.sa_sigaction = report_refusal;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        if (::sigaction(SIGSYS, &action, nullptr) != 0)
            fail("cannot install the sandbox's SIGSYS handler: {}", system_error_text(errno));
    });
}

SyscallFilter::SyscallFilter() : m_context(seccomp_init(SCMP_ACT_TRAP)) {
    if (!m_context)
        fail("cannot build the monitor's sandbox: seccomp_init failed");
}

SyscallFilter::~SyscallFilter() {
    seccomp_release(m_context);
}

void SyscallFilter::allow(const char* syscall) {
    if (int result = seccomp_rule_add(m_context, SCMP_ACT_ALLOW, syscall_number(syscall), 0))
        seccomp_failed("allowing", syscall, result);
}

void SyscallFilter::allow_if(const char* syscall, std::initializer_list<scmp_arg_cmp> conditions) {
    if (int result =
            seccomp_rule_add_array(m_context, SCMP_ACT_ALLOW, syscall_number(syscall),
                                   static_cast<unsigned>(conditions.size()), conditions.begin()))
        seccomp_failed("allowing", syscall, result);
}

void SyscallFilter::fail_with(const char* syscall, int error) {
    if (int result = seccomp_rule_add(m_context, SCMP_ACT_ERRNO(static_cast<uint32_t>(error)),
                                      syscall_number(syscall), 0))
        seccomp_failed("refusing", syscall, result);
}

void SyscallFilter::install() {
    install_refusal_reporter();
    // seccomp(2): "the caller must have the CAP_SYS_ADMIN capability in its user namespace,
    // or the thread must already have the no_new_privs bit set". Set it anyway: nothing the
    // monitor does after set-up may gain privileges through execve.
    forbid_new_privileges();
    // The refusal's SIGSYS goes to the thread that made the call. A thread that blocks every
    // signal (the port proxy's, so that host signals reach the run loop) would otherwise be
    // killed by it silently: the kernel resets a blocked forced signal to its default action.
    sigset_t refusal;
    sigemptyset(&refusal);
    sigaddset(&refusal, SIGSYS);
    pthread_sigmask(SIG_UNBLOCK, &refusal, nullptr);
    if (int result = seccomp_load(m_context))
        fail("cannot install the monitor's seccomp filter: {}", system_error_text(-result));
}

} // namespace ingot
