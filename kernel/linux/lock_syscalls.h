// fcntl's lock commands, which fcntl (io_syscalls.cpp) hands here.
#pragma once

#include "fs/file.h"
#include "lib/error_or.h"

namespace kernel {

// F_GETLK, F_SETLK, F_SETLKW and the F_OFD_ ones; false from is_lock_command for the rest.
bool is_lock_command(int command);
ErrorOr<long> lock_command(File& file, int command, uint64_t argument);

} // namespace kernel
