// Many concurrent HTTP/1.1 keep-alive clients, for the "concurrent connections" tests.
//   http_crowd HOST PORT CONNECTIONS [--rounds N] [--sources ADDR,...] [--timeout SECONDS]
//   (HOST and ADDRs numeric IPv4; N default 2; SECONDS default 60)
// Opens CONNECTIONS connections and waits until every one is established, so they are all
// open at once; then, N rounds, sends "GET /" on every connection and reads every answer (one
// connection, one request at a time, reused: keep-alive). While all are still open it asks
// /stats on one more connection and prints the server's connections_open and its memory in
// use. Then closes all. One source address has about 28,000 ephemeral ports towards one
// server port; --sources spreads the connections over several (each takes connection i when
// i modulo their count is its place in the list), so that 100,000 can be open at once.
// Where the descriptor limit cannot rise that far, the connections are shared among worker
// processes that go through each phase (connect, each round, close) together.
// Prints a summary; exits 0 only when every connection was established and every answer was a
// complete 200. Gives up after SECONDS.
#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

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
    static constexpr std::size_t in_flight_limit = 512;

    // Clients number `first` on; a client's number picks its source address.
    Crowd(sockaddr_in server, std::size_t first, std::size_t size, std::vector<in_addr> sources,
          std::chrono::seconds give_up_after)
        : server_(server), first_(first), clients_(size), sources_(std::move(sources)) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        deadline_ = Clock::now() + give_up_after;
    }

    // Opens every connection, at most `in_flight_limit` handshakes at a time, as a load
    // generator ramps up: a burst of 100,000 SYNs would overflow any backlog, and the
    // retransmitted SYNs would come back in bursts that overflow it again until the client
    // gives up on them. Returns how many are established.
    std::size_t connect_all() {
        std::size_t next = 0, in_flight = 0, finished = 0;
        auto start_more = [&] {
            while (next < clients_.size() && in_flight < in_flight_limit) {
                if (start_connect(next++))
                    ++in_flight;
                else
                    ++finished;
            }
        };
        start_more();
        std::vector<epoll_event> events(1024);
        while (finished < clients_.size() && !timed_out()) {
            int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
            for (int i = 0; i < n; ++i) {
                Client& c = clients_[events[i].data.u64];
                if (c.connected || c.failed)
                    continue;
                int error = 0;
                socklen_t size = sizeof error;
                getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &size);
                (error == 0 ? c.connected : c.failed) = true;
                rewatch(events[i].data.u64, 0);
                --in_flight;
                ++finished;
            }
            start_more();
        }
        std::size_t connected = 0;
        for (Client& c : clients_)
            connected += c.connected && !c.failed;
        return connected;
    }

    // One GET / on every established connection, at most `in_flight_limit` at a time (a burst
    // of 100,000 requests would mostly be lost in the guest's full receive ring, and then come
    // back by retransmission timeouts); the number answered 200 in full.
    std::size_t request_round() {
        for (std::size_t i = 0; i < clients_.size(); ++i) {
            Client& c = clients_[i];
            c.request = "GET / HTTP/1.1\r\nHost: crowd\r\n\r\n";
            c.sent = 0;
            c.response.clear();
            c.answered = false;
        }
        run(
            EPOLLOUT | EPOLLIN, [](Client& c) { return c.answered || c.failed; },
            [this](std::size_t index, Client& c, std::uint32_t events) {
                if ((events & EPOLLOUT) && c.sent < c.request.size()) {
                    ssize_t n = send(c.fd, c.request.data() + c.sent, c.request.size() - c.sent,
                                     MSG_NOSIGNAL);
                    if (n < 0 && errno != EAGAIN) {
                        c.failed = true;
                        return;
                    }
                    if (n > 0)
                        c.sent += static_cast<std::size_t>(n);
                    // Sent: from now on only the answer, or a level-triggered EPOLLOUT would
                    // report every client on every wait.
                    if (c.sent == c.request.size())
                        rewatch(index, EPOLLIN);
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
    // A non-blocking connect for client `index`, watched for its end; false when it failed
    // at once.
    bool start_connect(std::size_t index) {
        Client& c = clients_[index];
        c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            std::fprintf(stderr, "http_crowd: socket: %s\n", std::strerror(errno));
            c.failed = true;
            return false;
        }
        if (!sources_.empty() && !bind_source(c.fd, sources_[(first_ + index) % sources_.size()])) {
            std::fprintf(stderr, "http_crowd: bind: %s\n", std::strerror(errno));
            c.failed = true;
            return false;
        }
        int r = connect(c.fd, reinterpret_cast<const sockaddr*>(&server_), sizeof server_);
        if (r < 0 && errno != EINPROGRESS) {
            std::fprintf(stderr, "http_crowd: connect: %s\n", std::strerror(errno));
            c.failed = true;
            return false;
        }
        watch(index, EPOLLOUT);
        return true;
    }

    // The port is left to connect (IP_BIND_ADDRESS_NO_PORT), which needs only the 4-tuple to
    // be unused, rather than to bind, which would want a port free on the address.
    static bool bind_source(int fd, in_addr source) {
        int one = 1;
        setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr = source;
        return bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0;
    }

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

    // Watches clients for `events`, at most `in_flight_limit` at a time, until each is done.
    // Counts what is left rather than looking at every client after each wait: with 100,000
    // clients that look would cost more than the work.
    template <typename Done, typename Handle>
    void run(std::uint32_t events_wanted, Done done, Handle handle) {
        std::vector<epoll_event> events(1024);
        std::size_t left = 0, next = 0, in_flight = 0;
        for (Client& c : clients_)
            left += done(c) ? 0 : 1;
        auto start_more = [&] {
            while (next < clients_.size() && in_flight < in_flight_limit) {
                std::size_t index = next++;
                if (done(clients_[index]))
                    continue;
                rewatch(index, events_wanted);
                ++in_flight;
            }
        };
        start_more();
        while (left > 0 && !timed_out()) {
            int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
            for (int i = 0; i < n; ++i) {
                Client& c = clients_[events[i].data.u64];
                if (done(c))
                    continue;
                handle(events[i].data.u64, c, events[i].events);
                if (done(c)) {
                    rewatch(events[i].data.u64, 0);
                    --left;
                    --in_flight;
                }
            }
            start_more();
        }
    }

    sockaddr_in server_;
    std::size_t first_;
    std::vector<Client> clients_;
    std::vector<in_addr> sources_;
    int epoll_;
    Clock::time_point deadline_;
};

// A figure the server reports at /stats, or -1.
long long stats_figure(const std::string& body, std::string_view name) {
    std::size_t at = body.find(std::string(name) + " ");
    return at == std::string::npos ? -1 : std::atoll(body.c_str() + at + name.size() + 1);
}

// The body of the server's /stats, or empty.
std::string server_stats(sockaddr_in server) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    if (connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) < 0) {
        close(fd);
        return {};
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
        return {};
    return body;
}

// "A,B,C" as addresses; false when one is not numeric IPv4.
bool parse_sources(std::string_view text, std::vector<in_addr>& sources) {
    while (!text.empty()) {
        std::size_t comma = text.find(',');
        std::string one(text.substr(0, comma));
        in_addr address{};
        if (inet_pton(AF_INET, one.c_str(), &address) != 1)
            return false;
        sources.push_back(address);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return !sources.empty();
}

// A worker process holding a share of the connections. It reports how many it established,
// then how many were answered each round, and waits for the go-ahead between phases.
struct Worker {
    pid_t pid = -1;
    int reports = -1; // from the worker: one count per phase
    int orders = -1;  // to the worker: 1 to go on, 0 to close everything and exit
};

// A worker that died shows as a phase it did not report; SIGPIPE is ignored for that.
void send_value(int fd, std::size_t value) {
    (void)!write(fd, &value, sizeof value);
}

bool receive_value(int fd, std::size_t& value) {
    return read(fd, &value, sizeof value) == sizeof value;
}

Worker start_worker(sockaddr_in server, std::size_t first, std::size_t count,
                    const std::vector<in_addr>& sources, long timeout, int rounds) {
    int reports[2], orders[2];
    Worker worker;
    if (pipe2(reports, O_CLOEXEC) < 0 || pipe2(orders, O_CLOEXEC) < 0)
        return worker;
    std::fflush(stdout);
    worker.pid = fork();
    if (worker.pid == 0) {
        close(reports[0]);
        close(orders[1]);
        Crowd crowd(server, first, count, sources, std::chrono::seconds(timeout));
        send_value(reports[1], crowd.connect_all());
        std::size_t order = 0;
        for (int round = 1; round <= rounds; ++round) {
            if (!receive_value(orders[0], order) || order == 0)
                std::_Exit(0);
            send_value(reports[1], crowd.request_round());
        }
        receive_value(orders[0], order);
        std::_Exit(0);
    }
    close(reports[1]);
    close(orders[0]);
    worker.reports = reports[0];
    worker.orders = orders[1];
    return worker;
}

// The sum of every worker's report for this phase.
std::size_t gather(const std::vector<Worker>& team) {
    std::size_t total = 0;
    for (const Worker& worker : team) {
        std::size_t value = 0;
        if (receive_value(worker.reports, value))
            total += value;
    }
    return total;
}

void release(const std::vector<Worker>& team, bool go_on) {
    for (const Worker& worker : team)
        send_value(worker.orders, go_on ? 1 : 0);
}

} // namespace

int main(int argc, char** argv) {
    auto usage = [] {
        std::fprintf(stderr, "usage: http_crowd HOST PORT CONNECTIONS [--rounds N] "
                             "[--sources ADDR,...] [--timeout SECONDS]\n");
        return 2;
    };
    if (argc < 4)
        return usage();
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(static_cast<std::uint16_t>(std::atoi(argv[2])));
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1) {
        std::fprintf(stderr, "http_crowd: '%s' is not a numeric IPv4 address\n", argv[1]);
        return 2;
    }
    std::size_t size = std::strtoul(argv[3], nullptr, 10);
    int rounds = 2;
    long timeout = 60;
    std::vector<in_addr> sources;
    for (int index = 4; index < argc; index += 2) {
        std::string_view option = argv[index];
        if (index + 1 >= argc)
            return usage();
        if (option == "--rounds")
            rounds = std::atoi(argv[index + 1]);
        else if (option == "--timeout")
            timeout = std::atol(argv[index + 1]);
        else if (option != "--sources" || !parse_sources(argv[index + 1], sources))
            return usage();
    }
    // A descriptor per connection and a few more: as root the hard limit may rise too.
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    rlim_t wanted = static_cast<rlim_t>(size) + 64;
    if (limit.rlim_max < wanted)
        limit.rlim_max = wanted;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
        getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }

    std::signal(SIGPIPE, SIG_IGN);
    // Each worker holds what its descriptors allow.
    getrlimit(RLIMIT_NOFILE, &limit);
    std::size_t share = limit.rlim_cur > 128 ? static_cast<std::size_t>(limit.rlim_cur) - 64 : 64;
    std::size_t workers = (size + share - 1) / share;
    if (workers == 0)
        workers = 1;
    share = (size + workers - 1) / workers;
    std::vector<Worker> team;
    for (std::size_t index = 0; index < workers; ++index) {
        std::size_t first = index * share;
        std::size_t count = first < size ? std::min(share, size - first) : 0;
        team.push_back(start_worker(server, first, count, sources, timeout, rounds));
        if (team.back().pid < 0) {
            std::fprintf(stderr, "http_crowd: fork: %s\n", std::strerror(errno));
            return 1;
        }
    }

    auto started = Clock::now();
    auto seconds = [&] { return std::chrono::duration<double>(Clock::now() - started).count(); };
    std::size_t connected = gather(team);
    std::printf("http_crowd: %zu of %zu connections established at once (%.1f s)\n", connected,
                size, seconds());
    bool ok = connected == size;
    for (int round = 1; round <= rounds && ok; ++round) {
        release(team, true);
        std::size_t answered = gather(team);
        std::printf("http_crowd: round %d: %zu of %zu answered 200 (%.1f s)\n", round, answered,
                    size, seconds());
        ok = answered == size;
    }
    if (ok) {
        std::string stats = server_stats(server);
        std::printf("http_crowd: server reports connections_open %lld\n",
                    stats_figure(stats, "connections_open"));
        std::printf("http_crowd: server reports system_memory_in_use_bytes %lld\n",
                    stats_figure(stats, "system_memory_in_use_bytes"));
        std::printf("http_crowd: server reports heap_in_use_bytes %lld\n",
                    stats_figure(stats, "heap_in_use_bytes"));
    }
    release(team, false);
    for (Worker& worker : team)
        waitpid(worker.pid, nullptr, 0);
    if (!ok && seconds() >= static_cast<double>(timeout))
        std::printf("http_crowd: gave up after %ld s\n", timeout);
    std::fflush(stdout);
    return ok ? 0 : 1;
}
