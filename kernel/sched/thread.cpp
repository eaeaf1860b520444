#include "sched/thread.h"

#include "mm/frame_allocator.h"

#include <ingot/abi/memory_layout.h>

extern "C" void thread_first_entry();

namespace kernel {

namespace {
uint32_t next_tid = 1;
constexpr size_t stack_pages = kernel_stack_size / abi::page_size;
} // namespace

ErrorOr<Thread*> create_thread(const SyscallFrame& frame) {
    auto* thread = new Thread;
    if (!thread)
        return ENOMEM;
    auto stack = frame_allocator().allocate_contiguous(stack_pages, Zeroed::No);
    if (stack.is_error()) {
        delete thread;
        return stack.error();
    }
    thread->tid = next_tid++;
    thread->kernel_stack_base = stack.value();
    thread->kernel_stack_top =
        reinterpret_cast<uint64_t>(frame_allocator().to_virtual(stack.value())) + kernel_stack_size;

    *thread->user_frame() = frame;
    // What switch_context pops: six callee-saved registers, then the return address.
    auto* slots = reinterpret_cast<uint64_t*>(thread->user_frame()) - 7;
    for (int i = 0; i < 6; ++i)
        slots[i] = 0;
    slots[6] = reinterpret_cast<uint64_t>(&thread_first_entry);
    thread->saved_rsp = reinterpret_cast<uint64_t>(slots);
    return thread;
}

void destroy_thread(Thread& thread) {
    frame_allocator().free_contiguous(thread.kernel_stack_base, stack_pages);
    delete &thread;
}

} // namespace kernel
