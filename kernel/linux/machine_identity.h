// Who the machine is: its host name (uname's nodename, /proc/sys/kernel/hostname, /etc/hostname)
// and the DNS servers /etc/resolv.conf names, as `ingot run --hostname/--dns` chose them; and
// the kernel's release as uname and /proc/version report it.
#pragma once

#include "lib/error_or.h"

#include <ingot/abi/identity.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::identity {

inline constexpr const char* default_hostname = "ingot";
// A release new enough for every C library's feature checks.
inline constexpr const char* os_release = "6.1.0-ingot";
inline constexpr const char* os_version = "#1 Ingot unikernel";

// Takes the host's choices, checked again (the guest trusts no boot input): EINVAL changes
// nothing when any field is malformed. An empty host name is the default one.
ErrorOr<void> apply(const abi::Identity& identity);

const char* hostname();
size_t dns_server_count();
uint32_t dns_server(size_t index); // IPv4, host byte order

// RFC 1123 host names: dot-separated labels of letters, digits and hyphens, 1-63 each, no
// hyphen at a label's ends, at most abi::max_hostname_length in all.
bool is_valid_hostname(const char* name, size_t length);

} // namespace kernel::identity
