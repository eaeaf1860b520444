// A user-space impairment relay between two tap devices, standing in for tc netem (which this
// kernel lacks): it forwards Ethernet frames both ways, drops a percentage of them and reorders
// some, from a seeded generator, so a run can be repeated.
//   lossy_link TAP_A TAP_B [--loss PERCENT] [--reorder PERCENT] [--seed N] [--black-hole MTU]
// --black-hole MTU drops every frame whose IP packet is longer than MTU bytes and says nothing
// (no ICMP): the path-MTU black hole of RFC 2923 2.1 that RFC 4821 probing must find.
// Reordering holds a frame back and sends it right after the next frame in the same direction
// (or after 20 ms when none comes). Runs until SIGINT or SIGTERM, then prints its counters.
// The taps may exist already (ip tuntap add ... mode tap): the relay attaches to them.
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <optional>
#include <poll.h>
#include <random>
#include <string>
#include <string_view>
#include <sys/ioctl.h>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto hold_limit = std::chrono::milliseconds(20);
constexpr std::size_t max_frame = 65536;

volatile std::sig_atomic_t stop_requested = 0;
void request_stop(int) {
    stop_requested = 1;
}

int open_tap(const std::string& name) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        std::fprintf(stderr, "lossy_link: /dev/net/tun: %s\n", std::strerror(errno));
        std::exit(1);
    }
    ifreq request{};
    request.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (name.size() >= sizeof request.ifr_name) {
        std::fprintf(stderr, "lossy_link: tap name '%s' is too long\n", name.c_str());
        std::exit(2);
    }
    std::memcpy(request.ifr_name, name.c_str(), name.size() + 1);
    if (ioctl(fd, TUNSETIFF, &request) < 0) {
        std::fprintf(stderr, "lossy_link: cannot attach to tap %s: %s\n", name.c_str(),
                     std::strerror(errno));
        std::exit(1);
    }
    return fd;
}

struct Direction {
    std::string name;
    int from = -1;
    int to = -1;
    std::optional<std::vector<char>> held;
    Clock::time_point held_since;
    unsigned long frames = 0, dropped = 0, reordered = 0, released_late = 0, write_errors = 0,
                  too_big = 0;

    void write_frame(const char* data, std::size_t size) {
        if (write(to, data, size) != static_cast<ssize_t>(size))
            ++write_errors; // a full queue or a tap that is down: the frame is lost
    }
    void release_held() {
        write_frame(held->data(), held->size());
        held.reset();
    }
};

class Impairment {
public:
    Impairment(double loss, double reorder, std::uint64_t seed, std::size_t black_hole)
        : loss_(loss / 100), reorder_(reorder / 100), black_hole_(black_hole), random_(seed) {}

    void forward(Direction& d, const char* frame, std::size_t size) {
        ++d.frames;
        if (black_hole_ && size > ethernet_header + black_hole_) {
            ++d.too_big;
            return;
        }
        if (chance(loss_)) {
            ++d.dropped;
            return;
        }
        if (!d.held && chance(reorder_)) {
            d.held.emplace(frame, frame + size);
            d.held_since = Clock::now();
            return;
        }
        d.write_frame(frame, size);
        if (d.held) {
            ++d.reordered;
            d.release_held();
        }
    }

private:
    bool chance(double probability) { return probability > 0 && uniform_(random_) < probability; }

    static constexpr std::size_t ethernet_header = 14;
    double loss_, reorder_;
    std::size_t black_hole_;
    std::mt19937_64 random_;
    std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

bool parse_percent(const char* text, double& value) {
    char* end;
    value = std::strtod(text, &end);
    return *text && !*end && value >= 0 && value <= 100;
}

[[noreturn]] void usage() {
    std::fprintf(stderr,
                 "usage: lossy_link TAP_A TAP_B [--loss PERCENT] [--reorder PERCENT] [--seed N] "
                 "[--black-hole MTU]\n");
    std::exit(2);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3)
        usage();
    double loss = 0, reorder = 0;
    std::uint64_t seed = 1;
    std::size_t black_hole = 0;
    for (int i = 3; i < argc; i += 2) {
        std::string_view option = argv[i];
        if (i + 1 >= argc)
            usage();
        if (option == "--loss" && parse_percent(argv[i + 1], loss))
            continue;
        if (option == "--reorder" && parse_percent(argv[i + 1], reorder))
            continue;
        if (option == "--seed") {
            seed = std::strtoull(argv[i + 1], nullptr, 10);
            continue;
        }
        if (option == "--black-hole") {
            char* end;
            black_hole = std::strtoul(argv[i + 1], &end, 10);
            if (*argv[i + 1] && !*end && black_hole >= 68 && black_hole <= 65535)
                continue;
        }
        usage();
    }
    int a = open_tap(argv[1]);
    int b = open_tap(argv[2]);
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);

    Direction directions[2];
    directions[0].name = std::string(argv[1]) + " -> " + argv[2];
    directions[0].from = a, directions[0].to = b;
    directions[1].name = std::string(argv[2]) + " -> " + argv[1];
    directions[1].from = b, directions[1].to = a;
    Impairment impairment(loss, reorder, seed, black_hole);
    std::printf("lossy_link: relaying %s <-> %s, loss %g%%, reorder %g%%, seed %llu, black hole "
                "%zu\n",
                argv[1], argv[2], loss, reorder, static_cast<unsigned long long>(seed), black_hole);
    std::fflush(stdout);

    std::vector<char> frame(max_frame);
    while (!stop_requested) {
        int timeout_ms = -1;
        for (Direction& d : directions)
            if (d.held)
                timeout_ms = static_cast<int>(hold_limit.count());
        pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        int ready = poll(fds, 2, timeout_ms);
        if (ready < 0 && errno != EINTR) {
            std::perror("lossy_link: poll");
            return 1;
        }
        for (int i = 0; i < 2 && ready > 0; ++i) {
            if (!(fds[i].revents & POLLIN))
                continue;
            // A batch per wake-up, bounded so one busy direction cannot starve the other.
            for (int batch = 0; batch < 64; ++batch) {
                ssize_t n = read(directions[i].from, frame.data(), frame.size());
                if (n <= 0)
                    break;
                impairment.forward(directions[i], frame.data(), static_cast<std::size_t>(n));
            }
        }
        for (Direction& d : directions) {
            if (d.held && Clock::now() - d.held_since >= hold_limit) {
                ++d.released_late;
                d.release_held();
            }
        }
    }
    for (Direction& d : directions) {
        if (d.held)
            d.release_held();
        std::printf("lossy_link: %s: %lu frames, %lu dropped, %lu reordered, %lu delayed, "
                    "%lu write errors, %lu too big\n",
                    d.name.c_str(), d.frames, d.dropped, d.reordered, d.released_late,
                    d.write_errors, d.too_big);
    }
    return 0;
}
