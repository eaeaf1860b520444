// Removes an interface's ingress qdisc (and so the redirect filter on it) when ingot ends,
// however it ends. The tap of an interface takeover vanishes with its descriptor, but the
// filter on the taken-over interface would outlive ingot and keep stealing its frames for a
// tap that is gone. Neither a destructor nor ingot itself can be relied on: the hvt monitor and
// the QEMU console relay drop CAP_NET_ADMIN once the guest runs (src/sandbox), and a SIGKILL
// runs no code. So a small process forked at set-up, which keeps ingot's privileges and
// ignores the terminal's signals, waits for ingot's end of a pipe to close (ingot's exit, by
// any means, closes it) and then removes the qdisc.
#pragma once

#include "net/owned_fd.h"

#include <string>

namespace ingot {

class IngressCleanup {
public:
    // Call while ingot has one thread (the child only reads and makes one netlink request).
    // Throws UserError when the process cannot be started.
    IngressCleanup(unsigned interface_index, const std::string& interface_name);
    // The qdisc is removed now; returns once it is gone.
    ~IngressCleanup();
    IngressCleanup(const IngressCleanup&) = delete;
    IngressCleanup& operator=(const IngressCleanup&) = delete;

private:
    OwnedFd m_alive; // closing it asks for the removal
    OwnedFd m_done;  // end of file once the removal is done
};

} // namespace ingot
