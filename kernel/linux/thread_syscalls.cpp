// Threads: clone/clone3 for pthread_create, exit, TLS through arch_prctl.
#include "lib/log.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"
#include "net/network.h"
#include "platform/platform.h"
#include "sched/futex.h"
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

constexpr uint64_t arch_set_gs = 0x1001;
constexpr uint64_t arch_set_fs = 0x1002;
constexpr uint64_t arch_get_fs = 0x1003;
constexpr uint64_t arch_get_gs = 0x1004;

struct CloneRequest {
    uint64_t flags;
    uint64_t stack_pointer; // 0: the parent's
    uint64_t parent_tid;
    uint64_t child_tid;
    uint64_t tls;
};

long clone_thread_from(SyscallFrame& parent_frame, const CloneRequest& request) {
    if (!(request.flags & clone_vm) || (request.flags & clone_vfork) ||
        !(request.flags & clone_thread)) {
        static bool reported;
        if (!reported) {
            reported = true;
            klog("clone without CLONE_VM|CLONE_THREAD (fork, vfork, posix_spawn) is not "
                 "supported: a unikernel runs one process");
        }
        return -ENOSYS;
    }
    SyscallFrame child_frame = parent_frame;
    child_frame.rax = 0;
    if (request.stack_pointer)
        child_frame.rsp = request.stack_pointer;
    Thread* child = TRY_SYSCALL(create_thread(child_frame));
    Thread& parent = *scheduler::current();
    cpu::save_fpu(child->fpu);
    child->fs_base = (request.flags & clone_settls) ? request.tls : parent.fs_base;
    if (request.flags & clone_child_cleartid)
        child->clear_child_tid = request.child_tid;
    if (request.flags & clone_parent_settid)
        (void)write_user(request.parent_tid, child->tid);
    if (request.flags & clone_child_settid)
        (void)write_user(request.child_tid, child->tid);
    scheduler::add(*child);
    return child->tid;
}

long sys_clone(SyscallFrame& f) {
    // x86-64 order: flags, stack, parent_tid, child_tid, tls.
    return clone_thread_from(f, {f.rdi, f.rsi, f.rdx, f.r10, f.r8});
}

struct CloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

long sys_clone3(SyscallFrame& f) {
    if (f.rsi < sizeof(CloneArgs))
        return -EINVAL;
    auto arguments = TRY_SYSCALL(read_user<CloneArgs>(f.rdi));
    uint64_t stack_pointer = arguments.stack ? arguments.stack + arguments.stack_size : 0;
    return clone_thread_from(f, {arguments.flags, stack_pointer, arguments.parent_tid,
                                 arguments.child_tid, arguments.tls});
}

[[noreturn]] void exit_program(int status) {
    net::finish_output();
    platform::exit(status);
}

long sys_exit(SyscallFrame& f) {
    Thread& self = *scheduler::current();
    if (self.clear_child_tid) {
        // What pthread_join waits on.
        if (!write_user(self.clear_child_tid, static_cast<uint32_t>(0)).is_error())
            futex::wake(self.clear_child_tid, 1, futex::match_any);
    }
    if (scheduler::live_threads() == 1)
        exit_program(static_cast<int>(f.rdi & 0xff));
    scheduler::exit_current();
}

long sys_exit_group(SyscallFrame& f) {
    exit_program(static_cast<int>(f.rdi & 0xff));
}

long sys_set_tid_address(SyscallFrame& f) {
    Thread& self = *scheduler::current();
    self.clear_child_tid = f.rdi;
    return self.tid;
}

long sys_gettid(SyscallFrame&) {
    return scheduler::current()->tid;
}

long sys_sched_yield(SyscallFrame&) {
    scheduler::yield();
    return 0;
}

long sys_arch_prctl(SyscallFrame& f) {
    Thread& self = *scheduler::current();
    switch (f.rdi) {
    case arch_set_fs:
        if (f.rsi >= abi::user_space_end)
            return -EPERM;
        self.fs_base = f.rsi;
        cpu::set_fs_base(f.rsi);
        return 0;
    case arch_get_fs:
        return to_syscall_result(write_user(f.rsi, self.fs_base));
    case arch_set_gs:
    case arch_get_gs:
        return -EINVAL; // GS belongs to the kernel
    default:
        return -EINVAL;
    }
}

long sys_set_robust_list(SyscallFrame& f) {
    if (f.rsi != 24)
        return -EINVAL;
    scheduler::current()->robust_list = f.rdi;
    return 0;
}

// One CPU: the affinity mask has bit 0 alone.
long sys_sched_getaffinity(SyscallFrame& f) {
    if (f.rsi < 8)
        return -EINVAL;
    TRY_SYSCALL(write_user(f.rdx, static_cast<uint64_t>(1)));
    return 8;
}

long sys_sched_setaffinity(SyscallFrame&) {
    return 0;
}

long sys_getcpu(SyscallFrame& f) {
    if (f.rdi)
        TRY_SYSCALL(write_user(f.rdi, static_cast<uint32_t>(0)));
    if (f.rsi)
        TRY_SYSCALL(write_user(f.rsi, static_cast<uint32_t>(0)));
    return 0;
}

} // namespace

void register_thread_syscalls() {
    register_syscall(nr::clone, sys_clone);
    register_syscall(nr::clone3, sys_clone3);
    register_syscall(nr::exit, sys_exit);
    register_syscall(nr::exit_group, sys_exit_group);
    register_syscall(nr::set_tid_address, sys_set_tid_address);
    register_syscall(nr::gettid, sys_gettid);
    register_syscall(nr::sched_yield, sys_sched_yield);
    register_syscall(nr::arch_prctl, sys_arch_prctl);
    register_syscall(nr::set_robust_list, sys_set_robust_list);
    register_syscall(nr::sched_getaffinity, sys_sched_getaffinity);
    register_syscall(nr::sched_setaffinity, sys_sched_setaffinity);
    register_syscall(nr::getcpu, sys_getcpu);
    // Restartable sequences are an optimisation the C library does without.
    register_syscall(nr::rseq, [](SyscallFrame&) -> long { return -ENOSYS; });
}

} // namespace kernel
