// Threads: clone/clone3 for pthread_create, exit, TLS through arch_prctl.
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "net/network.h"
#include "platform/platform.h"
#include "sched/futex.h"
#include "sched/processor_number.h"
#include "sched/scheduler.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint64_t clone_vm = 0x100;
constexpr uint64_t clone_vfork = 0x4000;
constexpr uint64_t clone_thread = 0x10000;
constexpr uint64_t clone_settls = 0x80000;
constexpr uint64_t clone_parent_settid = 0x100000;
constexpr uint64_t clone_child_cleartid = 0x200000;
constexpr uint64_t clone_child_settid = 0x1000000;

constexpr int arch_set_gs = 0x1001;
constexpr int arch_set_fs = 0x1002;
constexpr int arch_get_fs = 0x1003;
constexpr int arch_get_gs = 0x1004;

struct CloneRequest {
    uint64_t flags;
    uint64_t stack_pointer; // 0: the parent's
    uint64_t parent_tid;
    uint64_t child_tid;
    uint64_t tls;
};

ErrorOr<long> clone_thread_from(SyscallFrame& parent_frame, const CloneRequest& request) {
    if (!(request.flags & clone_vm) || (request.flags & clone_vfork) ||
        !(request.flags & clone_thread)) {
        static bool reported;
        if (!reported) {
            reported = true;
            klog("clone without CLONE_VM|CLONE_THREAD (fork, vfork, posix_spawn) is not "
                 "supported: a unikernel runs one process");
        }
        return ENOSYS;
    }
    SyscallFrame child_frame = parent_frame;
    child_frame.rax = 0;
    if (request.stack_pointer)
        child_frame.rsp = request.stack_pointer;
    Thread* child = TRY(create_thread(child_frame));
    Thread& parent = *scheduler::current();
    cpu::save_fpu(child->fpu);
    child->fs_base = (request.flags & clone_settls) ? request.tls : parent.fs_base;
    // As Linux's copy_process: the name, PR_SET_NO_NEW_PRIVS and the nice value pass on, the
    // parent-death signal does not.
    memcpy(child->name, parent.name, sizeof child->name);
    child->named = parent.named;
    child->no_new_privileges = parent.no_new_privileges;
    child->nice = parent.nice;
    if (request.flags & clone_child_cleartid)
        child->clear_child_tid = request.child_tid;
    if (request.flags & clone_parent_settid)
        (void)write_user(request.parent_tid, child->tid);
    if (request.flags & clone_child_settid)
        (void)write_user(request.child_tid, child->tid);
    scheduler::add(*child);
    return child->tid;
}

struct CloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

[[noreturn]] void exit_program(int status) {
    net::finish_output();
    platform::exit(status);
}

// Linux's find_process_by_pid: 0 is the caller; any thread's id names that thread.
bool names_a_thread(int pid) {
    return pid == 0 || (pid > 0 && scheduler::find(static_cast<uint32_t>(pid)));
}

} // namespace

// x86-64 order: flags, stack, parent_tid, child_tid, tls.
ErrorOr<long> sys_clone(SyscallFrame& frame, uint64_t flags, uint64_t stack, UserPointer parent_tid,
                        UserPointer child_tid, uint64_t tls) {
    return clone_thread_from(frame, {flags, stack, parent_tid.address, child_tid.address, tls});
}

ErrorOr<long> sys_clone3(SyscallFrame& frame, UserPointer user_arguments, size_t size) {
    if (size < sizeof(CloneArgs))
        return EINVAL;
    auto arguments = TRY(read_user<CloneArgs>(user_arguments.address));
    uint64_t stack_pointer = arguments.stack ? arguments.stack + arguments.stack_size : 0;
    return clone_thread_from(frame, {arguments.flags, stack_pointer, arguments.parent_tid,
                                     arguments.child_tid, arguments.tls});
}

ErrorOr<long> sys_exit(int status) {
    Thread& self = *scheduler::current();
    if (self.clear_child_tid) {
        // What pthread_join waits on.
        if (!write_user(self.clear_child_tid, static_cast<uint32_t>(0)).is_error())
            futex::wake(self.clear_child_tid, 1, futex::match_any);
    }
    if (scheduler::live_threads() == 1)
        exit_program(status & 0xff);
    scheduler::exit_current();
}

ErrorOr<long> sys_exit_group(int status) {
    exit_program(status & 0xff);
}

ErrorOr<long> sys_set_tid_address(UserPointer address) {
    Thread& self = *scheduler::current();
    self.clear_child_tid = address.address;
    return self.tid;
}

ErrorOr<long> sys_gettid() {
    return scheduler::current()->tid;
}

ErrorOr<long> sys_sched_yield() {
    scheduler::yield();
    return 0;
}

ErrorOr<long> sys_arch_prctl(int code, uint64_t address) {
    Thread& self = *scheduler::current();
    switch (code) {
    case arch_set_fs:
        if (address >= abi::user_space_end)
            return EPERM;
        self.fs_base = address;
        cpu::set_fs_base(address);
        return 0;
    case arch_get_fs:
        return as_syscall_result(write_user(address, self.fs_base));
    case arch_set_gs:
    case arch_get_gs:
        return EINVAL; // GS belongs to the kernel
    default:
        return EINVAL;
    }
}

ErrorOr<long> sys_set_robust_list(UserPointer head, size_t length) {
    if (length != 24)
        return EINVAL;
    scheduler::current()->robust_list = head.address;
    return 0;
}

// One CPU: the affinity mask has bit 0 alone, a cpumask of one unsigned long.
ErrorOr<long> sys_sched_getaffinity(int pid, unsigned size, UserPointer mask) {
    if (size == 0 || size % sizeof(uint64_t))
        return EINVAL;
    if (!names_a_thread(pid))
        return ESRCH;
    TRY(write_user(mask.address, static_cast<uint64_t>(1)));
    return static_cast<long>(sizeof(uint64_t));
}

// The mask is read first (as much as fits a cpumask, the rest taken as zero), then the thread
// looked for; one without CPU 0 allows no CPU at all.
ErrorOr<long> sys_sched_setaffinity(int pid, unsigned size, UserPointer user_mask) {
    uint64_t mask = 0;
    TRY(copy_from_user(&mask, user_mask.address, min<size_t>(size, sizeof mask)));
    if (!names_a_thread(pid))
        return ESRCH;
    if (!(mask & 1))
        return EINVAL;
    return 0;
}

ErrorOr<long> sys_getcpu(UserPointer cpu, UserPointer node, UserPointer) {
    if (cpu)
        TRY(write_user(cpu.address, program_cpu));
    if (node)
        TRY(write_user(node.address, program_node));
    return 0;
}

// Restartable sequences are an optimisation the C library does without.
ErrorOr<long> sys_rseq(UserPointer, unsigned, int, unsigned) {
    return ENOSYS;
}

} // namespace kernel
