#include "net/path_mtu.h"

namespace kernel::net {

size_t path_mtu_to(const IpOutput& ip, const Ip6Output& ip6, const IpAddress& destination) {
    if (destination.is_v4()) {
        Ipv4Address to = destination.v4();
        return ip.is_local(to) ? ipv4_max_datagram : ip.mtu_for(to);
    }
    return ip6.is_local(destination.v6) ? loopback_path_mtu : ip6.mtu_for(destination.v6);
}

} // namespace kernel::net
