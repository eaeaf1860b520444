// What on-demand start asks of the port proxy (port_proxy.h's ProxyHandover), between loopback
// sockets: 127.0.0.1 stands in for the guest's address.
#include "net/owned_fd.h"
#include "net/port_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <future>
#include <thread>

namespace ingot {
namespace {

using namespace std::chrono_literals;

constexpr uint32_t loopback = 0x7f000001;

sockaddr_in loopback_address(uint16_t port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(loopback);
    address.sin_port = htons(port);
    return address;
}

uint16_t port_of(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    return ntohs(address.sin_port);
}

OwnedFd stream_socket() {
    OwnedFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    timeval timeout{10, 0};
    setsockopt(socket.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    int on = 1;
    setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    return socket;
}

OwnedFd listen_on(uint16_t port) {
    OwnedFd socket = stream_socket();
    sockaddr_in address = loopback_address(port);
    EXPECT_EQ(bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
        << strerror(errno);
    EXPECT_EQ(listen(socket.get(), 16), 0);
    return socket;
}

OwnedFd connect_to(uint16_t port) {
    OwnedFd socket = stream_socket();
    sockaddr_in address = loopback_address(port);
    EXPECT_EQ(connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
        << strerror(errno);
    return socket;
}

// A port nothing listens on, for now: connecting to it is refused, as to a booting guest.
uint16_t unused_port() {
    OwnedFd probe = listen_on(0);
    return port_of(probe.get());
}

std::string receive_exactly(int fd, size_t size) {
    std::string bytes(size, '\0');
    size_t received = 0;
    while (received < size) {
        ssize_t n = recv(fd, bytes.data() + received, size - received, 0);
        if (n <= 0)
            break;
        received += static_cast<size_t>(n);
    }
    bytes.resize(received);
    return bytes;
}

PortMapping mapping_to(uint16_t guest_port) {
    return {TransportProtocol::Tcp, loopback, 0, guest_port};
}

PortProxySettings loopback_guest() {
    PortProxySettings settings;
    settings.guest_address = loopback;
    return settings;
}

TEST(OnDemandProxy, ServesAConnectionFromTheBacklogOnceTheGuestListens) {
    uint16_t guest_port = unused_port();
    // The launcher's listener, with a client already waiting in its backlog, its request sent.
    OwnedFd held = listen_on(0);
    OwnedFd client = connect_to(port_of(held.get()));
    std::string request = "GET / HTTP/1.0\r\n\r\n";
    ASSERT_EQ(send(client.get(), request.data(), request.size(), 0),
              static_cast<ssize_t>(request.size()));

    ProxyHandover handover;
    handover.listeners = {{held.get()}};
    handover.connect_retry = 10s;
    bool serving = false;
    handover.on_serving = [&serving] { serving = true; };
    PortProxy proxy({mapping_to(guest_port)}, loopback_guest(), handover);
    EXPECT_TRUE(serving);
    EXPECT_EQ(proxy.bound_port(0), port_of(held.get()));

    // The guest's program listens only a while later: the proxy's first attempts are refused.
    std::this_thread::sleep_for(300ms);
    OwnedFd guest = listen_on(guest_port);
    OwnedFd accepted(accept4(guest.get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(accepted) << strerror(errno);
    EXPECT_EQ(receive_exactly(accepted.get(), request.size()), request);
    std::string reply = "HTTP/1.0 200 OK\r\n\r\nhello";
    ASSERT_EQ(send(accepted.get(), reply.data(), reply.size(), 0),
              static_cast<ssize_t>(reply.size()));
    EXPECT_EQ(receive_exactly(client.get(), reply.size()), reply);
}

TEST(OnDemandProxy, ClosesTheClientWhenTheGuestNeverListens) {
    uint16_t guest_port = unused_port();
    OwnedFd held = listen_on(0);
    ProxyHandover handover;
    handover.listeners = {{held.get()}};
    handover.connect_retry = 200ms;
    PortProxy proxy({mapping_to(guest_port)}, loopback_guest(), handover);
    OwnedFd client = connect_to(port_of(held.get()));
    char byte;
    auto started = std::chrono::steady_clock::now();
    EXPECT_LE(recv(client.get(), &byte, 1, 0), 0);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST(OnDemandProxy, IdleStopLeavesNewConnectionsInTheBacklog) {
    OwnedFd guest = listen_on(0);
    OwnedFd held = listen_on(0);
    ProxyHandover handover;
    handover.listeners = {{held.get()}};
    handover.connect_retry = 1s;
    handover.idle_stop = 300ms;
    std::promise<void> idle;
    std::atomic<int> idle_calls = 0;
    handover.on_idle = [&] {
        if (idle_calls++ == 0)
            idle.set_value();
    };
    PortProxy proxy({mapping_to(port_of(guest.get()))}, loopback_guest(), handover);
    auto started = std::chrono::steady_clock::now();
    {
        // An open connection holds the idle stop off.
        OwnedFd client = connect_to(port_of(held.get()));
        OwnedFd accepted(accept4(guest.get(), nullptr, nullptr, SOCK_CLOEXEC));
        ASSERT_TRUE(accepted);
        std::this_thread::sleep_for(600ms);
        EXPECT_EQ(idle_calls, 0);
    }
    ASSERT_EQ(idle.get_future().wait_for(5s), std::future_status::ready);
    EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
    // Stopped: a new client waits in the held listener's backlog, for the next boot.
    OwnedFd late = connect_to(port_of(held.get()));
    std::this_thread::sleep_for(200ms);
    pollfd waiting{held.get(), POLLIN, 0};
    EXPECT_EQ(poll(&waiting, 1, 0), 1);
    EXPECT_EQ(idle_calls, 1);
}

} // namespace
} // namespace ingot
