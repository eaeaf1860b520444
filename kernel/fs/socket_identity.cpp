#include "fs/socket_identity.h"

#include "lib/format.h"
#include "lib/string.h"

namespace kernel {

uint64_t socket_inode(const void* id) {
    // Linux's inode numbers are 32 bits (get_next_ino), and programs read them so. A socket
    // lives in the direct map, whose 64 GiB at most hold 2^32 16-byte objects: the low bits
    // of its address, past the alignment, are unique while it lives.
    return (reinterpret_cast<uint64_t>(id) >> 4) & 0xffffffff;
}

void socket_stat(LinuxStat& stat, const void* id) {
    memset(&stat, 0, sizeof stat);
    stat.st_mode = 0140777; // S_IFSOCK
    stat.st_nlink = 1;
    stat.st_ino = socket_inode(id);
    stat.st_blksize = 4096;
}

size_t describe_socket(char* buffer, size_t capacity, const void* id) {
    return format_within(buffer, capacity, "socket:[%llu]",
                         static_cast<unsigned long long>(socket_inode(id)));
}

} // namespace kernel
