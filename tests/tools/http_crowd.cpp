// Many concurrent HTTP/1.1 keep-alive clients, for the "1,000 concurrent connections" test.
//   http_crowd HOST PORT CONNECTIONS [--rounds N]        (HOST: numeric IPv4, N default 2)
// Opens CONNECTIONS connections and waits until every one is established, so they are all
// open at once; then, N rounds, sends "GET /" on every connection and reads every answer (one
// connection, one request at a time, reused: keep-alive). While all are still open it asks
// /stats on one more connection and prints the server's connections_open. Then closes all.
// Prints a summary; exits 0 only when every connection was established and every answer was a
// complete 200. Gives up after 60 s.
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto give_up_after = std::chrono::seconds(60);

struct Client {
    int fd = -1;
    bool connected = false;
    bool failed = false;
    std::string request;
    std::size_t sent = 0;
    std::string response;
    bool answered = false;
};

// A complete response in `data`: its status, or 0 while incomplete, or -1 when malformed.
int parse_response(const std::string& data, std::string* body = nullptr) {
    std::size_t head_end = data.find("\r\n\r\n");
    if (head_end == std::string::npos)
        return 0;
    if (data.compare(0, 9, "HTTP/1.1 ") != 0 || data.size() < 12)
        return -1;
    int status = std::atoi(data.c_str() + 9);
    std::string head = data.substr(0, head_end);
    for (char& c : head)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t length_at = head.find("\r\ncontent-length:");
    if (length_at == std::string::npos)
        return -1;
    std::size_t length = std::strtoul(head.c_str() + length_at + 17, nullptr, 10);
    if (data.size() < head_end + 4 + length)
        return 0;
    if (data.size() > head_end + 4 + length)
        return -1; // more than one answer to one request
    if (body)
        *body = data.substr(head_end + 4);
    return status;
}

class Crowd {
public:
    Crowd(sockaddr_in server, std::size_t size) : server_(server), clients_(size) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        deadline_ = Clock::now() + give_up_after;
    }

    std::size_t connect_all() {
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            Client& c = clients_[i];
            c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (c.fd < 0) {
                std::fprintf(stderr, "http_crowd: socket: %s\n", std::strerror(errno));
                c.failed = true;
                continue;
            }
            int r = connect(c.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_);
            if (r < 0 && errno != EINPROGRESS) {
                c.failed = true;
                continue;
            }
            watch(i, EPOLLOUT);
        }
        run([](Client& c) { return c.connected || c.failed; },
            [](Client& c, std::uint32_t) {
                int error = 0;
                socklen_t size = sizeof error;
                getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
                (error == 0 ? c.connected : c.failed) = true;
            });
        std::size_t connected = 0;
        for (Client& c : clients_)
            connected += c.connected && !c.failed;
        return connected;
    }

    // One GET / on every established connection; the number answered 200 in full.
    std::size_t request_round() {
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            Client& c = clients_[i];
            c.request = "GET / HTTP/1.1\r\nHost: crowd\r\n\r\n";
            c.sent = 0;
            c.response.clear();
            c.answered = false;
            if (!c.failed)
                rewatch(i, EPOLLOUT | EPOLLIN);
        }
        run([](Client& c) { return c.answered || c.failed; },
            [](Client& c, std::uint32_t events) {
                if ((events & EPOLLOUT) && c.sent < c.request.size()) {
                    ssize_t n = send(c.fd, c.request.data() + c.sent, c.request.size() - c.sent,
                                     MSG_NOSIGNAL);
                    if (n < 0 && errno != EAGAIN) {
                        c.failed = true;
                        return;
                    }
                    if (n > 0)
                        c.sent += static_cast<std::size_t>(n);
                }
                if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                    char buffer[4096];
                    ssize_t n = read(c.fd, buffer, sizeof buffer);
                    if (n == 0 || (n < 0 && errno != EAGAIN)) {
                        c.failed = true;
                        return;
                    }
                    if (n > 0)
                        c.response.append(buffer, static_cast<std::size_t>(n));
                    int status = parse_response(c.response);
                    if (status == 200)
                        c.answered = true;
                    else if (status != 0)
                        c.failed = true;
                }
            });
        std::size_t answered = 0;
        for (Client& c : clients_)
            answered += c.answered && !c.failed;
        return answered;
    }

    bool timed_out() const { return Clock::now() > deadline_; }

private:
    void watch(std::size_t index, std::uint32_t events) {
        epoll_event event{};
        event.events = events;
        event.data.u64 = index;
        epoll_ctl(epoll_, EPOLL_CTL_ADD, clients_[index].fd, &event);
    }
    void rewatch(std::size_t index, std::uint32_t events) {
        epoll_event event{};
        event.events = events;
        event.data.u64 = index;
        epoll_ctl(epoll_, EPOLL_CTL_MOD, clients_[index].fd, &event);
    }

    template <typename Done, typename Handle> void run(Done done, Handle handle) {
        std::vector<epoll_event> events(256);
        for (;;) {
            bool all_done = true;
            for (Client& c : clients_)
                all_done = all_done && done(c);
            if (all_done || timed_out())
                return;
            int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
            for (int i = 0; i < n; ++i) {
                Client& c = clients_[events[i].data.u64];
                if (!done(c))
                    handle(c, events[i].events);
                if (done(c))
                    rewatch(events[i].data.u64, 0);
            }
        }
    }

    sockaddr_in server_;
    std::vector<Client> clients_;
    int epoll_;
    Clock::time_point deadline_;
};

// connections_open as the server reports it at /stats, or -1.
long server_connections_open(sockaddr_in server) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) < 0) {
        close(fd);
        return -1;
    }
    std::string_view request = "GET /stats HTTP/1.1\r\nHost: crowd\r\nConnection: close\r\n\r\n";
    send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string response, body;
    char buffer[4096];
    ssize_t n;
    while ((n = read(fd, buffer, sizeof buffer)) > 0)
        response.append(buffer, static_cast<std::size_t>(n));
    close(fd);
    if (parse_response(response, &body) != 200)
        return -1;
    std::size_t at = body.find("connections_open ");
    return at == std::string::npos ? -1 : std::atol(body.c_str() + at + 17);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 4 && !(argc == 6 && std::string_view(argv[4]) == "--rounds")) {
        std::fprintf(stderr, "usage: http_crowd HOST PORT CONNECTIONS [--rounds N]\n");
        return 2;
    }
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        std::fprintf(stderr, "http_crowd: '%s' is not a numeric IPv4 address\n", argv[1]);
        return 2;
    }
    std::size_t size = std::strtoul(argv[3], nullptr, 10);
    int rounds = argc == 6 ? std::atoi(argv[5]) : 2;
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);

    Crowd crowd(server, size);
    std::size_t connected = crowd.connect_all();
    std::printf("http_crowd: %zu of %zu connections established at once\n", connected, size);
    bool ok = connected == size;
    for (int round = 1; round <= rounds && ok; ++round) {
        std::size_t answered = crowd.request_round();
        std::printf("http_crowd: round %d: %zu of %zu answered 200\n", round, answered, size);
        ok = answered == size;
    }
    if (ok)
        std::printf("http_crowd: server reports connections_open %ld\n",
                    server_connections_open(server));
    if (crowd.timed_out())
        std::printf("http_crowd: gave up after %lld s\n",
                    static_cast<long long>(give_up_after.count()));
    std::fflush(stdout);
    return ok ? 0 : 1;
}
