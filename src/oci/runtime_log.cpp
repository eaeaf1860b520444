#include "oci/runtime_log.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>

namespace ingot {

namespace {

void append(const std::string& path, const std::string& line) {
    if (path.empty())
        return;
    std::ofstream file(path, std::ios::app);
    file << line << '\n';
}

} // namespace

std::string format_log_line(const std::string& level, const std::string& message,
                            const std::string& time, bool json) {
    if (json)
        return nlohmann::json{{"level", level}, {"msg", message}, {"time", time}}.dump();
    // logrus's text: key=value, values with spaces or quotes quoted as Go's %q would.
    return fmt::format("time=\"{}\" level={} msg={}", time, level, nlohmann::json(message).dump());
}

std::string rfc3339_now() {
    timespec now;
    ::clock_gettime(CLOCK_REALTIME, &now);
    tm utc;
    ::gmtime_r(&now.tv_sec, &utc);
    char seconds[32];
    std::strftime(seconds, sizeof seconds, "%Y-%m-%dT%H:%M:%S", &utc);
    return fmt::format("{}.{:09}Z", seconds, now.tv_nsec);
}

void RuntimeLog::error(const std::string& message) const {
    fmt::print(stderr, "ingot-oci: error: {}\n", message);
    append(path, format_log_line("error", message, rfc3339_now(), json));
}

void RuntimeLog::debug_line(const std::string& message) const {
    if (debug)
        append(path, format_log_line("debug", message, rfc3339_now(), json));
}

} // namespace ingot
