// The user-space proxy behind -p: listens on the host's ports and forwards to the guest's
// address through the tap, TCP connection by connection and UDP flow by flow, on a thread of
// its own (every signal blocked there: the platforms' run loops take SIGINT and friends).
#pragma once

#include "net/event_loop.h"
#include "net/network_options.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ingot {

struct PortProxySettings {
    uint32_t guest_address = 0; // host byte order
    std::string device;         // the tap; empty: routing alone picks the interface
    std::chrono::milliseconds udp_idle_timeout = std::chrono::seconds(60);
    // Runs first on the proxy's thread, before it serves anything (the monitor's sandbox);
    // what it throws comes out of the constructor.
    std::function<void()> thread_setup;
};

// What on-demand start (launch/on_demand.h) hands the proxy of each boot.
struct ProxyHandover {
    // Listening sockets, for each mapping in their order those bind_host_sockets made, that
    // the proxy takes (duplicates) instead of binding its own: the launcher holds them across
    // boots, with the connection that asked for this boot still in a backlog.
    std::vector<std::vector<int>> listeners;
    // How long a connection to the guest is tried again while it boots (guest_connector.h).
    std::chrono::milliseconds connect_retry{0};
    // With no connection open or being made for this long, the proxy stops accepting (new
    // ones wait in the backlog for the next boot) and then calls on_idle, once, on its thread.
    std::optional<std::chrono::milliseconds> idle_stop;
    std::function<void()> on_idle;
    // Once the proxy serves, on the constructing thread: the boot got past ingot's own checks
    // of the network.
    std::function<void()> on_serving;
};

class PortProxy {
public:
    // Binds every mapping's host socket before returning (throws UserError saying what would
    // help: port in use, privileged, not the host's address), then forwards until destroyed.
    PortProxy(const std::vector<PortMapping>& mappings, const PortProxySettings& settings,
              const ProxyHandover& handover = {});
    // Stops the thread and closes every socket: listeners, relayed connections, flows.
    ~PortProxy();
    PortProxy(const PortProxy&) = delete;
    PortProxy& operator=(const PortProxy&) = delete;

    // The host port mappings[index] listens on (on each of its sockets): its host_port, or the
    // one the kernel chose when that was 0 (for tests).
    uint16_t bound_port(size_t index) const { return m_bound_ports.at(index); }
    size_t open_connections() const { return m_open_connections; }
    size_t open_flows() const { return m_open_flows; }

private:
    class IdleStop;

    std::atomic<size_t> m_open_connections = 0;
    std::atomic<size_t> m_open_flows = 0;
    std::vector<uint16_t> m_bound_ports;
    EventLoop m_loop;
    std::vector<std::unique_ptr<EventHandler>> m_forwarders;
    std::unique_ptr<IdleStop> m_idle_stop;
    std::thread m_thread;
};

} // namespace ingot
