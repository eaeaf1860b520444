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

class GuestConnector;
class TcpRelay;

struct GuestEndpoint {
    uint32_t address = 0; // host byte order
    uint16_t port = 0;
    std::string device; // the tap to leave by; empty: routing decides
};

class TcpForwarder final : public EventHandler, public TimedWork {
public:
    // With a `connect_retry`, a connection the guest refuses or does not answer is tried
    // again for that long (guest_connector.h); without, once.
    TcpForwarder(EventLoop& loop, OwnedFd listener, GuestEndpoint guest,
                 std::atomic<size_t>& open_connections,
                 std::chrono::milliseconds connect_retry = {});
    ~TcpForwarder() override;

    void handle_events(uint32_t events) override;
    Clock::time_point next_deadline() const override;
    void run_due(Clock::time_point now) override;

    void relay_finished(TcpRelay* relay);
    // `guest` is connected, or both are empty: the connection could not be made.
    void connector_finished(GuestConnector* connector, OwnedFd client, OwnedFd guest);

    // Leaves new connections in the listener's backlog, for whoever holds it next (on demand:
    // the next boot's proxy). Those under way go on.
    void stop_accepting();
    // For the idle stop: a connection open or being made, and when the last one was.
    bool busy() const { return !m_relays.empty() || !m_connectors.empty(); }
    Clock::time_point last_active() const { return m_last_active; }

private:
    void accept_one(int client);
    void start_relay(OwnedFd client, OwnedFd guest);

    EventLoop& m_loop;
    OwnedFd m_listener;
    GuestEndpoint m_guest;
    std::atomic<size_t>& m_open_connections;
    std::chrono::milliseconds m_connect_retry;
    std::unordered_map<TcpRelay*, std::unique_ptr<TcpRelay>> m_relays;
    std::unordered_map<GuestConnector*, std::unique_ptr<GuestConnector>> m_connectors;
    bool m_accepting = true;
    Clock::time_point m_last_active = Clock::now();
    // Out of descriptors: accepting waits a moment instead of spinning on the listener.
    Clock::time_point m_paused_until = Clock::time_point::max();
};

} // namespace ingot
