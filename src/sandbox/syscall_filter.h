// A seccomp allowlist for one thread, built with libseccomp: every system call not on it is
// refused. The refusal traps (SECCOMP_RET_TRAP): a SIGSYS handler prints the call's name in one
// line and ends ingot with abi::exit_ingot_failed (125), so a call the list forgot is a clear bug
// report rather than a silent "Bad system call" (SECCOMP_RET_KILL_PROCESS, what Solo5 does). The
// call itself never runs either way; the handler is installed before the filter and the filters
// never allow rt_sigaction, so a subverted monitor cannot replace it.
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <initializer_list>

namespace ingot {

class SyscallFilter {
public:
    SyscallFilter();
    ~SyscallFilter();
    SyscallFilter(const SyscallFilter&) = delete;
    SyscallFilter& operator=(const SyscallFilter&) = delete;

    // Allows `syscall` (its name, as in <sys/syscall.h> without SYS_), with any arguments, or
    // only when every one of `conditions` holds; allow_if may be called again for the same
    // call to allow another combination.
    void allow(const char* syscall);
    void allow_if(const char* syscall, std::initializer_list<scmp_arg_cmp> conditions);
    // The call fails with `error` instead of trapping (for calls a library tries and copes
    // with failing).
    void fail_with(const char* syscall, int error);

    // Installs the filter on the calling thread (and threads it creates afterwards), after
    // PR_SET_NO_NEW_PRIVS, which seccomp requires of an unprivileged thread. Throws UserError.
    void install();

private:
    scmp_filter_ctx m_context;
};

// Installs the SIGSYS handler that reports a refused call (once per process, before the first
// filter; also resolves every system call's name now, as the handler may not allocate).
void install_refusal_reporter();

} // namespace ingot
