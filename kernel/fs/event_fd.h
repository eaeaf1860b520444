// eventfd(2): a 64-bit counter that writes add to and reads take (all of it, or one at a time
// in semaphore mode), for threads to signal each other through poll and epoll.
#pragma once

#include "fs/file.h"

namespace kernel {

// ENOMEM; the file holds one reference.
ErrorOr<File*> create_event_fd(uint64_t initial_value, bool semaphore);

} // namespace kernel
