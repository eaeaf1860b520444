// The interface requests (net/interface_requests.h) a socket of any family takes through ioctl,
// between the program's memory and the running stack's facts.
#pragma once

#include "lib/error_or.h"

#include <stdint.h>

namespace kernel {

// A request of ioctl type 0x89 on a socket; `inet` for an AF_INET one. The interfaces are as
// they are at the call.
ErrorOr<long> interface_ioctl(uint32_t request, uint64_t argument, bool inet);

} // namespace kernel
