// The traffic-control settings of the interface takeover, over rtnetlink (what `tc qdisc add
// dev X ingress` and `tc filter add dev X parent ffff: protocol all u32 match u32 0 0 action
// mirred egress redirect dev Y` ask the kernel, see tc-mirred(8)), and the link's MTU.
// Each returns 0 or the errno the kernel answered.
#pragma once

#include <cstdint>

namespace ingot {

class RtnetlinkSocket;

// The ingress qdisc (handle ffff:), where filters see every frame the interface receives.
// EEXIST when the interface has one already.
int add_ingress_qdisc(RtnetlinkSocket& socket, unsigned interface_index);
// Removes it, and with it its filters.
int delete_ingress_qdisc(RtnetlinkSocket& socket, unsigned interface_index);
// On `from`'s ingress qdisc: every frame `from` receives is sent out of `to` instead (stolen
// from `from`'s own network stack).
int add_redirect_filter(RtnetlinkSocket& socket, unsigned from, unsigned to);
int set_link_mtu(RtnetlinkSocket& socket, unsigned interface_index, uint32_t mtu);

} // namespace ingot
