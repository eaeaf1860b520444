#include "net/interface_info.h"

#include "net/rtnetlink_socket.h"
#include "support/error.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>

#include <algorithm>
#include <cstring>
#include <vector>

namespace ingot {

namespace {

template <typename Header> Header* start_request(std::vector<char>& buffer, uint16_t type) {
    nlmsghdr* message = mnl_nlmsg_put_header(buffer.data());
    message->nlmsg_type = type;
    return static_cast<Header*>(mnl_nlmsg_put_extra_header(message, sizeof(Header)));
}

nlmsghdr* message_of(std::vector<char>& buffer) {
    return reinterpret_cast<nlmsghdr*>(buffer.data());
}

// Calls `each(type, attribute)` for every attribute after the family header `Header`.
template <typename Header, typename Each>
void for_each_attribute(const nlmsghdr* message, Each each) {
    mnl_attr_parse(
        message, sizeof(Header),
        [](const nlattr* attribute, void* data) {
            (*static_cast<Each*>(data))(mnl_attr_get_type(attribute), attribute);
            return MNL_CB_OK;
        },
        &each);
}

uint32_t attribute_ipv4(const nlattr* attribute) {
    if (mnl_attr_get_payload_len(attribute) != 4)
        return 0;
    uint32_t value;
    std::memcpy(&value, mnl_attr_get_payload(attribute), 4);
    return ntohl(value);
}

} // namespace

std::optional<InterfaceLink> read_interface_link(const std::string& name) {
    unsigned index = ::if_nametoindex(name.c_str());
    if (index == 0)
        return std::nullopt;
    RtnetlinkSocket socket;
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    auto* request = start_request<ifinfomsg>(buffer, RTM_GETLINK);
    request->ifi_family = AF_UNSPEC;
    request->ifi_index = static_cast<int>(index);
    std::optional<InterfaceLink> link;
    // A dump filtered to one index would list every link on older kernels: look for ours.
    int error = socket.dump(message_of(buffer), [&](const nlmsghdr* message) {
        if (message->nlmsg_type != RTM_NEWLINK)
            return;
        auto* header = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(message));
        if (static_cast<unsigned>(header->ifi_index) != index)
            return;
        InterfaceLink found;
        found.index = index;
        found.loopback = header->ifi_flags & IFF_LOOPBACK;
        found.ethernet = header->ifi_type == ARPHRD_ETHER;
        for_each_attribute<ifinfomsg>(message, [&](uint16_t type, const nlattr* attribute) {
            if (type == IFLA_MTU && mnl_attr_get_payload_len(attribute) == 4)
                found.mtu = mnl_attr_get_u32(attribute);
            if (type == IFLA_ADDRESS && mnl_attr_get_payload_len(attribute) == found.mac.size())
                std::memcpy(found.mac.data(), mnl_attr_get_payload(attribute), found.mac.size());
        });
        link = found;
    });
    if (error)
        fail("cannot read interface {}: {}", name, system_error_text(error));
    return link;
}

std::optional<InterfaceAddress> read_interface_address(unsigned index) {
    RtnetlinkSocket socket;
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    start_request<ifaddrmsg>(buffer, RTM_GETADDR)->ifa_family = AF_INET;
    std::optional<InterfaceAddress> found;
    int error = socket.dump(message_of(buffer), [&](const nlmsghdr* message) {
        auto* header = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(message));
        if (found || message->nlmsg_type != RTM_NEWADDR || header->ifa_index != index ||
            header->ifa_family != AF_INET || (header->ifa_flags & IFA_F_SECONDARY))
            return;
        for_each_attribute<ifaddrmsg>(message, [&](uint16_t type, const nlattr* attribute) {
            // IFA_LOCAL is the interface's own address (IFA_ADDRESS is the peer's on a
            // point-to-point link).
            if (type == IFA_LOCAL)
                found = InterfaceAddress{attribute_ipv4(attribute), header->ifa_prefixlen};
        });
    });
    if (error)
        fail("cannot read the addresses of interface {}: {}", index, system_error_text(error));
    return found;
}

uint32_t read_default_gateway(unsigned index) {
    RtnetlinkSocket socket;
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    start_request<rtmsg>(buffer, RTM_GETROUTE)->rtm_family = AF_INET;
    uint32_t gateway = 0;
    int error = socket.dump(message_of(buffer), [&](const nlmsghdr* message) {
        auto* header = static_cast<const rtmsg*>(mnl_nlmsg_get_payload(message));
        if (gateway || message->nlmsg_type != RTM_NEWROUTE || header->rtm_family != AF_INET ||
            header->rtm_dst_len != 0 || header->rtm_type != RTN_UNICAST)
            return;
        uint32_t table = header->rtm_table, through = 0, via = 0;
        for_each_attribute<rtmsg>(message, [&](uint16_t type, const nlattr* attribute) {
            if (type == RTA_TABLE && mnl_attr_get_payload_len(attribute) == 4)
                table = mnl_attr_get_u32(attribute);
            if (type == RTA_OIF && mnl_attr_get_payload_len(attribute) == 4)
                through = mnl_attr_get_u32(attribute);
            if (type == RTA_GATEWAY)
                via = attribute_ipv4(attribute);
        });
        if (table == RT_TABLE_MAIN && through == index)
            gateway = via;
    });
    if (error)
        fail("cannot read the routes of interface {}: {}", index, system_error_text(error));
    return gateway;
}

} // namespace ingot
