#include "oci/console_socket.h"

#include "support/error.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace ingot {

OwnedFd send_console(const std::string& socket_path) {
    OwnedFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0)
        fail("cannot open a pseudo-terminal: {}", system_error_text(errno));
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0)
        fail("cannot name the pseudo-terminal: {}", system_error_text(errno));
    OwnedFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave)
        fail("cannot open '{}': {}", name, system_error_text(errno));

    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof address.sun_path)
        fail("--console-socket '{}': the path is too long for a socket", socket_path);
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size());
    OwnedFd socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket ||
        ::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        fail("--console-socket '{}': {}", socket_path, system_error_text(errno));

    iovec bytes{name, std::strlen(name)};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr message{};
    message.msg_iov = &bytes;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    int fd = master.get();
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    if (::sendmsg(socket.get(), &message, MSG_NOSIGNAL) < 0)
        fail("--console-socket '{}': cannot send the terminal: {}", socket_path,
             system_error_text(errno));
    return slave;
}

void adopt_console(int terminal) {
    ::setsid();
    ::ioctl(terminal, TIOCSCTTY, 0);
    for (int fd = 0; fd < 3; ++fd)
        ::dup2(terminal, fd);
}

} // namespace ingot
