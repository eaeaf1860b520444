// The port proxy between loopback sockets: 127.0.0.1 stands in for the guest's address, and
// clients come from 127.0.0.1 or ::1.
#include "net/owned_fd.h"
#include "net/port_proxy.h"
#include "support/error.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace ingot {
namespace {

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

// Blocking, with receive and send timeouts so that a broken proxy fails the test, not hangs it.
OwnedFd make_socket(int type) {
    OwnedFd socket(::socket(AF_INET, type | SOCK_CLOEXEC, 0));
    timeval timeout{10, 0};
    setsockopt(socket.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(socket.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    return socket;
}

OwnedFd listen_on_loopback() {
    OwnedFd socket = make_socket(SOCK_STREAM);
    sockaddr_in address = loopback_address(0);
    EXPECT_EQ(bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(socket.get(), 1024), 0);
    return socket;
}

OwnedFd connect_to(uint16_t port) {
    OwnedFd socket = make_socket(SOCK_STREAM);
    sockaddr_in address = loopback_address(port);
    EXPECT_EQ(connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0)
        << strerror(errno);
    return socket;
}

OwnedFd accept_from(int listener) {
    return OwnedFd(accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
}

bool send_all(int fd, const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return false;
        sent += static_cast<size_t>(n);
    }
    return true;
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

struct Ending {
    std::string bytes;
    int error = 0; // 0: a clean end of stream
};

// Everything until the end of the stream or an error.
Ending receive_to_end(int fd) {
    Ending ending;
    char buffer[65536];
    for (;;) {
        ssize_t n = recv(fd, buffer, sizeof buffer, 0);
        if (n == 0)
            return ending;
        if (n < 0) {
            ending.error = errno;
            return ending;
        }
        ending.bytes.append(buffer, static_cast<size_t>(n));
    }
}

std::string pattern(size_t size, unsigned seed) {
    std::string bytes(size, '\0');
    uint32_t state = seed * 2654435761u + 1;
    for (char& byte : bytes) {
        state = state * 1103515245u + 12345u;
        byte = static_cast<char>(state >> 16);
    }
    return bytes;
}

PortMapping tcp_mapping(uint16_t guest_port) {
    return {TransportProtocol::Tcp, loopback, 0, guest_port};
}

PortMapping udp_mapping(uint16_t guest_port) {
    return {TransportProtocol::Udp, loopback, 0, guest_port};
}

PortProxySettings to_loopback() {
    PortProxySettings settings;
    settings.guest_address = loopback;
    return settings;
}

template <typename Condition> bool eventually(Condition condition) {
    for (int i = 0; i < 500; ++i) {
        if (condition())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

TEST(PortProxy, CopiesBothWaysAndPassesTheClientsEndOn) {
    OwnedFd guest = listen_on_loopback();
    PortProxy proxy({tcp_mapping(port_of(guest.get()))}, to_loopback());
    std::string request = pattern(3 << 20, 1);
    std::string response = pattern(5 << 20, 2);
    std::string received_by_guest;
    std::thread server([&] {
        OwnedFd connection = accept_from(guest.get());
        // Reads to the end first: only the client's half-close, passed on, ends this read.
        received_by_guest = receive_to_end(connection.get()).bytes;
        send_all(connection.get(), response);
    });
    OwnedFd client = connect_to(proxy.bound_port(0));
    ASSERT_TRUE(send_all(client.get(), request));
    shutdown(client.get(), SHUT_WR);
    Ending answer = receive_to_end(client.get());
    server.join();
    EXPECT_EQ(answer.error, 0);
    EXPECT_TRUE(received_by_guest == request) << received_by_guest.size();
    EXPECT_TRUE(answer.bytes == response) << answer.bytes.size();
    EXPECT_TRUE(eventually([&] { return proxy.open_connections() == 0; }));
}

TEST(PortProxy, PassesTheGuestsEndOnWhileTheClientKeepsSending) {
    OwnedFd guest = listen_on_loopback();
    PortProxy proxy({tcp_mapping(port_of(guest.get()))}, to_loopback());
    std::string after_end;
    std::thread server([&] {
        OwnedFd connection = accept_from(guest.get());
        send_all(connection.get(), "banner");
        shutdown(connection.get(), SHUT_WR);
        after_end = receive_to_end(connection.get()).bytes;
    });
    OwnedFd client = connect_to(proxy.bound_port(0));
    Ending greeting = receive_to_end(client.get());
    EXPECT_EQ(greeting.bytes, "banner");
    EXPECT_EQ(greeting.error, 0);
    EXPECT_TRUE(send_all(client.get(), "still talking"));
    shutdown(client.get(), SHUT_WR);
    server.join();
    EXPECT_EQ(after_end, "still talking");
    EXPECT_TRUE(eventually([&] { return proxy.open_connections() == 0; }));
}

TEST(PortProxy, ManyConcurrentConnections) {
    constexpr int count = 400;
    OwnedFd guest = listen_on_loopback();
    PortProxy proxy({tcp_mapping(port_of(guest.get()))}, to_loopback());
    std::vector<OwnedFd> served;
    std::thread server([&] {
        for (int i = 0; i < count; ++i) {
            OwnedFd connection = accept_from(guest.get());
            std::string question = receive_exactly(connection.get(), 4);
            if (question.size() == 4) {
                uint32_t value;
                std::memcpy(&value, question.data(), 4);
                value = value * 3 + 1;
                send_all(connection.get(), std::string(reinterpret_cast<char*>(&value), 4));
            }
            served.push_back(std::move(connection)); // all stay open at once
        }
    });
    std::vector<OwnedFd> clients;
    for (uint32_t i = 0; i < count; ++i) {
        clients.push_back(connect_to(proxy.bound_port(0)));
        ASSERT_TRUE(send_all(clients.back().get(), std::string(reinterpret_cast<char*>(&i), 4)));
    }
    for (uint32_t i = 0; i < count; ++i) {
        std::string answer = receive_exactly(clients[i].get(), 4);
        ASSERT_EQ(answer.size(), 4u) << i;
        uint32_t value;
        std::memcpy(&value, answer.data(), 4);
        EXPECT_EQ(value, i * 3 + 1);
    }
    server.join();
    EXPECT_EQ(proxy.open_connections(), static_cast<size_t>(count));
    clients.clear();
    served.clear();
    EXPECT_TRUE(eventually([&] { return proxy.open_connections() == 0; }))
        << proxy.open_connections();
}

TEST(PortProxy, RefusingGuestClosesTheClient) {
    uint16_t closed_port;
    {
        OwnedFd unused = listen_on_loopback();
        closed_port = port_of(unused.get());
    }
    PortProxy proxy({tcp_mapping(closed_port)}, to_loopback());
    OwnedFd client = connect_to(proxy.bound_port(0));
    Ending ending = receive_to_end(client.get());
    EXPECT_EQ(ending.bytes, "");
    EXPECT_TRUE(ending.error == 0 || ending.error == ECONNRESET) << strerror(ending.error);
    EXPECT_TRUE(eventually([&] { return proxy.open_connections() == 0; }));
}

TEST(PortProxy, GuestResetReachesTheClientAsReset) {
    OwnedFd guest = listen_on_loopback();
    PortProxy proxy({tcp_mapping(port_of(guest.get()))}, to_loopback());
    std::thread server([&] {
        OwnedFd connection = accept_from(guest.get());
        receive_exactly(connection.get(), 5);
        linger abort{1, 0};
        setsockopt(connection.get(), SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    });
    OwnedFd client = connect_to(proxy.bound_port(0));
    ASSERT_TRUE(send_all(client.get(), "hello"));
    server.join();
    Ending ending = receive_to_end(client.get());
    EXPECT_EQ(ending.error, ECONNRESET) << strerror(ending.error);
}

TEST(PortProxy, StoppingClosesOpenConnections) {
    OwnedFd guest = listen_on_loopback();
    OwnedFd client;
    OwnedFd connection;
    {
        PortProxy proxy({tcp_mapping(port_of(guest.get()))}, to_loopback());
        client = connect_to(proxy.bound_port(0));
        connection = accept_from(guest.get());
        ASSERT_TRUE(connection);
        ASSERT_TRUE(send_all(client.get(), "ping"));
        EXPECT_EQ(receive_exactly(connection.get(), 4), "ping");
    }
    Ending at_client = receive_to_end(client.get());
    Ending at_guest = receive_to_end(connection.get());
    EXPECT_EQ(at_client.bytes, "");
    EXPECT_EQ(at_guest.bytes, "");
}

TEST(PortProxy, HostPortInUseIsOneClearError) {
    OwnedFd taken = listen_on_loopback();
    PortMapping mapping{TransportProtocol::Tcp, loopback, port_of(taken.get()), 80};
    try {
        PortProxy proxy({mapping}, to_loopback());
        ADD_FAILURE() << "bound a port in use";
    } catch (const UserError& error) {
        EXPECT_EQ(std::string(error.what()),
                  fmt::format("cannot publish 127.0.0.1:{}/tcp: the port is already in use on "
                              "the host",
                              mapping.host_port));
    }
}

TEST(PortProxy, AddressNotOfThisHostIsOneClearError) {
    PortMapping mapping{TransportProtocol::Udp, 0xc0000201, 0, 53}; // 192.0.2.1, TEST-NET-1
    try {
        PortProxy proxy({mapping}, to_loopback());
        ADD_FAILURE() << "bound a foreign address";
    } catch (const UserError& error) {
        EXPECT_EQ(std::string(error.what()),
                  "cannot publish 192.0.2.1:0/udp: 192.0.2.1 is not an address of this host");
    }
}

// A UDP "guest" answering each datagram with "<source port>:<datagram>".
class UdpEchoGuest {
public:
    UdpEchoGuest() : m_socket(make_socket(SOCK_DGRAM)) {
        sockaddr_in address = loopback_address(0);
        bind(m_socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address);
        timeval short_timeout{0, 100'000};
        setsockopt(m_socket.get(), SOL_SOCKET, SO_RCVTIMEO, &short_timeout, sizeof short_timeout);
        m_thread = std::thread([this] {
            while (!m_stop) {
                char buffer[65536];
                sockaddr_in peer{};
                socklen_t length = sizeof peer;
                ssize_t n = recvfrom(m_socket.get(), buffer, sizeof buffer, 0,
                                     reinterpret_cast<sockaddr*>(&peer), &length);
                if (n < 0)
                    continue;
                std::string answer = fmt::format("{}:", ntohs(peer.sin_port)) +
                                     std::string(buffer, static_cast<size_t>(n));
                sendto(m_socket.get(), answer.data(), answer.size(), 0,
                       reinterpret_cast<sockaddr*>(&peer), length);
            }
        });
    }
    ~UdpEchoGuest() {
        m_stop = true;
        m_thread.join();
    }
    uint16_t port() const { return port_of(m_socket.get()); }

private:
    OwnedFd m_socket;
    std::atomic<bool> m_stop = false;
    std::thread m_thread;
};

struct UdpClient {
    OwnedFd socket = make_socket(SOCK_DGRAM);

    // The guest's answer: "<the flow's port>:<datagram>"; empty on timeout.
    std::string ask(uint16_t port, const std::string& datagram) {
        sockaddr_in address = loopback_address(port);
        sendto(socket.get(), datagram.data(), datagram.size(), 0,
               reinterpret_cast<sockaddr*>(&address), sizeof address);
        char buffer[65536];
        sockaddr_in from{};
        socklen_t length = sizeof from;
        ssize_t n = recvfrom(socket.get(), buffer, sizeof buffer, 0,
                             reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0)
            return "";
        EXPECT_EQ(ntohs(from.sin_port), port) << "the answer must come from the published port";
        return std::string(buffer, static_cast<size_t>(n));
    }
};

std::string flow_port(const std::string& answer) {
    return answer.substr(0, answer.find(':'));
}

TEST(PortProxy, UdpFlowPerClientAnswersComeBack) {
    UdpEchoGuest guest;
    PortProxy proxy({udp_mapping(guest.port())}, to_loopback());
    UdpClient first, second;
    std::string a1 = first.ask(proxy.bound_port(0), "one");
    std::string b1 = second.ask(proxy.bound_port(0), "two");
    std::string a2 = first.ask(proxy.bound_port(0), std::string(60000, 'x'));
    ASSERT_NE(a1, "");
    ASSERT_NE(b1, "");
    EXPECT_EQ(a1.substr(a1.find(':')), ":one");
    EXPECT_EQ(b1.substr(b1.find(':')), ":two");
    EXPECT_EQ(a2.size(), flow_port(a2).size() + 1 + 60000);
    EXPECT_EQ(flow_port(a1), flow_port(a2)) << "one client, one flow";
    EXPECT_NE(flow_port(a1), flow_port(b1)) << "each client its own flow";
    EXPECT_EQ(proxy.open_flows(), 2u);
    EXPECT_EQ(first.ask(proxy.bound_port(0), "").substr(flow_port(a1).size()), ":");
}

TEST(PortProxy, IdleUdpFlowsClose) {
    UdpEchoGuest guest;
    PortProxySettings settings = to_loopback();
    settings.udp_idle_timeout = std::chrono::milliseconds(200);
    PortProxy proxy({udp_mapping(guest.port())}, settings);
    UdpClient client;
    std::string before = client.ask(proxy.bound_port(0), "a");
    ASSERT_NE(before, "");
    EXPECT_EQ(proxy.open_flows(), 1u);
    EXPECT_TRUE(eventually([&] { return proxy.open_flows() == 0; }));
    std::string after = client.ask(proxy.bound_port(0), "b");
    EXPECT_EQ(after.substr(after.find(':')), ":b");
    EXPECT_EQ(proxy.open_flows(), 1u);
}

TEST(PortProxy, TcpAndUdpSidebySide) {
    OwnedFd tcp_guest = listen_on_loopback();
    UdpEchoGuest udp_guest;
    PortProxy proxy({tcp_mapping(port_of(tcp_guest.get())), udp_mapping(udp_guest.port())},
                    to_loopback());
    std::thread server([&] {
        OwnedFd connection = accept_from(tcp_guest.get());
        send_all(connection.get(), receive_exactly(connection.get(), 3));
    });
    OwnedFd client = connect_to(proxy.bound_port(0));
    ASSERT_TRUE(send_all(client.get(), "abc"));
    EXPECT_EQ(receive_exactly(client.get(), 3), "abc");
    server.join();
    UdpClient udp;
    std::string answer = udp.ask(proxy.bound_port(1), "d");
    EXPECT_EQ(answer.substr(answer.find(':')), ":d");
}

// ---- The host's IPv6 side: clients from ::1, the guest still reached over IPv4.

sockaddr_in6 loopback6_address(uint16_t port) {
    sockaddr_in6 address{};
    address.sin6_family = AF_INET6;
    address.sin6_addr = in6addr_loopback;
    address.sin6_port = htons(port);
    return address;
}

OwnedFd make_socket6(int type) {
    OwnedFd socket(::socket(AF_INET6, type | SOCK_CLOEXEC, 0));
    timeval timeout{10, 0};
    setsockopt(socket.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    setsockopt(socket.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    return socket;
}

// Whether this host (or the test's network namespace) has ::1 to test with.
bool has_ipv6_loopback() {
    OwnedFd socket(::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in6 address = loopback6_address(0);
    return socket && bind(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
}

// 0 when connected, else the errno of connect(2).
int connect6(int socket, uint16_t port) {
    sockaddr_in6 address = loopback6_address(port);
    return connect(socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 ? 0 : errno;
}

// Sends one byte through `client` and has the guest echo it.
void expect_echo_through(int client, int guest_listener) {
    std::thread server([&] {
        OwnedFd connection = accept_from(guest_listener);
        send_all(connection.get(), receive_exactly(connection.get(), 1));
    });
    EXPECT_TRUE(send_all(client, "x"));
    EXPECT_EQ(receive_exactly(client, 1), "x");
    server.join();
}

PortMapping dual_stack(TransportProtocol protocol, uint16_t guest_port) {
    PortMapping mapping{protocol, 0, 0, guest_port};
    mapping.family = HostFamily::Both;
    return mapping;
}

TEST(PortProxy, UnaddressedMappingListensOnBothFamiliesOnOnePort) {
    if (!has_ipv6_loopback())
        GTEST_SKIP() << "no ::1 here (IPv6 is disabled)";
    OwnedFd guest = listen_on_loopback();
    PortProxy proxy({dual_stack(TransportProtocol::Tcp, port_of(guest.get()))}, to_loopback());
    OwnedFd over_ipv4 = connect_to(proxy.bound_port(0));
    expect_echo_through(over_ipv4.get(), guest.get());
    OwnedFd over_ipv6 = make_socket6(SOCK_STREAM);
    ASSERT_EQ(connect6(over_ipv6.get(), proxy.bound_port(0)), 0) << strerror(errno);
    expect_echo_through(over_ipv6.get(), guest.get());
}

TEST(PortProxy, Ipv6AddressedMappingRefusesIpv4Clients) {
    if (!has_ipv6_loopback())
        GTEST_SKIP() << "no ::1 here (IPv6 is disabled)";
    OwnedFd guest = listen_on_loopback();
    PortMapping mapping{TransportProtocol::Tcp, 0, 0, port_of(guest.get())};
    mapping.family = HostFamily::Ipv6;
    mapping.host_address6 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    PortProxy proxy({mapping}, to_loopback());
    OwnedFd over_ipv6 = make_socket6(SOCK_STREAM);
    ASSERT_EQ(connect6(over_ipv6.get(), proxy.bound_port(0)), 0);
    expect_echo_through(over_ipv6.get(), guest.get());
    OwnedFd over_ipv4 = make_socket(SOCK_STREAM);
    sockaddr_in address = loopback_address(proxy.bound_port(0));
    EXPECT_NE(connect(over_ipv4.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(errno, ECONNREFUSED);
}

TEST(PortProxy, Ipv6PortInUseIsOneClearError) {
    if (!has_ipv6_loopback())
        GTEST_SKIP() << "no ::1 here (IPv6 is disabled)";
    OwnedFd taken = make_socket6(SOCK_STREAM);
    sockaddr_in6 address = loopback6_address(0);
    ASSERT_EQ(bind(taken.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(listen(taken.get(), 1), 0);
    PortMapping mapping = dual_stack(TransportProtocol::Tcp, 80);
    mapping.host_port = port_of(taken.get());
    try {
        PortProxy proxy({mapping}, to_loopback());
        ADD_FAILURE() << "bound a port in use";
    } catch (const UserError& error) {
        EXPECT_EQ(std::string(error.what()),
                  fmt::format("cannot publish *:{}/tcp: the port is already in use on the host",
                              mapping.host_port));
    }
}

struct UdpClient6 {
    OwnedFd socket = make_socket6(SOCK_DGRAM);

    // As UdpClient::ask, to [::1]:port.
    std::string ask(uint16_t port, const std::string& datagram) {
        sockaddr_in6 address = loopback6_address(port);
        sendto(socket.get(), datagram.data(), datagram.size(), 0,
               reinterpret_cast<sockaddr*>(&address), sizeof address);
        char buffer[65536];
        sockaddr_in6 from{};
        socklen_t length = sizeof from;
        ssize_t n = recvfrom(socket.get(), buffer, sizeof buffer, 0,
                             reinterpret_cast<sockaddr*>(&from), &length);
        if (n < 0)
            return "";
        EXPECT_EQ(from.sin6_family, AF_INET6);
        EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&from.sin6_addr)) << "the answer must come from ::1";
        EXPECT_EQ(ntohs(from.sin6_port), port) << "the answer must come from the published port";
        return std::string(buffer, static_cast<size_t>(n));
    }
};

TEST(PortProxy, UdpFlowPerIpv6ClientAnswersComeBackToIt) {
    if (!has_ipv6_loopback())
        GTEST_SKIP() << "no ::1 here (IPv6 is disabled)";
    UdpEchoGuest guest;
    PortProxy proxy({dual_stack(TransportProtocol::Udp, guest.port())}, to_loopback());
    UdpClient6 first, second;
    UdpClient over_ipv4;
    std::string a1 = first.ask(proxy.bound_port(0), "one");
    std::string b1 = second.ask(proxy.bound_port(0), "two");
    std::string c1 = over_ipv4.ask(proxy.bound_port(0), "three");
    std::string a2 = first.ask(proxy.bound_port(0), "four");
    ASSERT_NE(a1, "");
    ASSERT_NE(b1, "");
    ASSERT_NE(c1, "");
    EXPECT_EQ(a1.substr(a1.find(':')), ":one");
    EXPECT_EQ(b1.substr(b1.find(':')), ":two");
    EXPECT_EQ(c1.substr(c1.find(':')), ":three");
    EXPECT_EQ(a2.substr(a2.find(':')), ":four");
    EXPECT_EQ(flow_port(a1), flow_port(a2)) << "one IPv6 client, one flow";
    EXPECT_NE(flow_port(a1), flow_port(b1)) << "each IPv6 client its own flow";
    EXPECT_NE(flow_port(a1), flow_port(c1));
    EXPECT_NE(flow_port(b1), flow_port(c1));
    EXPECT_EQ(proxy.open_flows(), 3u);
}

} // namespace
} // namespace ingot
