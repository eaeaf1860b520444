// The /etc files a container runtime writes into a container (Docker: hosts, hostname,
// resolv.conf; passwd and group where the image has none), as text.
#pragma once

#include "fs/synthetic/text_buffer.h"
#include "net/address.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::synthetic {

// hosts(5): localhost for IPv4 and IPv6, the IPv6 names Docker lists, and the host name at
// the interface's address (0 when there is none: Debian's 127.0.1.1) and at its static IPv6
// address (none when any()), as Docker lists a container's, so that getaddrinfo(gethostname())
// resolves without DNS, to both families where the guest has both.
void generate_hosts(TextBuffer& text, const char* hostname, uint32_t address,
                    const net::Ipv6Address& address6);
void generate_hostname_file(TextBuffer& text, const char* hostname);
// resolv.conf(5): one nameserver line per server (IPv4, host byte order).
void generate_resolv_conf(TextBuffer& text, const uint32_t* servers, size_t count);
// host.conf(5) as Debian ships it: "multi on", without which glibc's getaddrinfo stops at the
// first /etc/hosts line naming a host, so that a name listed for both families gave one.
void generate_host_conf(TextBuffer& text);
// passwd(5) and group(5): root, and nobody/nogroup, whose ids Debian gives them.
void generate_passwd(TextBuffer& text);
void generate_group(TextBuffer& text);

} // namespace kernel::synthetic
