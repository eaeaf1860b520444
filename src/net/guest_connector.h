// The connection to the guest for one accepted client, tried again while the guest cannot take
// it yet: on demand (launch/on_demand.h) the client arrives before the VM has booted, and its
// program listens some time after that. Refused or unreachable, the connection is tried again
// shortly, until a deadline. The client waits meanwhile, its bytes in its socket's receive
// buffer, so that none is lost; connected, both become a TcpRelay.
#pragma once

#include "net/event_loop.h"
#include "net/owned_fd.h"
#include "net/tcp_forwarder.h"

namespace ingot {

class GuestConnector final : public EventHandler {
public:
    GuestConnector(EventLoop& loop, TcpForwarder& owner, OwnedFd client, GuestEndpoint guest,
                   Clock::time_point give_up_at);
    ~GuestConnector() override;

    // The attempt's outcome: connected (to the owner's relays), again later, or given up.
    void handle_events(uint32_t events) override;
    // When the next attempt is due; time_point::max() while one is under way.
    Clock::time_point retry_at() const { return m_retry_at; }
    void attempt(Clock::time_point now);

private:
    void wait_or_give_up(Clock::time_point now);

    EventLoop& m_loop;
    TcpForwarder& m_owner;
    OwnedFd m_client;
    OwnedFd m_guest;
    GuestEndpoint m_endpoint;
    Clock::time_point m_give_up_at;
    Clock::time_point m_retry_at = Clock::time_point::max();
};

} // namespace ingot
