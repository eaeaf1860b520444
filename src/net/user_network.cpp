#include "net/user_network.h"

#include "net/sealed_thread.h"
#include "net/user_network_frames.h"
#include "support/error.h"

#include <fmt/format.h>
#include <ingot/abi/net_rings.h>
#include <slirp/libslirp.h>

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <list>
#include <vector>

namespace ingot {

namespace {

static_assert(sizeof(abi::VirtioNetHeader) == virtio_net_header_size);

// The largest frame either side sends: the guest's device bounds its frames by the MTU, and
// libslirp's by its MRU (1500 by default); the rest is headroom that marks a runt or giant.
constexpr size_t frame_buffer_size = virtio_net_header_size + 64 * 1024;
// Frames taken from the guest per wake-up, so that the host's sockets are served in between.
constexpr int frames_per_round = 64;

in_addr network_order(uint32_t address) {
    return in_addr{htonl(address)};
}

int64_t monotonic_ns() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return int64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

short poll_events(int slirp_events) {
    short events = 0;
    if (slirp_events & SLIRP_POLL_IN)
        events |= POLLIN;
    if (slirp_events & SLIRP_POLL_OUT)
        events |= POLLOUT;
    if (slirp_events & SLIRP_POLL_PRI)
        events |= POLLPRI;
    return events;
}

int slirp_events(short revents) {
    int events = 0;
    if (revents & POLLIN)
        events |= SLIRP_POLL_IN;
    if (revents & POLLOUT)
        events |= SLIRP_POLL_OUT;
    if (revents & POLLPRI)
        events |= SLIRP_POLL_PRI;
    if (revents & (POLLERR | POLLNVAL))
        events |= SLIRP_POLL_ERR;
    if (revents & POLLHUP)
        events |= SLIRP_POLL_HUP;
    return events;
}

} // namespace

struct UserNetwork::Engine {
    struct Timer {
        SlirpTimerId id;
        void* argument;
        int64_t expiry_ms = -1; // -1: not armed
    };

    Slirp* slirp = nullptr;
    OwnedFd host_end; // frames to and from the monitor's device
    int stop = -1;
    std::vector<pollfd> fds;
    std::list<Timer> timers;
    std::vector<uint8_t> buffer = std::vector<uint8_t>(frame_buffer_size);

    ~Engine() {
        if (slirp)
            slirp_cleanup(slirp);
    }

