#include "launch/on_demand_options.h"

#include "support/error.h"

#include <charconv>

namespace ingot {

std::chrono::milliseconds parse_duration(std::string_view text, std::string_view option) {
    auto refuse = [&] {
        fail("{} '{}' is not a duration: give a positive number with ms, s, m or h (500ms, 30s, "
             "5m), or plain seconds",
             option, text);
    };
    uint64_t number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error != std::errc() || end == text.data() || number == 0)
        refuse();
    std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
    uint64_t scale = 0;
    if (unit == "ms")
        scale = 1;
    else if (unit.empty() || unit == "s")
        scale = 1000;
    else if (unit == "m")
        scale = 60'000;
    else if (unit == "h")
        scale = 3'600'000;
    else
        refuse();
    // A year is more than anyone means; beyond it the milliseconds could overflow.
    constexpr uint64_t year_ms = 365ULL * 24 * 3'600'000;
    if (number > year_ms / scale)
        fail("{} '{}' is longer than a year", option, text);
    return std::chrono::milliseconds(static_cast<int64_t>(number * scale));
}

void plan_on_demand(const LaunchSettings& settings, LaunchPlan& plan) {
    if (!settings.on_demand) {
        if (!settings.idle_stop.empty())
            fail("--idle-stop is for --on-demand: add --on-demand");
        return;
    }
    if (settings.network.published.empty())
        fail("--on-demand boots the VM at the first connection to a published port: add -p "
             "HOST:GUEST");
    if (!settings.network.tap.empty())
        fail("--on-demand creates the VM's tap at each boot: it cannot be combined with --net");
    for (const std::string& published : settings.network.published) {
        PortMapping mapping = parse_port_mapping(published);
        if (mapping.protocol != TransportProtocol::Tcp)
            fail("--on-demand publishes TCP ports only: {} is UDP, and a datagram that arrives "
                 "while the VM boots would be lost",
                 host_endpoint(mapping));
    }
    plan.on_demand = true;
    if (!settings.idle_stop.empty())
        plan.idle_stop = parse_duration(settings.idle_stop, "--idle-stop");
}

} // namespace ingot
