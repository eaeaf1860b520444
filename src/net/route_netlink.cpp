#include "net/route_netlink.h"

#include "net/owned_fd.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace ingot {

namespace {

// One request: a netlink header, the family header and attributes, asking for an ack.
class NetlinkRequest {
public:
    NetlinkRequest(uint16_t type, uint16_t flags) {
        header().nlmsg_type = type;
        header().nlmsg_flags = static_cast<uint16_t>(NLM_F_REQUEST | NLM_F_ACK | flags);
        header().nlmsg_seq = 1;
        m_length = NLMSG_HDRLEN;
    }

    template <typename T> void append_header(const T& value) { append(&value, sizeof value); }

    void append_attribute(uint16_t type, const void* data, size_t size) {
        rtattr attribute{};
        attribute.rta_type = type;
        attribute.rta_len = static_cast<uint16_t>(RTA_LENGTH(size));
        append(&attribute, sizeof attribute);
        append(data, size);
    }

    // 0, or the errno of the kernel's answer or of the socket.
    int send() {
        header().nlmsg_len = static_cast<uint32_t>(m_length);
        OwnedFd socket(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
        if (!socket)
            return errno;
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        if (::sendto(socket.get(), m_buffer, m_length, 0, reinterpret_cast<sockaddr*>(&kernel),
                     sizeof kernel) < 0)
            return errno;
        for (;;) {
            alignas(nlmsghdr) uint8_t answer[8192];
            ssize_t received = ::recv(socket.get(), answer, sizeof answer, 0);
            if (received < 0 && errno == EINTR)
                continue;
            if (received < 0)
                return errno;
            int length = static_cast<int>(received);
            for (auto* message = reinterpret_cast<nlmsghdr*>(answer); NLMSG_OK(message, length);
                 message = NLMSG_NEXT(message, length)) {
                if (message->nlmsg_type != NLMSG_ERROR || message->nlmsg_seq != 1)
                    continue;
                if (message->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
                    return EPROTO;
                auto* error = static_cast<nlmsgerr*>(NLMSG_DATA(message));
                return -error->error;
            }
        }
    }

private:
    nlmsghdr& header() { return *reinterpret_cast<nlmsghdr*>(m_buffer); }

    void append(const void* data, size_t size) {
        std::memcpy(m_buffer + m_length, data, size);
        m_length += NLMSG_ALIGN(size);
    }

    alignas(nlmsghdr) uint8_t m_buffer[256]{};
    size_t m_length = 0;
};

} // namespace

int add_interface_address(unsigned interface_index, uint32_t address, uint8_t prefix_length) {
    NetlinkRequest request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
    ifaddrmsg header{};
    header.ifa_family = AF_INET;
    header.ifa_prefixlen = prefix_length;
    header.ifa_scope = RT_SCOPE_UNIVERSE;
    header.ifa_index = interface_index;
    request.append_header(header);
    uint32_t mask = prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
    uint32_t local = htonl(address);
    uint32_t broadcast = htonl(address | ~mask);
    request.append_attribute(IFA_LOCAL, &local, sizeof local);
    request.append_attribute(IFA_ADDRESS, &local, sizeof local);
    request.append_attribute(IFA_BROADCAST, &broadcast, sizeof broadcast);
    return request.send();
}

int set_interface_up(unsigned interface_index) {
    NetlinkRequest request(RTM_NEWLINK, 0);
    ifinfomsg header{};
    header.ifi_family = AF_UNSPEC;
    header.ifi_index = static_cast<int>(interface_index);
    header.ifi_flags = IFF_UP;
    header.ifi_change = IFF_UP;
    request.append_header(header);
    return request.send();
}

} // namespace ingot
