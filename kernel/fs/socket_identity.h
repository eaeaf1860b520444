// What fstat and /proc/self/fd say of a socket of any family, as Linux's sockfs: an S_IFSOCK
// inode of mode 0777, and "socket:[INODE]". The inode number is the socket's `id` (the address
// of the object behind it, shifted and cut to 32 bits as Linux's are: unique while it lives).
#pragma once

#include "fs/file.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

uint64_t socket_inode(const void* id);
void socket_stat(LinuxStat& stat, const void* id);
size_t describe_socket(char* buffer, size_t capacity, const void* id);

} // namespace kernel
