// The machine's network stack: the network component's face to the rest of the kernel
// (components/without_net.cpp is what a kernel built without it has instead).
#pragma once

#include "net/interface_facts.h"
#include "net/socket_listing.h"
#include "net/stack.h"

namespace kernel {

// The stack over the VM's network device; without one, a stack that carries loopback only,
// made at the first call. Null only when there was no memory for it: sockets can then be made
// and bound, but connecting and sending fail with ENETUNREACH.
net::NetworkStack* network_stack();

namespace net {
// Builds the stack over the platform's network device, if there is one, configures the
// interface (waiting a few seconds for DHCP when asked) and hands the scheduler its polling.
// `report`: log the interface's settings (--boot-trace).
void start_network(bool report);
// The interface's settings once start_network() configured it over the platform's device;
// null without a device.
const InterfaceConfig* configured_interface();
// The program is exiting: on Linux its sockets would go on delivering what it wrote, but the
// VM ends with it, so wait (at most a few seconds) until TCP's peers have acknowledged it all
// and the neighbour queues and the device have sent what they hold.
void finish_output();
// What the stack has counted; all zero before a stack was made, and without the component.
NetworkCounters counters();
// The interfaces, their addresses, routes and counters as they are now (net/interface_facts.h):
// lo, and eth0 over the VM's network device. None without the component.
void interface_facts(interfaces::Facts& facts);
// Every TCP (`tcp`) or UDP socket, as /proc/net/tcp, tcp6, udp and udp6 list them; none
// without the component.
void list_sockets(bool tcp, SocketVisitor& visitor);
// eth0's ARP cache, as /proc/net/arp lists it; none without a network device.
void list_neighbours(interfaces::NeighbourVisitor& visitor);
} // namespace net

} // namespace kernel
