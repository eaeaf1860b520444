// One published UDP port's socket, IPv4 or IPv6. Each client (its whole address and port) gets
// a flow: a socket connected to the guest's port over IPv4, so that the guest's answers come
// back to that client, from the host address the client wrote to. A flow quiet for the idle
// timeout is closed; past max_flows the quietest makes room.
#pragma once

#include "net/event_loop.h"
#include "net/owned_fd.h"
#include "net/tcp_forwarder.h"

#include <netinet/in.h>

#include <atomic>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>

namespace ingot {

class UdpForwarder final : public EventHandler, public TimedWork {
public:
    static constexpr size_t max_flows = 4096;

    UdpForwarder(EventLoop& loop, OwnedFd listener, GuestEndpoint guest,
                 std::chrono::milliseconds idle_timeout, std::atomic<size_t>& open_flows);
    ~UdpForwarder() override;

    void handle_events(uint32_t events) override;
    Clock::time_point next_deadline() const override;
    void run_due(Clock::time_point now) override;

private:
    class Flow;
    struct Peer;
    using Flows = std::list<std::unique_ptr<Flow>>; // the quietest first

    Flow* flow_for(const Peer& peer);
    void answer(Flow& flow, const uint8_t* data, size_t size);
    void touch(Flow& flow);
    void close_flow(Flows::iterator position);

    EventLoop& m_loop;
    OwnedFd m_listener;
    GuestEndpoint m_guest;
    std::chrono::milliseconds m_idle_timeout;
    std::atomic<size_t>& m_open_flows;
    std::unique_ptr<uint8_t[]> m_datagram;
    Flows m_flows;
    std::unordered_map<std::string, Flows::iterator> m_flow_by_client; // Peer::key()
};

} // namespace ingot
