// What a kernel built without the network component (abi::component_net) has in its place:
// no stack, no sockets of any family (socket() and socketpair() answer ENOSYS through
// components/missing_component.h), and a network device, should the VM have one, left unused.
#include "lib/log.h"
#include "linux/socket_calls.h"
#include "net/network.h"
#include "platform/platform.h"

namespace kernel {

const SocketCalls* inet_socket_calls() {
    return nullptr;
}

const SocketCalls* unix_socket_calls() {
    return nullptr;
}

const SocketCalls* netlink_socket_calls() {
    return nullptr;
}

namespace net {

void start_network(bool) {
    if (platform::net_device())
        klog("net: the VM has a network device, but this image was built without the 'net' "
             "component (build it with 'ingot build --with net')");
}

const InterfaceConfig* configured_interface() {
    return nullptr;
}

void finish_output() {}

NetworkCounters counters() {
    return {};
}

void interface_facts(interfaces::Facts&) {}

void list_sockets(bool, SocketVisitor&) {}

void list_neighbours(interfaces::NeighbourVisitor&) {}

} // namespace net

} // namespace kernel
