#pragma once

#include "lib/intrusive_list.h"
#include "sched/thread.h"

namespace kernel {

using WaitQueue = IntrusiveList<Thread, &Thread::queue_node>;

} // namespace kernel
