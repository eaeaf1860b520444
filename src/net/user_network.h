// User-mode networking for the hvt monitor (NetworkBackend::User): libslirp, on a thread of its
// own, is the guest's whole network. It answers ARP, DHCP and DNS (10.0.2.3) itself, carries
// the guest's TCP and UDP over the host's ordinary sockets as the user's own connections (so
// no tap and no privilege), and listens on the published ports (hostfwd), handing each
// connection or datagram to the guest. The monitor's device reads and writes the same frames
// as on a tap with IFF_VNET_HDR (user_network_frames.h), through a socket pair.
#pragma once

#include "net/network_options.h"
#include "net/owned_fd.h"

#include <functional>
#include <memory>
#include <thread>

namespace ingot {

class UserNetwork {
public:
    // Listens on every published port now, so that a port in use or not the user's to bind is
    // reported before boot: throws UserError (one line). `thread_setup` runs first on the
    // network's thread (the sandbox); if it throws, the guest is offline and ingot says why.
    explicit UserNetwork(const NetworkPlan& plan, std::function<void()> thread_setup = {});
    // Stops the thread; the published ports close with it.
    ~UserNetwork();
    UserNetwork(const UserNetwork&) = delete;
    UserNetwork& operator=(const UserNetwork&) = delete;

    // The monitor's end (NetworkAttachment::tap_fd): a SOCK_SEQPACKET socket, one frame per
    // packet. Stays this object's to close.
    int guest_fd() const { return m_guest_end.get(); }

    struct Engine;

private:
    OwnedFd m_guest_end;
    OwnedFd m_stop; // an eventfd: written to stop the thread
    std::unique_ptr<Engine> m_engine;
    std::thread m_thread;
};

} // namespace ingot
