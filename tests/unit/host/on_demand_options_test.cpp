// --on-demand and --idle-stop: the duration syntax, the refusals, and the plan's JSON.
#include "launch/launch_plan_json.h"
#include "launch/on_demand_options.h"
#include "support/error.h"

#include <ingot/abi/image.h>
#include <ingot/abi/memory_layout.h>
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace ingot {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::string rejection(const std::function<void()>& action) {
    try {
        action();
    } catch (const UserError& error) {
        return error.what();
    }
    return "";
}

TEST(OnDemandOptions, DurationsTakeAUnitOrMeanSeconds) {
    EXPECT_EQ(parse_duration("500ms", "--idle-stop"), 500ms);
    EXPECT_EQ(parse_duration("30s", "--idle-stop"), 30s);
    EXPECT_EQ(parse_duration("30", "--idle-stop"), 30s);
    EXPECT_EQ(parse_duration("5m", "--idle-stop"), 5min);
    EXPECT_EQ(parse_duration("2h", "--idle-stop"), 2h);
}

TEST(OnDemandOptions, BadDurationsAreRefusedInOneLine) {
    std::string expected = "--idle-stop '{}' is not a duration: give a positive number with ms, "
                           "s, m or h (500ms, 30s, 5m), or plain seconds";
    for (const char* bad : {"", "0", "0s", "-5s", "s", "5 s", "5sec", "1.5s", "30x", "ms5"})
        EXPECT_EQ(rejection([&] { parse_duration(bad, "--idle-stop"); }),
                  fmt::format(fmt::runtime(expected), bad))
            << bad;
    EXPECT_EQ(rejection([] { parse_duration("9999999h", "--idle-stop"); }),
              "--idle-stop '9999999h' is longer than a year");
    EXPECT_NE(rejection([] { parse_duration("99999999999999999999999", "--idle-stop"); }), "");
}

LaunchSettings on_demand_settings(std::vector<std::string> published) {
    LaunchSettings settings;
    settings.on_demand = true;
    settings.network.published = std::move(published);
    return settings;
}

std::string refusal(const LaunchSettings& settings) {
    return rejection([&] {
        LaunchPlan plan;
        plan_on_demand(settings, plan);
    });
}

TEST(OnDemandOptions, PlanTakesTheIdleStop) {
    LaunchSettings settings = on_demand_settings({"8080:80"});
    settings.idle_stop = "2s";
    LaunchPlan plan;
    plan_on_demand(settings, plan);
    EXPECT_TRUE(plan.on_demand);
    EXPECT_EQ(plan.idle_stop, std::optional(std::chrono::milliseconds(2000)));

    LaunchSettings without = on_demand_settings({"8080:80"});
    LaunchPlan forever;
    plan_on_demand(without, forever);
    EXPECT_TRUE(forever.on_demand);
    EXPECT_FALSE(forever.idle_stop);

    LaunchPlan plain;
    plan_on_demand(LaunchSettings{}, plain);
    EXPECT_FALSE(plain.on_demand);
}

TEST(OnDemandOptions, RefusesWhatCannotStartOnDemand) {
    LaunchSettings idle_alone;
    idle_alone.idle_stop = "30s";
    EXPECT_EQ(refusal(idle_alone), "--idle-stop is for --on-demand: add --on-demand");
    EXPECT_EQ(refusal(on_demand_settings({})),
              "--on-demand boots the VM at the first connection to a published port: add -p "
              "HOST:GUEST");
    LaunchSettings with_tap = on_demand_settings({"8080:80"});
    with_tap.network.tap = "tap0";
    EXPECT_EQ(refusal(with_tap),
              "--on-demand creates the VM's tap at each boot: it cannot be combined with --net");
    EXPECT_EQ(refusal(on_demand_settings({"8080:80", "5353:53/udp"})),
              "--on-demand publishes TCP ports only: *:5353/udp is UDP, and a datagram "
              "that arrives while the VM boots would be lost");
    LaunchSettings bad_duration = on_demand_settings({"8080:80"});
    bad_duration.idle_stop = "soon";
    EXPECT_NE(refusal(bad_duration).find("--idle-stop 'soon' is not a duration"),
              std::string::npos);
}

LaunchPlan stored_plan() {
    LaunchPlan plan;
    plan.image.name = "web.img";
    plan.image.path = "/images/web.img";
    plan.arguments = {"/web"};
    plan.memory_size = abi::minimum_memory;
    plan.stack_size = abi::default_stack_size;
    LaunchSettings settings = on_demand_settings({"8080:80"});
    plan.network = plan_network(settings.network);
    plan.on_demand = true;
    plan.idle_stop = 1500ms;
    return plan;
}

TEST(OnDemandOptions, ThePlanKeepsOnDemandInItsJson) {
    LaunchPlan plan = stored_plan();
    json document = plan;
    EXPECT_EQ(document["on_demand"], json({{"idle_stop_ms", 1500}}));
    LaunchPlan read = parse_launch_plan(document.dump());
    EXPECT_TRUE(read.on_demand);
    EXPECT_EQ(read.idle_stop, std::optional(std::chrono::milliseconds(1500)));

    plan.idle_stop.reset();
    LaunchPlan forever = parse_launch_plan(json(plan).dump());
    EXPECT_TRUE(forever.on_demand);
    EXPECT_FALSE(forever.idle_stop);

    // Plans stored before on-demand start existed have no such field: they start at once.
    plan.on_demand = false;
    json older = plan;
    EXPECT_TRUE(older["on_demand"].is_null());
    older.erase("on_demand");
    EXPECT_FALSE(parse_launch_plan(older.dump()).on_demand);
}

TEST(OnDemandOptions, AMalformedOnDemandFieldIsNamed) {
    json good = stored_plan();
    auto refused = [&](const std::function<void(json&)>& change) {
        json document = good;
        change(document);
        return rejection([&] { parse_launch_plan(document.dump()); });
    };
    EXPECT_EQ(refused([](json& d) { d["on_demand"] = true; }),
              "the launch plan is malformed: on_demand is neither null nor an object");
    EXPECT_EQ(refused([](json& d) { d["on_demand"]["idle_stop_ms"] = 0; }),
              "the launch plan is malformed: on_demand.idle_stop_ms is neither null nor "
              "milliseconds");
    EXPECT_EQ(refused([](json& d) { d["on_demand"].erase("idle_stop_ms"); }),
              "the launch plan is malformed: on_demand.idle_stop_ms is missing");
    EXPECT_EQ(refused([](json& d) { d["network"] = nullptr; }),
              "the launch plan is malformed: on_demand is set without a published port");
}

} // namespace
} // namespace ingot
