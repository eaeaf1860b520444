// One published TCP port: accepts on the host and splices each connection with a new one to
// the guest, both ways, passing half-closes on (shutdown of writing once a side has sent
// everything) and resets as resets. A guest that refuses or cannot be reached makes the client
// see its connection closed.
#pragma once

#include "net/event_loop.h"
#include "net/owned_fd.h"

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>

namespace ingot {

class TcpRelay;

struct GuestEndpoint {
    uint32_t address = 0; // host byte order
    uint16_t port = 0;
    std::string device; // the tap to leave by; empty: routing decides
};

class TcpForwarder final : public EventHandler, public TimedWork {
public:
    TcpForwarder(EventLoop& loop, OwnedFd listener, GuestEndpoint guest,
                 std::atomic<size_t>& open_connections);
    ~TcpForwarder() override;

    void handle_events(uint32_t events) override;
    Clock::time_point next_deadline() const override { return m_paused_until; }
    void run_due(Clock::time_point now) override;

    void relay_finished(TcpRelay* relay);

private:
    void accept_one(int client);

    EventLoop& m_loop;
    OwnedFd m_listener;
    GuestEndpoint m_guest;
    std::atomic<size_t>& m_open_connections;
    std::unordered_map<TcpRelay*, std::unique_ptr<TcpRelay>> m_relays;
    // Out of descriptors: accepting waits a moment instead of spinning on the listener.
    Clock::time_point m_paused_until = Clock::time_point::max();
};

} // namespace ingot
