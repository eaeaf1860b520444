#include "net/port_proxy.h"

#include "net/proxy_sockets.h"
#include "net/tcp_forwarder.h"
#include "net/udp_forwarder.h"

#include <arpa/inet.h>
#include <future>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

namespace ingot {

namespace {

uint16_t local_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

} // namespace

PortProxy::PortProxy(const std::vector<PortMapping>& mappings, const PortProxySettings& settings) {
    raise_descriptor_limit();
    for (const PortMapping& mapping : mappings) {
        OwnedFd listener = bind_host_socket(mapping);
        m_bound_ports.push_back(local_port(listener.get()));
        GuestEndpoint guest{settings.guest_address, mapping.guest_port, settings.device};
        if (mapping.protocol == TransportProtocol::Tcp)
            m_forwarders.push_back(std::make_unique<TcpForwarder>(m_loop, std::move(listener),
                                                                  guest, m_open_connections));
        else
            m_forwarders.push_back(std::make_unique<UdpForwarder>(
                m_loop, std::move(listener), guest, settings.udp_idle_timeout, m_open_flows));
    }
    // The thread starts with every signal blocked (it inherits this thread's mask), so that
    // none is delivered to it instead of to the platform's run loop.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    std::promise<void> set_up;
    std::future<void> set_up_done = set_up.get_future();
    try {
        m_thread = std::thread(
            [this, set_up = std::move(set_up), setup = settings.thread_setup]() mutable {
                try {
                    if (setup)
                        setup();
                    set_up.set_value();
                } catch (...) {
                    set_up.set_exception(std::current_exception());
                    return;
                }
                m_loop.run();
            });
    } catch (...) {
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        throw;
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    try {
        set_up_done.get();
    } catch (...) {
        m_thread.join();
        throw;
    }
}

PortProxy::~PortProxy() {
    m_loop.stop();
    m_thread.join();
}

} // namespace ingot
