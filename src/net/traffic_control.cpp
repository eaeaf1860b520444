#include "net/traffic_control.h"

#include "net/rtnetlink_socket.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/tc_act/tc_mirred.h>

#include <cstring>
#include <vector>

namespace ingot {

namespace {

constexpr uint32_t ingress_handle = TC_H_MAKE(TC_H_INGRESS, 0); // ffff:
// The u32 filter's priority, as tc's default for the first filter.
constexpr uint32_t filter_priority = 49152;

nlmsghdr* start_tc_request(std::vector<char>& buffer, uint16_t type, uint16_t flags,
                           unsigned interface_index, uint32_t parent, uint32_t handle) {
    nlmsghdr* message = mnl_nlmsg_put_header(buffer.data());
    message->nlmsg_type = type;
    message->nlmsg_flags = flags;
    auto* header = static_cast<tcmsg*>(mnl_nlmsg_put_extra_header(message, sizeof(tcmsg)));
    header->tcm_family = AF_UNSPEC;
    header->tcm_ifindex = static_cast<int>(interface_index);
    header->tcm_parent = parent;
    header->tcm_handle = handle;
    return message;
}

int change_ingress_qdisc(RtnetlinkSocket& socket, uint16_t type, uint16_t flags,
                         unsigned interface_index) {
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr* message =
        start_tc_request(buffer, type, flags, interface_index, TC_H_INGRESS, ingress_handle);
    mnl_attr_put_strz(message, TCA_KIND, "ingress");
    return socket.request(message);
}

} // namespace

int add_ingress_qdisc(RtnetlinkSocket& socket, unsigned interface_index) {
    return change_ingress_qdisc(socket, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_EXCL, interface_index);
}

int delete_ingress_qdisc(RtnetlinkSocket& socket, unsigned interface_index) {
    return change_ingress_qdisc(socket, RTM_DELQDISC, 0, interface_index);
}

int add_redirect_filter(RtnetlinkSocket& socket, unsigned from, unsigned to) {
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr* message = start_tc_request(buffer, RTM_NEWTFILTER, NLM_F_CREATE | NLM_F_EXCL, from,
                                         ingress_handle, 0);
    // tcm_info: the priority above the protocol, every protocol (ETH_P_ALL) in network order.
    static_cast<tcmsg*>(mnl_nlmsg_get_payload(message))->tcm_info =
        TC_H_MAKE(filter_priority << 16, htons(ETH_P_ALL));
    // u32 with one key that compares no bits matches every frame. It is what Kata Containers'
    // tc-filter networking uses; matchall would do the same but is not in every kernel
    // (CONFIG_NET_CLS_MATCHALL), u32 nearly always is.
    mnl_attr_put_strz(message, TCA_KIND, "u32");
    nlattr* options = mnl_attr_nest_start(message, TCA_OPTIONS);
    // struct tc_u32_sel ends in its keys (a flexible array): one, all zero (no bits compared).
    alignas(tc_u32_sel) uint8_t selector[sizeof(tc_u32_sel) + sizeof(tc_u32_key)]{};
    tc_u32_sel header{};
    header.flags = TC_U32_TERMINAL;
    header.nkeys = 1;
    std::memcpy(selector, &header, sizeof header);
    mnl_attr_put(message, TCA_U32_SEL, sizeof selector, selector);
    nlattr* actions = mnl_attr_nest_start(message, TCA_U32_ACT);
    nlattr* action = mnl_attr_nest_start(message, 1); // the first action of the list
    mnl_attr_put_strz(message, TCA_ACT_KIND, "mirred");
    nlattr* action_options = mnl_attr_nest_start(message, TCA_ACT_OPTIONS);
    tc_mirred mirred{};
    // Redirected, not mirrored: the frame leaves through `to` and `from`'s stack never sees it
    // (TC_ACT_STOLEN).
    mirred.action = TC_ACT_STOLEN;
    mirred.eaction = TCA_EGRESS_REDIR;
    mirred.ifindex = to;
    mnl_attr_put(message, TCA_MIRRED_PARMS, sizeof mirred, &mirred);
    mnl_attr_nest_end(message, action_options);
    mnl_attr_nest_end(message, action);
    mnl_attr_nest_end(message, actions);
    mnl_attr_nest_end(message, options);
    return socket.request(message);
}

int set_link_mtu(RtnetlinkSocket& socket, unsigned interface_index, uint32_t mtu) {
    std::vector<char> buffer(MNL_SOCKET_BUFFER_SIZE);
    nlmsghdr* message = mnl_nlmsg_put_header(buffer.data());
    message->nlmsg_type = RTM_NEWLINK;
    auto* header = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(message, sizeof(ifinfomsg)));
    header->ifi_family = AF_UNSPEC;
    header->ifi_index = static_cast<int>(interface_index);
    mnl_attr_put_u32(message, IFLA_MTU, mtu);
    return socket.request(message);
}

} // namespace ingot
