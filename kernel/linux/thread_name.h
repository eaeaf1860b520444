// A thread's name, Linux's "comm": what prctl(PR_GET_NAME), /proc/self/comm and
// /proc/self/task/TID/comm show. It is the program's file name (its first 15 bytes) until
// PR_SET_NAME changes it; a new thread takes its creator's (linux/thread_syscalls.cpp).
#pragma once

#include "sched/thread.h"

namespace kernel {

inline constexpr size_t thread_name_size = sizeof(Thread::name); // TASK_COMM_LEN, NUL included

// The thread's name, NUL-terminated, at most 15 bytes before the NUL.
const char* thread_name(Thread& thread);
// Names the thread: the first 15 bytes of `name` (a NUL ends it earlier).
void set_thread_name(Thread& thread, const char* name);

} // namespace kernel
