// prctl(2): the operations programs make on themselves, as Linux 6.1's kernel/sys.c and
// security/commoncap.c answer them. Every other option is EINVAL, as Linux's default.
#include "linux/syscall_table.h"
#include "linux/thread_name.h"
#include "mm/user_memory.h"
#include "sched/scheduler.h"

namespace kernel {

namespace {

constexpr int pr_set_pdeathsig = 1, pr_get_pdeathsig = 2;
constexpr int pr_get_dumpable = 3, pr_set_dumpable = 4;
constexpr int pr_set_name = 15, pr_get_name = 16;
constexpr int pr_capbset_read = 23;
constexpr int pr_set_no_new_privs = 38, pr_get_no_new_privs = 39;

constexpr unsigned long suid_dump_disable = 0, suid_dump_user = 1;
constexpr unsigned long last_signal = 64;     // _NSIG: valid_signal()
constexpr unsigned long last_capability = 40; // CAP_CHECKPOINT_RESTORE, CAP_LAST_CAP of 6.1

// Whether a core dump may be made (the process's "dumpable" flag). Nothing reads it: Ingot
// writes no core files; the crash report is made either way.
unsigned long dumpable = suid_dump_user;

ErrorOr<long> set_name(Thread& thread, UserPointer user_name) {
    // Linux reads at most 15 bytes (strncpy_from_user); a longer name is cut there.
    char name[thread_name_size] = {};
    auto copied = copy_string_from_user(name, thread_name_size - 1, user_name.address);
    if (copied.is_error() && copied.error().code() != ENAMETOOLONG)
        return EFAULT;
    name[thread_name_size - 1] = 0;
    set_thread_name(thread, name);
    return 0;
}

} // namespace

ErrorOr<long> sys_prctl(int option, unsigned long argument2, unsigned long argument3,
                        unsigned long argument4, unsigned long argument5) {
    Thread& self = *scheduler::current();
    switch (option) {
    case pr_set_pdeathsig:
        if (argument2 > last_signal)
            return EINVAL;
        self.parent_death_signal = static_cast<int>(argument2);
        return 0;
    case pr_get_pdeathsig:
        return as_syscall_result(write_user(argument2, self.parent_death_signal));
    case pr_get_dumpable:
        return static_cast<long>(dumpable);
    case pr_set_dumpable:
        if (argument2 != suid_dump_disable && argument2 != suid_dump_user)
            return EINVAL;
        dumpable = argument2;
        return 0;
    case pr_set_name:
        return set_name(self, UserPointer{argument2});
    case pr_get_name:
        // All 16 bytes, as Linux copies them, whatever follows the NUL.
        return as_syscall_result(copy_to_user(argument2, thread_name(self), thread_name_size));
    case pr_capbset_read:
        // The program runs as root with every capability in its bounding set.
        if (argument2 > last_capability)
            return EINVAL;
        return 1;
    case pr_set_no_new_privs:
        if (argument2 != 1 || argument3 || argument4 || argument5)
            return EINVAL;
        self.no_new_privileges = true;
        return 0;
    case pr_get_no_new_privs:
        if (argument2 || argument3 || argument4 || argument5)
            return EINVAL;
        return self.no_new_privileges ? 1 : 0;
    default:
        return EINVAL;
    }
}

} // namespace kernel
