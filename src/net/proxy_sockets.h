// The sockets of the port proxy: the host's listening end of each -p mapping, and the sockets
// that reach the guest through the tap.
#pragma once

#include "net/network_options.h"
#include "net/owned_fd.h"

#include <netinet/in.h>

#include <string>
#include <vector>

namespace ingot {

sockaddr_in socket_address(uint32_t address, uint16_t port);

// The port a bound socket of either family holds.
uint16_t local_port(int fd);

// The mapping's host sockets, bound (and listening, for TCP), non-blocking: one, or for
// HostFamily::Both an IPv4 and an IPv6 one (IPV6_V6ONLY, so that both can hold the port) on the
// same port; only the IPv4 one when the host has no IPv6. Throws UserError saying what would
// help when the port is taken, privileged, or the address is not the host's.
std::vector<OwnedFd> bind_host_sockets(const PortMapping& mapping);

// A non-blocking socket for traffic to the guest, tied to `device` when given, so that it
// leaves through the tap even if another interface routes the same subnet. An empty OwnedFd
// (errno set) when the host is out of descriptors.
OwnedFd guest_socket(int type, const std::string& device);

// The error a non-blocking connect(2) ended with (SO_ERROR), 0 when it succeeded.
int pending_error(int fd);

// Every relayed TCP connection holds two descriptors: lift the soft limit to the hard one.
void raise_descriptor_limit();

} // namespace ingot
