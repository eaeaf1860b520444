#include "net/port_proxy.h"

#include "net/proxy_sockets.h"
#include "net/sealed_thread.h"
#include "net/tcp_forwarder.h"
#include "net/udp_forwarder.h"

#include "support/error.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>

namespace ingot {

namespace {

// A handed-over listener, duplicated: the launcher keeps its own for the next boot. Accepting
// goes on until EAGAIN, so it must not block (the flag belongs to the shared open file).
OwnedFd take_listener(int fd) {
    OwnedFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!copy || ::fcntl(copy.get(), F_SETFL, ::fcntl(copy.get(), F_GETFL) | O_NONBLOCK) < 0)
        fail("cannot take over a published port's socket: {}", system_error_text(errno));
    return copy;
}

} // namespace

// Ends the boot once the forwarders were idle for the handover's idle_stop.
class PortProxy::IdleStop final : public TimedWork {
public:
    IdleStop(std::vector<TcpForwarder*> forwarders, std::chrono::milliseconds idle,
             std::function<void()> on_idle)
        : m_forwarders(std::move(forwarders)), m_idle(idle), m_on_idle(std::move(on_idle)) {}

    Clock::time_point next_deadline() const override {
        if (m_done)
            return Clock::time_point::max();
        Clock::time_point last = m_started;
        for (TcpForwarder* forwarder : m_forwarders) {
            // Busy: looked at again shortly, since a connection's end wakes no one here.
            if (forwarder->busy())
                return Clock::now() + busy_check_interval;
            last = std::max(last, forwarder->last_active());
        }
        return last + m_idle;
    }

    void run_due(Clock::time_point now) override {
        if (m_done || next_deadline() > now)
            return;
        m_done = true;
        for (TcpForwarder* forwarder : m_forwarders)
            forwarder->stop_accepting();
        m_on_idle();
    }

private:
    static constexpr auto busy_check_interval = std::chrono::milliseconds(100);

    std::vector<TcpForwarder*> m_forwarders;
    std::chrono::milliseconds m_idle;
    std::function<void()> m_on_idle;
    Clock::time_point m_started = Clock::now();
    bool m_done = false;
};

PortProxy::PortProxy(const std::vector<PortMapping>& mappings, const PortProxySettings& settings,
                     const ProxyHandover& handover) {
    raise_descriptor_limit();
    std::vector<TcpForwarder*> tcp_forwarders;
    for (size_t i = 0; i < mappings.size(); ++i) {
        const PortMapping& mapping = mappings[i];
        std::vector<OwnedFd> listeners;
        if (i < handover.listeners.size())
            for (int fd : handover.listeners[i])
                listeners.push_back(take_listener(fd));
        else
            listeners = bind_host_sockets(mapping);
        m_bound_ports.push_back(local_port(listeners.front().get()));
        GuestEndpoint guest{settings.guest_address, mapping.guest_port, settings.device};
        // A forwarder per socket: an IPv6 client is served as an IPv4 one, over IPv4 to the guest.
        for (OwnedFd& listener : listeners)
            if (mapping.protocol == TransportProtocol::Tcp) {
                auto forwarder = std::make_unique<TcpForwarder>(
                    m_loop, std::move(listener), guest, m_open_connections, handover.connect_retry);
                tcp_forwarders.push_back(forwarder.get());
                m_forwarders.push_back(std::move(forwarder));
            } else
                m_forwarders.push_back(std::make_unique<UdpForwarder>(
                    m_loop, std::move(listener), guest, settings.udp_idle_timeout, m_open_flows));
    }
    if (handover.idle_stop) {
        m_idle_stop = std::make_unique<IdleStop>(std::move(tcp_forwarders), *handover.idle_stop,
                                                 handover.on_idle);
        m_loop.add_timed_work(m_idle_stop.get());
    }
    m_thread = start_sealed_thread(settings.thread_setup, [this] { m_loop.run(); });
    if (handover.on_serving)
        handover.on_serving();
}

PortProxy::~PortProxy() {
    m_loop.stop();
    m_thread.join();
}

} // namespace ingot
