// The kernel's one network stack: built over the platform's device at boot (or, without one, at
// the first socket, carrying loopback only), then driven by the scheduler (DeviceHooks), never
// from interrupt context.
#include "net/network.h"

#include "components/component.h"
#include "lib/log.h"
#include "lib/string.h"
#include "linux/entropy.h"
#include "net/byte_order.h"
#include "net/no_link_device.h"
#include "net/stack.h"
#include "platform/platform.h"
#include "sched/scheduler.h"
#include "time/clock.h"

namespace kernel::net {

namespace {

// How long boot waits for a DHCP lease before it takes the documented default address.
// Servers may first ping the address they will offer (dnsmasq waits about 3 s).
constexpr uint64_t dhcp_wait_ns = abi::dhcp_wait_seconds * clock::ns_per_second;
constexpr InterfaceConfig fallback_config{Ipv4Address::from_octets(10, 0, 2, 15), 24,
                                          Ipv4Address::from_octets(10, 0, 2, 1), Ipv4Address::any(),
                                          false};

// How long an exiting program's connections get to deliver what it wrote.
constexpr uint64_t finish_output_ns = 5 * clock::ns_per_second;
// And how often it looks whether the device has sent the last frames.
constexpr uint64_t transmit_check_ns = clock::ns_per_second / 1000;

NetworkStack* the_stack;
NoLinkDevice no_link;

const Environment environment{clock::monotonic_ns, fill_random};

void poll_stack() {
    the_stack->poll();
}

uint64_t stack_deadline() {
    return the_stack->next_deadline_ns();
}

void wait_for_lease(const InterfaceConfig& asked) {
    uint64_t give_up = clock::monotonic_ns() + dhcp_wait_ns;
    for (;;) {
        the_stack->poll();
        if (the_stack->is_configured())
            return;
        uint64_t now = clock::monotonic_ns();
        if (now >= give_up)
            break;
        uint64_t until = give_up;
        if (uint64_t next = the_stack->next_deadline_ns(); next && next < until)
            until = next;
        // The device returns transmitted buffers without an interrupt: look again soon.
        if (the_stack->device_is_transmitting())
            until = min(until, now + transmit_check_ns);
        platform::wait_for_events(abi::poll_event_net, until > now ? until - now : 0);
    }
    klog("net: no DHCP server answered within %llu s: using 10.0.2.15/24 via 10.0.2.1",
         static_cast<unsigned long long>(dhcp_wait_ns / clock::ns_per_second));
    // IPv6 is configured apart from DHCP: what was asked for stays.
    InterfaceConfig fallback = fallback_config;
    fallback.address6 = asked.address6;
    fallback.prefix_length6 = asked.prefix_length6;
    fallback.gateway6 = asked.gateway6;
    the_stack->configure(fallback);
}

void log_address(const char* what, Ipv4Address address) {
    klog("net: %s %u.%u.%u.%u", what, address.value >> 24, (address.value >> 16) & 0xff,
         (address.value >> 8) & 0xff, address.value & 0xff);
}

} // namespace

void start_network(bool report) {
    NetDevice* device = platform::net_device();
    if (!device)
        return;
    the_stack = new NetworkStack(*device, environment);
    if (!the_stack) {
        klog("net: no memory for the network stack: running without network");
        return;
    }
    InterfaceConfig config = platform::net_config();
    the_stack->configure(config);
    if (config.use_dhcp)
        wait_for_lease(config);
    scheduler::set_device_hooks({poll_stack, stack_deadline, abi::poll_event_net});
    if (report) {
        const auto& active = the_stack->config();
        log_address("address", active.address);
        klog("net: prefix /%u", active.prefix_length);
        if (!active.gateway.is_any())
            log_address("gateway", active.gateway);
    }
}

const InterfaceConfig* configured_interface() {
    return the_stack && platform::net_device() ? &the_stack->config() : nullptr;
}

void finish_output() {
    if (!the_stack)
        return;
    uint64_t give_up = clock::monotonic_ns() + finish_output_ns;
    for (;;) {
        the_stack->poll();
        if (!the_stack->has_undelivered_output())
            return;
        uint64_t now = clock::monotonic_ns();
        if (now >= give_up)
            return;
        uint64_t until = give_up;
        if (uint64_t next = the_stack->next_deadline_ns(); next && next < until)
            until = next;
        platform::wait_for_events(abi::poll_event_net, until > now ? until - now : 0);
    }
}

NetworkCounters counters() {
    if (!the_stack)
        return {};
    return {the_stack->statistics(), the_stack->tcp_statistics()};
}

void list_neighbours(interfaces::NeighbourVisitor& visitor) {
    if (configured_interface())
        the_stack->list_neighbours(interfaces::ethernet_index, visitor);
}

void list_sockets(bool tcp, SocketVisitor& visitor) {
    if (the_stack)
        the_stack->list_sockets(tcp, visitor);
}

void interface_facts(interfaces::Facts& facts) {
    using interfaces::ethernet_index, interfaces::loopback_index;
    StackStatistics statistics = the_stack ? the_stack->statistics() : StackStatistics{};
    // Linux's lo: MTU 65536, 127.0.0.1/8 and ::1/128, a route for neither (they live in the
    // local table, which a dump of the main table leaves out). What it sends it receives.
    interfaces::LinkCounters loopback_counters{
        statistics.loopback_packets, statistics.loopback_bytes, statistics.loopback_packets,
        statistics.loopback_bytes, 0};
    facts.add_link({loopback_index, "lo", true, {}, 65536, loopback_counters});
    interfaces::Address loopback4{loopback_index, false, {127, 0, 0, 1}, 8, false};
    facts.add_address(loopback4);
    interfaces::Address loopback6{loopback_index, true, {}, 128, false};
    memcpy(loopback6.bytes, Ipv6Address::loopback().bytes, 16);
    facts.add_address(loopback6);
    const InterfaceConfig* config = configured_interface();
    if (!config)
        return;
    const NetDevice& device = the_stack->device();
    interfaces::LinkCounters counters{statistics.frames_received, statistics.bytes_received,
                                      statistics.frames_sent, statistics.bytes_sent,
                                      statistics.dropped_device_full};
    facts.add_link({ethernet_index, "eth0", false, device.mac_address(),
                    static_cast<uint32_t>(device.mtu()), counters});
    if (!config->address.is_any()) {
        interfaces::Address address{ethernet_index, false, {}, config->prefix_length, false};
        store_be32(address.bytes, config->address.value);
        facts.add_address(address);
        interfaces::Route subnet{ethernet_index, false, {}, config->prefix_length, false, {}, {}};
        store_be32(subnet.destination, config->address.value & config->netmask());
        store_be32(subnet.preferred_source, config->address.value);
        facts.add_route(subnet);
        if (!config->gateway.is_any()) {
            interfaces::Route default_route{ethernet_index, false, {}, 0, true, {}, {}};
            store_be32(default_route.gateway, config->gateway.value);
            facts.add_route(default_route);
        }
    }
    Ipv6Address address6;
    uint8_t prefix_length;
    bool tentative;
    for (size_t i = 0; the_stack->ipv6_address_at(i, address6, prefix_length, tentative); ++i) {
        interfaces::Address address{ethernet_index, true, {}, prefix_length, tentative};
        memcpy(address.bytes, address6.bytes, 16);
        facts.add_address(address);
        // Each address's prefix is on the link (fe80::/64 for the link-local one).
        interfaces::Route prefix{ethernet_index, true, {}, prefix_length, false, {}, {}};
        for (size_t bit = 0; bit < prefix_length; ++bit)
            prefix.destination[bit / 8] |= address6.bytes[bit / 8] & (0x80 >> (bit % 8));
        bool known = false;
        for (size_t r = 0; r < facts.route_count; ++r)
            known |= facts.routes[r].ipv6 && facts.routes[r].prefix_length == prefix_length &&
                     memcmp(facts.routes[r].destination, prefix.destination, 16) == 0;
        if (!known)
            facts.add_route(prefix);
    }
    if (Ipv6Address router = the_stack->ipv6_default_router(); !router.is_any()) {
        interfaces::Route default_route{ethernet_index, true, {}, 0, true, {}, {}};
        memcpy(default_route.gateway, router.bytes, 16);
        facts.add_route(default_route);
    }
}

} // namespace kernel::net

namespace kernel {

net::NetworkStack* network_stack() {
    using namespace net;
    if (!the_stack) {
        the_stack = new NetworkStack(no_link, environment);
        // Loopback wakes nobody from outside: only the stack's own timers bound idle waits.
        if (the_stack)
            scheduler::set_device_hooks({poll_stack, stack_deadline, 0});
    }
    return the_stack;
}

INGOT_COMPONENT(abi::component_net);

} // namespace kernel
