// Bulk TCP transfer with a checksum, for the networking tests and benchmarks.
// Usage (HOST is a numeric IPv4 or IPv6 address; connect retries for 120 s while the server
// starts; listen takes both families on [::], or IPv4 alone without IPv6):
//   tcp_transfer listen PORT send BYTES [--count N]   serves N connections (1; 0 = forever)
//   tcp_transfer listen PORT receive [--count N]
//   tcp_transfer connect HOST PORT send BYTES
//   tcp_transfer connect HOST PORT receive
// With --counters last, each connection's line is followed by the kernel's TCP loss-recovery
// counters since boot, as /proc/net/snmp and /proc/net/netstat name them:
//   counters RetransSegs=N TCPSackRecovery=N ... (a counter the kernel does not show: -)
// The sender sends BYTES of a known pattern (64-bit word k is k * G + C, little-endian: a
// bijection, so no two words of a stream are equal and a misplaced block shows),
// half-closes, and waits (up to 60 s) for the receiver to close, so nothing is in flight when it
// exits.
// Both sides print one line per connection:
//   sent N bytes in S s (R MB/s) checksum fnv1a64w:HEX
//   received N bytes in S s (R MB/s) checksum fnv1a64w:HEX pattern ok   (or: pattern differs at K)
// fnv1a64w is FNV-1a 64 taken a little-endian 64-bit word at a time (then the last 0-7 bytes one
// at a time): as sensitive to order as FNV-1a, eight times fewer multiplications. The receiver
// also checks every byte against the pattern and exits 1 when one differs.
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <poll.h>
#include <sstream>
#include <string>
#include <string_view>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <utility>
#include <vector>

namespace {

constexpr std::size_t block_bytes = 256 * 1024; // a multiple of 8: blocks start word-aligned
constexpr int close_wait_seconds = 60;
constexpr std::uint64_t fnv_basis = 0xcbf29ce484222325ull;
constexpr std::uint64_t fnv_prime = 0x100000001b3ull;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "words are stored little-endian");

std::uint64_t pattern_word(std::uint64_t index) {
    return index * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
}

std::uint64_t load_le64(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}

void store_le64(unsigned char* p, std::uint64_t v) {
    std::memcpy(p, &v, 8);
}

// The pattern bytes of [offset, offset + size), offset a multiple of 8.
void fill_pattern(unsigned char* p, std::uint64_t offset, std::size_t size) {
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8)
        store_le64(p + i, pattern_word((offset + i) / 8));
    if (i < size) {
        unsigned char last[8];
        store_le64(last, pattern_word((offset + i) / 8));
        std::memcpy(p + i, last, size - i);
    }
}

// Checksum and pattern check over a stream fed in blocks that start word-aligned; only the
// last block may end mid-word.
class StreamCheck {
public:
    void add(const unsigned char* p, std::size_t size) {
        std::size_t i = 0;
        for (; i + 8 <= size; i += 8) {
            std::uint64_t word = load_le64(p + i);
            hash_ = (hash_ ^ word) * fnv_prime;
            if (word != pattern_word((offset_ + i) / 8))
                note_difference(p + i, 8, offset_ + i);
        }
        if (i < size) {
            unsigned char expected[8];
            store_le64(expected, pattern_word((offset_ + i) / 8));
            for (std::size_t j = i; j < size; ++j) {
                hash_ = (hash_ ^ p[j]) * fnv_prime;
                if (p[j] != expected[j - i] && !differs_)
                    differs_ = true, first_difference_ = offset_ + j;
            }
        }
        offset_ += size;
    }
    std::uint64_t hash() const { return hash_; }
    std::uint64_t bytes() const { return offset_; }
    bool differs() const { return differs_; }
    std::uint64_t first_difference() const { return first_difference_; }

private:
    void note_difference(const unsigned char* p, std::size_t size, std::uint64_t offset) {
        if (differs_)
            return;
        unsigned char expected[8];
        store_le64(expected, pattern_word(offset / 8));
        for (std::size_t j = 0; j < size; ++j)
            if (p[j] != expected[j]) {
                differs_ = true;
                first_difference_ = offset + j;
                return;
            }
    }

    std::uint64_t hash_ = fnv_basis;
    std::uint64_t offset_ = 0;
    bool differs_ = false;
    std::uint64_t first_difference_ = 0;
};

[[noreturn]] void die(const char* what) {
    std::fprintf(stderr, "tcp_transfer: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: tcp_transfer listen PORT send BYTES|receive [--count N] "
                         "[--counters]\n"
                         "       tcp_transfer connect HOST PORT send BYTES|receive [--counters]\n");
    std::exit(2);
}

