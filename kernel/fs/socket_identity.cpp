#include "fs/socket_identity.h"

#include "lib/format.h"
#include "lib/string.h"

namespace kernel {

namespace {

uint64_t inode_number(const void* id) {
    return reinterpret_cast<uint64_t>(id) >> 4;
}

} // namespace

void socket_stat(LinuxStat& stat, const void* id) {
    memset(&stat, 0, sizeof stat);
    stat.st_mode = 0140777; // S_IFSOCK
    stat.st_nlink = 1;
    stat.st_ino = inode_number(id);
    stat.st_blksize = 4096;
}

size_t describe_socket(char* buffer, size_t capacity, const void* id) {
    return format_within(buffer, capacity, "socket:[%llu]",
                         static_cast<unsigned long long>(inode_number(id)));
}

} // namespace kernel
