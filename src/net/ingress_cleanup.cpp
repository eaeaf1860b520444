#include "net/ingress_cleanup.h"

#include "net/rtnetlink_socket.h"
#include "net/traffic_control.h"
#include "support/error.h"

#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <vector>

namespace ingot {

namespace {

struct Pipe {
    OwnedFd read;
    OwnedFd write;
};

Pipe make_pipe() {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) < 0)
        fail("cannot create a pipe: {}", system_error_text(errno));
    return {OwnedFd(ends[0]), OwnedFd(ends[1])};
}

// Closes every descriptor but `keep`: the child must hold neither the tap (which would then
// outlive ingot) nor anything else of ingot's.
void close_all_but(std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned next = 0;
    for (int fd : keep) {
        if (static_cast<unsigned>(fd) > next)
            ::syscall(SYS_close_range, next, static_cast<unsigned>(fd) - 1, 0u);
        next = static_cast<unsigned>(fd) + 1;
    }
    ::syscall(SYS_close_range, next, ~0u, 0u);
}

[[noreturn]] void run_cleanup(RtnetlinkSocket& socket, int alive, int done,
                              unsigned interface_index, const std::string& interface_name) {
    // The terminal's Ctrl-C and a `kill` of ingot's process group must not end this process
    // before ingot: it would leave the qdisc.
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE})
        std::signal(signal, SIG_IGN);
    char byte;
    ssize_t got;
    do
        got = ::read(alive, &byte, 1);
    while (got > 0 || (got < 0 && errno == EINTR));
    int error = delete_ingress_qdisc(socket, interface_index);
    // ENODEV, ENOENT, EINVAL: the interface or its qdisc is gone already (the namespace ended,
    // or someone removed it).
    if (error && error != ENODEV && error != ENOENT && error != EINVAL)
        dprintf(STDERR_FILENO, "ingot: cannot remove the ingress qdisc of %s: %s\n",
                interface_name.c_str(), system_error_text(error).c_str());
    ::close(done);
    ::_exit(0);
}

} // namespace

IngressCleanup::IngressCleanup(unsigned interface_index, const std::string& interface_name) {
    Pipe alive = make_pipe();
    Pipe done = make_pipe();
    // Opened before the fork: the cleanup process then only reads, sends and exits.
    RtnetlinkSocket socket;
    // Forked twice, so that ingot need not reap it: the hvt monitor's sandbox allows no wait
    // once the guest runs, and a supervisor that restarts guests would gather zombies.
    pid_t child = ::fork();
    if (child == 0) {
        pid_t cleanup = ::fork();
        if (cleanup != 0)
            ::_exit(cleanup < 0 ? 1 : 0);
        // stderr stays, for a failure's one line.
        close_all_but({STDERR_FILENO, alive.read.get(), done.write.get(), socket.fd()});
        run_cleanup(socket, alive.read.get(), done.write.get(), interface_index, interface_name);
    }
    int status = 0;
    while (child > 0 && ::waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    if (child < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("cannot start the process that undoes --net-interface {}: {}", interface_name,
             system_error_text(child < 0 ? errno : EAGAIN));
    m_alive = std::move(alive.write);
    m_done = std::move(done.read);
}

IngressCleanup::~IngressCleanup() {
    m_alive.reset();
    char byte;
    while (::read(m_done.get(), &byte, 1) < 0 && errno == EINTR)
        ;
}

} // namespace ingot