bool parse_number(const char* text, std::uint64_t& value) {
    std::string_view s = text;
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string_view::npos)
        return false;
    value = std::strtoull(text, nullptr, 10);
    return true;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void report(const char* verb, const StreamCheck& check, double seconds, bool show_pattern) {
    double rate = seconds > 0 ? static_cast<double>(check.bytes()) / seconds / 1e6 : 0;
    std::printf("%s %" PRIu64 " bytes in %.3f s (%.1f MB/s) checksum fnv1a64w:%016" PRIx64, verb,
                check.bytes(), seconds, rate, check.hash());
    if (show_pattern) {
        if (check.differs())
            std::printf(" pattern differs at %" PRIu64, check.first_difference());
        else
            std::printf(" pattern ok");
    }
    std::printf("\n");
    std::fflush(stdout);
}

bool send_all(int fd, const unsigned char* p, std::size_t size) {
    while (size > 0) {
        ssize_t n = send(fd, p, size, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

// Sends `total` bytes of the pattern, half-closes, and waits for the peer's close.
bool send_stream(int fd, std::uint64_t total) {
    std::vector<unsigned char> block(block_bytes);
    StreamCheck check;
    auto start = std::chrono::steady_clock::now();
    for (std::uint64_t offset = 0; offset < total;) {
        std::size_t size =
            static_cast<std::size_t>(std::min<std::uint64_t>(block_bytes, total - offset));
        fill_pattern(block.data(), offset, size);
        check.add(block.data(), size);
        if (!send_all(fd, block.data(), size)) {
            std::fprintf(stderr, "tcp_transfer: send failed after %" PRIu64 " bytes: %s\n", offset,
                         std::strerror(errno));
            return false;
        }
        offset += size;
    }
    shutdown(fd, SHUT_WR);
    // The peer's close says every byte arrived: a guest that exited before would lose what is
    // still in flight. But a peer that is a guest may vanish with its last ACKs and FIN lost
    // (its VM stops when its program exits), so the wait is bounded and the receiver's report
    // decides whether the transfer was complete. The time reported ends at the peer's close,
    // else when the send queue was last seen empty (all acknowledged), else when sending ended.
    double sending_seconds = seconds_since(start);
    double finished_seconds = sending_seconds;
    bool closed = false, acknowledged = false;
    while (!closed && seconds_since(start) - sending_seconds < close_wait_seconds) {
        int queued = 0;
        if (!acknowledged && ioctl(fd, SIOCOUTQ, &queued) == 0 && queued == 0) {
            acknowledged = true;
            finished_seconds = seconds_since(start);
        }
        pollfd waiting = {fd, POLLIN, 0};
        if (poll(&waiting, 1, acknowledged ? 1000 : 10) <= 0)
            continue;
        unsigned char scratch[512];
        ssize_t n = read(fd, scratch, sizeof scratch);
        closed = n == 0 || (n < 0 && errno != EINTR);
        if (closed)
            finished_seconds = seconds_since(start);
    }
    report("sent", check, finished_seconds, false);
    if (!closed)
        std::fprintf(stderr, "tcp_transfer: the receiver's close was not seen within %d s\n",
                     close_wait_seconds);
    return true;
}

bool receive_stream(int fd) {
    std::vector<unsigned char> block(block_bytes);
    StreamCheck check;
    auto start = std::chrono::steady_clock::now();
    std::size_t filled = 0;
    for (;;) {
        ssize_t n = read(fd, block.data() + filled, block.size() - filled);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            std::fprintf(stderr, "tcp_transfer: read failed after %" PRIu64 " bytes: %s\n",
                         check.bytes() + filled, std::strerror(errno));
            return false;
        }
        filled += static_cast<std::size_t>(n);
        if (n == 0 || filled == block.size()) {
            check.add(block.data(), filled);
            filled = 0;
        }
        if (n == 0)
            break;
    }
    report("received", check, seconds_since(start), true);
    return !check.differs();
}

// The value named `name` in a /proc/net/snmp-style file: groups of a line of names and a line
// of values, both starting "Group:".
std::string counter(const char* path, const std::string& group, const std::string& name) {
    std::ifstream file(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(file, line);) // Linux's TcpExt names run past 3 KiB
        lines.push_back(line);
    auto words = [](const std::string& text) {
        std::istringstream stream(text);
        std::vector<std::string> split;
        for (std::string word; stream >> word;)
            split.push_back(word);
        return split;
    };
    for (std::size_t i = 0; i + 1 < lines.size(); i += 2) {
        auto names = words(lines[i]), values = words(lines[i + 1]);
        if (names.empty() || names[0] != group + ":")
            continue;
        for (std::size_t k = 1; k < names.size() && k < values.size(); ++k)
            if (names[k] == name)
                return values[k];
    }
    return "-";
}

void report_counters() {
    std::printf("counters RetransSegs=%s", counter("/proc/net/snmp", "Tcp", "RetransSegs").c_str());
    for (const char* name : {"TCPSackRecovery", "TCPRenoRecovery", "TCPTimeouts", "TCPLossProbes",
                             "TCPLossProbeRecovery", "TCPDSACKRecv"})
        std::printf(" %s=%s", name, counter("/proc/net/netstat", "TcpExt", name).c_str());
    std::printf("\n");
    std::fflush(stdout);
}

// The wildcard addresses of both families with `port`, for bind or to fill in for connect.
std::pair<sockaddr_in, sockaddr_in6> wildcards(std::uint64_t port) {
    sockaddr_in address4{};
    address4.sin_family = AF_INET;
    address4.sin_port = htons(static_cast<std::uint16_t>(port));
    sockaddr_in6 address6{};
    address6.sin6_family = AF_INET6;
    address6.sin6_port = address4.sin_port;
    return {address4, address6};
}

int connect_to(const char* host, std::uint64_t port) {
    auto [address4, address6] = wildcards(port);
    auto* address = reinterpret_cast<sockaddr*>(&address4);
    socklen_t address_size = sizeof address4;
    if (inet_pton(AF_INET, host, &address4.sin_addr) != 1) {
        if (inet_pton(AF_INET6, host, &address6.sin6_addr) != 1) {
            std::fprintf(stderr, "tcp_transfer: '%s' is not a numeric IPv4 or IPv6 address\n",
                         host);
            std::exit(2);
        }
        address = reinterpret_cast<sockaddr*>(&address6);
        address_size = sizeof address6;
    }
    auto start = std::chrono::steady_clock::now();
    for (;;) {
        int fd = socket(address->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            die("socket");
        if (connect(fd, address, address_size) == 0)
            return fd;
        int error = errno;
        close(fd);
        // The server may still be starting (a guest booting): try again for a while.
        bool transient = error == ECONNREFUSED || error == ENETUNREACH || error == EHOSTUNREACH ||
                         error == ETIMEDOUT || error == EINTR;
        if (!transient || seconds_since(start) > 120) {
            errno = error;
            die("connect");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

// On [::] for both families (IPV6_V6ONLY off), or 0.0.0.0 where the kernel has no IPv6.
int listen_on(std::uint64_t port) {
    int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
    bool ipv6 = fd >= 0;
    if (!ipv6 && errno == EAFNOSUPPORT)
        fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket");
    int one = 1, off = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    auto [address4, address6] = wildcards(port);
    if (ipv6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) < 0)
        die("setsockopt IPV6_V6ONLY");
    int bound = ipv6 ? bind(fd, reinterpret_cast<sockaddr*>(&address6), sizeof address6)
                     : bind(fd, reinterpret_cast<sockaddr*>(&address4), sizeof address4);
    if (bound < 0)
        die("bind");
    if (listen(fd, 16) < 0)
        die("listen");
    std::printf("tcp_transfer: listening on port %" PRIu64 "\n", port);
    std::fflush(stdout);
    return fd;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string_view> args(argv + 1, argv + argc);
    std::uint64_t count = 1;
    bool counters = !args.empty() && args.back() == "--counters";
    if (counters)
        args.pop_back();
    if (args.size() >= 2 && args[args.size() - 2] == "--count") {
        if (!parse_number(argv[args.size()], count))
            usage();
        args.resize(args.size() - 2);
    }
    bool listening = !args.empty() && args[0] == "listen";
    bool connecting = !args.empty() && args[0] == "connect";
    std::size_t direction_at = listening ? 2 : 3;
    if ((!listening && !connecting) || args.size() <= direction_at)
        usage();
    std::uint64_t port = 0;
    if (!parse_number(argv[1 + direction_at - 1], port) || port == 0 || port > 65535)
        usage();
    bool sending = args[direction_at] == "send";
    std::uint64_t bytes = 0;
    if (sending) {
        if (args.size() != direction_at + 2 || !parse_number(argv[1 + direction_at + 1], bytes))
            usage();
    } else if (args[direction_at] != "receive" || args.size() != direction_at + 1) {
        usage();
    }
    auto serve = [&](int fd) {
        bool ok = sending ? send_stream(fd, bytes) : receive_stream(fd);
        close(fd);
        if (counters)
            report_counters();
        return ok;
    };
    if (connecting)
        return serve(connect_to(argv[2], port)) ? 0 : 1;
    int listener = listen_on(port);
    bool all_ok = true;
    for (std::uint64_t served = 0; count == 0 || served < count; ++served) {
        int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            die("accept4");
        }
        all_ok = serve(fd) && all_ok;
    }
    return all_ok ? 0 : 1;
}
