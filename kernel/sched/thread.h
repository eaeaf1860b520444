// A thread of the program: its kernel stack, saved registers, TLS base and FPU state.
#pragma once

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/syscall_frame.h"
#include "lib/error_or.h"
#include "lib/intrusive_list.h"
#include "sched/cpu_time.h"

#include <stdint.h>

namespace kernel {

enum class ThreadState { Runnable, Running, Blocked, Dead };
enum class WakeReason { None, Woken, TimedOut, Interrupted };

struct Thread {
    uint32_t tid = 0;
    ThreadState state = ThreadState::Runnable;
    WakeReason wake_reason = WakeReason::None;

    uint64_t kernel_stack_base = 0; // physical, a contiguous run
    uint64_t kernel_stack_top = 0;  // virtual
    uint64_t saved_rsp = 0;
    uint64_t fs_base = 0;
    cpu::FpuState fpu;

    CpuTimeAccount cpu_time;

    uint64_t clear_child_tid = 0; // CLONE_CHILD_CLEARTID, set_tid_address
    uint64_t robust_list = 0;

    // Signals: bit (n - 1) stands for signal n.
    uint64_t signal_mask = 0;
    uint64_t pending_signals = 0;
    uint64_t alternate_stack = 0;
    uint64_t alternate_stack_size = 0;
    bool alternate_stack_enabled = false;

    // prctl(2) state Linux keeps per thread: the name (comm, NUL-terminated; `named` once
    // linux/thread_name.h gave it one), the signal asked for at the parent's death (never
    // sent: the program has no parent), and PR_SET_NO_NEW_PRIVS.
    char name[16] = {};
    bool named = false;
    int parent_death_signal = 0;
    bool no_new_privileges = false;
    // The nice value (setpriority(2)), -20 to 19; kept, not used by the scheduler.
    int8_t nice = 0;

    // Whichever queue the thread waits on (run queue or a wait queue), and the sleep list.
    ListNode queue_node;
    ListNode timer_node;
    uint64_t wake_deadline_ns = 0;

    // The futex it sleeps on, when it does.
    uint64_t futex_address = 0;
    uint32_t futex_bitset = 0;

    ListNode all_node;

    SyscallFrame* user_frame() const {
        return reinterpret_cast<SyscallFrame*>(kernel_stack_top - sizeof(SyscallFrame));
    }
};

inline constexpr uint64_t kernel_stack_size = 32 * 1024;

// A thread whose first run returns to the program with the registers in `frame`.
ErrorOr<Thread*> create_thread(const SyscallFrame& frame);
void destroy_thread(Thread& thread);

} // namespace kernel
