// The machine's network stack, for the socket calls.
#pragma once

#include "net/stack.h"

namespace kernel {

// Null when the VM has no network device: sockets can then be made and bound, but connecting
// and sending fail with ENETUNREACH.
net::NetworkStack* network_stack();

} // namespace kernel
