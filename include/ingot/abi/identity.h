// Who the machine is, as `ingot run --hostname NAME --dns ADDR` says: BootInfo::identity points
// at one of these on hvt; on pvh the kernel command line carries the same (ingot.hostname=,
// ingot.dns=) and the kernel fills one itself. The kernel checks every field again.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace ingot::abi {

inline constexpr uint64_t identity_magic = 0x31544e4449544f47; // "GOTIDNT1"
// HOST_NAME_MAX, what sethostname(2) and uname's nodename hold.
inline constexpr size_t max_hostname_length = 64;
// MAXNS of resolv.conf(5): the C libraries read no more nameserver lines than this.
inline constexpr size_t max_dns_servers = 3;

struct Identity {
    uint64_t magic;
    char hostname[max_hostname_length + 1]; // NUL-terminated; empty: the kernel's default
    uint8_t dns_count;
    uint8_t reserved[2];
    uint32_t dns[max_dns_servers]; // IPv4, host byte order
};
static_assert(sizeof(Identity) == 88);
static_assert(offsetof(Identity, dns) == 76);

} // namespace ingot::abi
