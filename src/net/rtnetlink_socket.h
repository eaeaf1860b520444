// A route netlink socket (rtnetlink(7)) through libmnl: one request and its acknowledgement, or
// one dump and its messages. The interface takeover reads links, addresses and routes and sets
// up traffic control with it.
#pragma once

#include <libmnl/libmnl.h>

#include <functional>
#include <memory>
#include <vector>

namespace ingot {

class RtnetlinkSocket {
public:
    // Throws UserError when the socket cannot be opened.
    RtnetlinkSocket();

    // Sends `request` (built with mnl_nlmsg_put_header in a buffer of MNL_SOCKET_BUFFER_SIZE)
    // asking for an acknowledgement: 0, or the errno the kernel answered.
    int request(nlmsghdr* request);
    // Sends a dump request (NLM_F_DUMP is added) and calls `each` for every message of the
    // answer: 0, or the errno of the dump.
    int dump(nlmsghdr* request, const std::function<void(const nlmsghdr*)>& each);

    int fd() const { return mnl_socket_get_fd(m_socket.get()); }

private:
    int exchange(nlmsghdr* request, const std::function<void(const nlmsghdr*)>* each);

    std::unique_ptr<mnl_socket, int (*)(mnl_socket*)> m_socket;
    unsigned m_port = 0;
    unsigned m_sequence = 0;
    // Allocated once: a request needs no allocation (the cleanup process after fork).
    std::vector<char> m_answer;
};

} // namespace ingot
