// What the stack needs from the kernel around it, injected so that the unit tests can run
// every layer on the host with a fake clock and a fixed random sequence.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::net {

struct Environment {
    uint64_t (*now_ns)();                           // monotonic
    void (*fill_random)(void* data, size_t length); // ISNs, ephemeral ports, DHCP xids
};

} // namespace kernel::net
