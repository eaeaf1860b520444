// --net-interface: the plan's refusals, and, as root, a takeover in a network namespace of its
// own: the guest's settings read from the interface, the qdiscs and the MTU set, and the
// interface's qdisc removed once the takeover ends.
#include "launch/launch_plan_json.h"
#include "launch/resolve_launch.h"
#include "net/interface_takeover.h"
#include "net/route_netlink.h"
#include "net/rtnetlink_socket.h"
#include "net/tap_device.h"
#include "net/traffic_control.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <thread>

namespace ingot {
namespace {

std::string rejection(const NetworkOptions& options) {
    try {
        plan_network(options);
    } catch (const UserError& error) {
        return error.what();
    }
    return "";
}

NetworkOptions interface_options(const std::string& name) {
    NetworkOptions options;
    options.interface = name;
    return options;
}

TEST(InterfaceTakeoverPlan, RefusesTheOtherNetworkOptions) {
    NetworkOptions options = interface_options("eth0");
    options.published = {"8080:80"};
    EXPECT_EQ(rejection(options),
              "-p cannot be combined with --net-interface eth0: the guest takes the interface "
              "over, so publish ports where its network is set up (podman run -p, a CNI port "
              "map)");
    options = interface_options("eth0");
    options.tap = "tap0";
    EXPECT_EQ(rejection(options), "--net and --net-interface eth0 both name the guest's network: "
                                  "give one");
    for (auto member : {&NetworkOptions::address, &NetworkOptions::gateway, &NetworkOptions::mac}) {
        options = interface_options("eth0");
        options.*member = "x";
        EXPECT_NE(rejection(options).find("cannot be combined with --net-interface eth0: the "
                                          "guest takes eth0's address, gateway and MAC"),
                  std::string::npos);
    }
}

TEST(InterfaceTakeoverPlan, RefusesUnknownAndLoopbackInterfaces) {
    EXPECT_EQ(rejection(interface_options("ingotnone0")),
              "--net-interface ingotnone0: there is no such interface in this network namespace");
    EXPECT_EQ(rejection(interface_options("lo")),
              "--net-interface lo: the loopback interface cannot be taken over; name the one that "
              "leads to the network (such as eth0)");
}

TEST(InterfaceTakeoverPlan, SurvivesTheLaunchPlansJson) {
    LaunchSettings settings;
    settings.target = ingot_test::static_program_path();
    LaunchPlan plan = resolve_launch(settings);
    NetworkPlan network;
    network.backend = NetworkBackend::Interface;
    network.interface_name = "eth0";
    network.guest.address = 0x0a580005;
    network.guest.prefix_length = 16;
    network.guest.gateway = 0x0a580001;
    plan.network = network;
    LaunchPlan read = parse_launch_plan(format_launch_plan(plan));
    ASSERT_TRUE(read.network);
    EXPECT_EQ(read.network->backend, NetworkBackend::Interface);
    EXPECT_EQ(read.network->interface_name, "eth0");
    EXPECT_EQ(read.network->guest.gateway, 0x0a580001u);
}

// Runs `body` on a thread of its own in a new network namespace (a thread's namespace is its
// own: the test process's stays as it was). Empty, or why it could not.
std::string in_new_network_namespace(const std::function<void()>& body) {
    std::string refused;
    std::thread thread([&] {
        if (::unshare(CLONE_NEWNET) != 0) {
            refused = fmt::format("unshare(CLONE_NEWNET): {}", std::strerror(errno));
            return;
        }
        body();
    });
    thread.join();
    return refused;
}

TEST(InterfaceTakeover, RedirectsThroughATapAndGivesTheInterfaceBack) {
    std::string refused = in_new_network_namespace([] {
        // The interface taken over: a tap stands in for a container's veth (both Ethernet).
        TapDevice outer("ingotut0");
        RtnetlinkSocket socket;
        ASSERT_EQ(add_interface_address(outer.index(), 0x0a090807, 24), 0);
        ASSERT_EQ(set_link_mtu(socket, outer.index(), 1400), 0);
        ASSERT_EQ(set_interface_up(outer.index()), 0);

        std::optional<NetworkPlan> plan = plan_network(interface_options("ingotut0"));
        ASSERT_TRUE(plan);
        EXPECT_EQ(plan->backend, NetworkBackend::Interface);
        EXPECT_EQ(plan->guest.address, 0x0a090807u);
        EXPECT_EQ(plan->guest.prefix_length, 24);
        EXPECT_EQ(plan->guest.mac, read_interface_link("ingotut0")->mac);
        EXPECT_EQ(plan->guest.gateway, 0u); // no default route here
        {
            InterfaceTakeover takeover("ingotut0");
            TapDevice tap("");
            ASSERT_EQ(set_interface_up(tap.index()), 0);
            takeover.connect(tap);
            EXPECT_EQ(read_interface_link(tap.name())->mtu, 1400u);
            EXPECT_EQ(add_ingress_qdisc(socket, outer.index()), EEXIST);
            EXPECT_EQ(add_ingress_qdisc(socket, tap.index()), EEXIST);
            try {
                InterfaceTakeover second("ingotut0");
                ADD_FAILURE() << "a second takeover of ingotut0 was accepted";
            } catch (const UserError& error) {
                EXPECT_NE(std::string(error.what()).find("it has an ingress qdisc already"),
                          std::string::npos)
                    << error.what();
            }
            // The refused second takeover left the first one's qdisc.
            EXPECT_EQ(add_ingress_qdisc(socket, outer.index()), EEXIST);
        }
        // Given back: the interface's qdisc is gone, so it can be added again.
        EXPECT_EQ(add_ingress_qdisc(socket, outer.index()), 0);
        EXPECT_EQ(read_interface_address(outer.index())->address, 0x0a090807u);
    });
    if (!refused.empty())
        GTEST_SKIP() << "needs root: " << refused;
}

} // namespace
} // namespace ingot
