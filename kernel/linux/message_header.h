// struct msghdr as x86-64 Linux lays it out (sendmsg(2), recvmsg(2)): read by the socket calls
// of every family.
#pragma once

#include <stdint.h>

namespace kernel {

struct LinuxMsghdr {
    uint64_t name;
    uint32_t name_length;
    uint32_t pad0;
    uint64_t iov;
    uint64_t iov_length;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
    uint32_t pad1;
};
static_assert(sizeof(LinuxMsghdr) == 56);

} // namespace kernel