    void run();
    void take_guest_frames();
    uint32_t until_next_timer(uint32_t timeout) const;
    void fire_timers();
};

namespace {

UserNetwork::Engine& engine_of(void* opaque) {
    return *static_cast<UserNetwork::Engine*>(opaque);
}

// libslirp's frame for the guest: a header that asks nothing (slirp's checksums are
// complete), then the frame. Dropped when the device's queue is full: TCP retransmits.
ssize_t send_to_guest(const void* frame, size_t length, void* opaque) {
    abi::VirtioNetHeader header{};
    iovec parts[] = {{&header, sizeof header}, {const_cast<void*>(frame), length}};
    msghdr message{};
    message.msg_iov = parts;
    message.msg_iovlen = 2;
    if (::sendmsg(engine_of(opaque).host_end.get(), &message, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
        errno != EAGAIN && errno != ENOBUFS)
        return -1;
    return static_cast<ssize_t>(length);
}

void report_guest_error(const char* message, void*) {
    fmt::print(stderr, "ingot: user-mode network: the guest sent something wrong: {}\n", message);
}

int64_t clock_ns(void*) {
    return monotonic_ns();
}

void* new_timer(SlirpTimerId id, void* argument, void* opaque) {
    auto& timers = engine_of(opaque).timers;
    timers.push_back({id, argument});
    return &timers.back();
}

void free_timer(void* timer, void* opaque) {
    engine_of(opaque).timers.remove_if(
        [timer](const UserNetwork::Engine::Timer& each) { return &each == timer; });
}

void arm_timer(void* timer, int64_t expiry_ms, void*) {
    static_cast<UserNetwork::Engine::Timer*>(timer)->expiry_ms = expiry_ms;
}

// The loop polls every socket libslirp asks for on each round (slirp_pollfds_fill), so
// registrations and wake-ups need no bookkeeping.
void ignore_fd(int, void*) {}
void ignore_notify(void*) {}

int add_poll(int fd, int events, void* opaque) {
    auto& fds = engine_of(opaque).fds;
    fds.push_back({fd, poll_events(events), 0});
    return static_cast<int>(fds.size() - 1);
}

int get_revents(int index, void* opaque) {
    return slirp_events(engine_of(opaque).fds[static_cast<size_t>(index)].revents);
}

const SlirpCb callbacks = {
    .send_packet = send_to_guest,
    .guest_error = report_guest_error,
    .clock_get_ns = clock_ns,
    .timer_new = nullptr,
    .timer_free = free_timer,
    .timer_mod = arm_timer,
    .register_poll_fd = ignore_fd,
    .unregister_poll_fd = ignore_fd,
    .notify = ignore_notify,
    .init_completed = nullptr,
    .timer_new_opaque = new_timer,
};

} // namespace

void UserNetwork::Engine::run() {
    constexpr size_t frames_index = 0, stop_index = 1;
    for (;;) {
        fds.clear();
        fds.push_back({host_end.get(), POLLIN, 0});
        fds.push_back({stop, POLLIN, 0});
        uint32_t timeout = UINT32_MAX;
        slirp_pollfds_fill(slirp, &timeout, add_poll, this);
        timeout = until_next_timer(timeout);
        int ready = ::poll(fds.data(), fds.size(),
                           timeout == UINT32_MAX ? -1 : int(std::min<uint32_t>(timeout, INT_MAX)));
        if (ready < 0 && errno != EINTR) {
            fmt::print(stderr, "ingot: user-mode network: cannot wait: {}; the guest is offline\n",
                       system_error_text(errno));
            return;
        }
        if (fds[stop_index].revents)
            return;
        slirp_pollfds_poll(slirp, ready < 0, get_revents, this);
        short frames = ready > 0 ? fds[frames_index].revents : 0;
        if (frames & POLLIN)
            take_guest_frames();
        else if (frames & (POLLHUP | POLLERR | POLLNVAL))
            return; // the monitor's end is gone
        fire_timers();
    }
}

void UserNetwork::Engine::take_guest_frames() {
    for (int round = 0; round < frames_per_round; ++round) {
        ssize_t n = ::recv(host_end.get(), buffer.data(), buffer.size(), MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0)
            return; // EAGAIN: all taken; anything else shows as POLLERR on the next round
        if (size_t(n) <= virtio_net_header_size || size_t(n) > buffer.size())
            continue; // empty or truncated: not a frame the device sent
        abi::VirtioNetHeader header;
        std::memcpy(&header, buffer.data(), sizeof header);
        std::span<uint8_t> frame(buffer.data() + virtio_net_header_size,
                                 size_t(n) - virtio_net_header_size);
        if ((header.flags & abi::virtio_net_needs_checksum) &&
            !complete_checksum(frame, header.checksum_start, header.checksum_offset))
            continue;
        slirp_input(slirp, frame.data(), static_cast<int>(frame.size()));
    }
}

uint32_t UserNetwork::Engine::until_next_timer(uint32_t timeout) const {
    int64_t now = monotonic_ns() / 1'000'000;
    for (const Timer& timer : timers)
        if (timer.expiry_ms >= 0)
            timeout = std::min(
                timeout, uint32_t(std::clamp<int64_t>(timer.expiry_ms - now, 0, UINT32_MAX - 1)));
    return timeout;
}

void UserNetwork::Engine::fire_timers() {
    int64_t now = monotonic_ns() / 1'000'000;
    for (Timer& timer : timers)
        if (timer.expiry_ms >= 0 && timer.expiry_ms <= now) {
            timer.expiry_ms = -1;
            slirp_handle_timer(slirp, timer.id, timer.argument);
        }
}

UserNetwork::UserNetwork(const NetworkPlan& plan, std::function<void()> thread_setup)
    : m_engine(std::make_unique<Engine>()) {
    int ends[2];
    // SOCK_SEQPACKET keeps each frame whole, as a tap does, and tells the device when this
    // side is gone (end of file), which a datagram pair would not.
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) < 0)
        fail("cannot set up user-mode networking: {}", system_error_text(errno));
    m_guest_end = OwnedFd(ends[0]);
    m_engine->host_end = OwnedFd(ends[1]);
    m_stop = OwnedFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!m_stop)
        fail("cannot set up user-mode networking: {}", system_error_text(errno));
    m_engine->stop = m_stop.get();

    // libslirp's and QEMU's addresses: the guest 10.0.2.15, the host as gateway 10.0.2.2
    // (connections to it reach the host's loopback), DNS forwarded from 10.0.2.3. IPv4 only,
    // as the guest is.
    SlirpConfig config{};
    config.version = 4;
    config.in_enabled = true;
    config.vnetwork = network_order(user_network_address);
    config.vnetmask = network_order(~uint32_t{0} << (32 - default_prefix_length));
    config.vhost = network_order(user_gateway_address);
    config.vdhcp_start = network_order(default_guest_address);
    config.vnameserver = network_order(user_dns_address);
    m_engine->slirp = slirp_new(&config, &callbacks, m_engine.get());
    if (!m_engine->slirp)
        fail("cannot set up user-mode networking: libslirp refused its configuration");
    for (const PortMapping& mapping : plan.published) {
        errno = 0;
        if (slirp_add_hostfwd(m_engine->slirp, mapping.protocol == TransportProtocol::Udp,
                              network_order(mapping.host_address), mapping.host_port,
                              network_order(plan.guest.address), mapping.guest_port) < 0)
            fail("-p: cannot listen on {}: {}", host_endpoint(mapping),
                 errno ? system_error_text(errno) : std::string("refused"));
    }
    m_thread = start_sealed_thread(std::move(thread_setup), [engine = m_engine.get()] {
        engine->run();
        // On this thread, which owns libslirp's state: its sockets close, and the device sees
        // the end of its socket.
        slirp_cleanup(engine->slirp);
        engine->slirp = nullptr;
        engine->host_end.reset();
    });
}

UserNetwork::~UserNetwork() {
    uint64_t one = 1;
    if (::write(m_stop.get(), &one, sizeof one) < 0)
        fmt::print(stderr, "ingot: cannot stop the user-mode network: {}\n",
                   system_error_text(errno));
    m_thread.join();
}

} // namespace ingot
