#include "net/rtnetlink_socket.h"

#include "support/error.h"

#include <linux/rtnetlink.h>

#include <cerrno>

namespace ingot {

namespace {

mnl_socket* open_socket() {
    mnl_socket* socket = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!socket)
        fail("cannot open a route netlink socket: {}", system_error_text(errno));
    if (mnl_socket_bind(socket, 0, MNL_SOCKET_AUTOPID) < 0) {
        int error = errno;
        mnl_socket_close(socket);
        fail("cannot bind a route netlink socket: {}", system_error_text(error));
    }
    return socket;
}

int each_message(const nlmsghdr* message, void* data) {
    (*static_cast<const std::function<void(const nlmsghdr*)>*>(data))(message);
    return MNL_CB_OK;
}

} // namespace

RtnetlinkSocket::RtnetlinkSocket()
    : m_socket(open_socket(), mnl_socket_close), m_port(mnl_socket_get_portid(m_socket.get())),
      m_answer(MNL_SOCKET_BUFFER_SIZE) {}

int RtnetlinkSocket::request(nlmsghdr* request) {
    return exchange(request, nullptr);
}

int RtnetlinkSocket::dump(nlmsghdr* request, const std::function<void(const nlmsghdr*)>& each) {
    return exchange(request, &each);
}

int RtnetlinkSocket::exchange(nlmsghdr* request, const std::function<void(const nlmsghdr*)>* each) {
    request->nlmsg_flags |= NLM_F_REQUEST | (each ? NLM_F_DUMP : NLM_F_ACK);
    request->nlmsg_seq = ++m_sequence;
    if (mnl_socket_sendto(m_socket.get(), request, request->nlmsg_len) < 0)
        return errno;
    for (;;) {
        ssize_t received = mnl_socket_recvfrom(m_socket.get(), m_answer.data(), m_answer.size());
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0)
            return errno;
        // An acknowledgement or NLMSG_DONE stops the run (0); an error answer sets errno (-1).
        int status = mnl_cb_run(m_answer.data(), static_cast<size_t>(received), m_sequence, m_port,
                                each ? each_message : nullptr,
                                const_cast<void*>(static_cast<const void*>(each)));
        if (status < 0)
            return errno;
        if (status == MNL_CB_STOP)
            return 0;
    }
}

} // namespace ingot
