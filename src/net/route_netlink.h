// The two host-side interface settings ingot makes, over rtnetlink: an IPv4 address (which also
// routes its subnet to the interface) and the link's up flag.
#pragma once

#include <cstdint>

namespace ingot {

// 0 on success, else the errno the kernel answered (EPERM without CAP_NET_ADMIN, EEXIST when
// the interface already has the address, ...).
int add_interface_address(unsigned interface_index, uint32_t address, uint8_t prefix_length);
int set_interface_up(unsigned interface_index);

} // namespace ingot
