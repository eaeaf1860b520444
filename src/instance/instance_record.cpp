#include "instance/instance_record.h"

#include <fmt/format.h>

#include <ctime>

namespace ingot {

namespace {

nlohmann::json to_json(const ProcessIdentity& process) {
    return {{"pid", process.pid}, {"start_time", process.start_time}, {"boot_id", process.boot_id}};
}

ProcessIdentity process_from_json(const nlohmann::json& json) {
    return {json.value("pid", 0), json.value("start_time", uint64_t{0}),
            json.value("boot_id", std::string())};
}

} // namespace

nlohmann::json to_json(const InstanceConfig& config) {
    return {{"id", config.id},
            {"name", config.name},
            {"image", config.image},
            {"platform", config.platform},
            {"executable", config.executable},
            {"command", config.command},
            {"working_directory", config.working_directory},
            {"ports", config.ports},
            {"volumes", config.volumes},
            {"restart_policy", config.restart_policy},
            {"created_at", config.created_at}};
}

InstanceConfig config_from_json(const nlohmann::json& json) {
    InstanceConfig config;
    config.id = json.at("id").get<std::string>();
    config.name = json.at("name").get<std::string>();
    config.image = json.value("image", std::string());
    config.platform = json.value("platform", std::string());
    config.executable = json.at("executable").get<std::string>();
    config.command = json.at("command").get<std::vector<std::string>>();
    config.working_directory = json.value("working_directory", std::string("/"));
    config.ports = json.value("ports", std::vector<std::string>());
    config.volumes = json.value("volumes", std::vector<std::string>());
    config.restart_policy = json.value("restart_policy", std::string("no"));
    config.created_at = json.value("created_at", int64_t{0});
    return config;
}

nlohmann::json to_json(const InstanceState& state) {
    nlohmann::json json = {{"status", state.status},
                           {"supervisor", to_json(state.supervisor)},
                           {"vm", to_json(state.vm)},
                           {"started_at", state.started_at},
                           {"finished_at", state.finished_at},
                           {"exit_code", nullptr},
                           {"killed_by", state.killed_by},
                           {"restart_count", state.restart_count},
                           {"stop_requested", state.stop_requested},
                           {"error", state.error}};
    if (state.exit_code)
        json["exit_code"] = *state.exit_code;
    return json;
}

InstanceState state_from_json(const nlohmann::json& json) {
    InstanceState state;
    state.status = json.value("status", std::string("created"));
    if (json.contains("supervisor"))
        state.supervisor = process_from_json(json.at("supervisor"));
    if (json.contains("vm"))
        state.vm = process_from_json(json.at("vm"));
    state.started_at = json.value("started_at", int64_t{0});
    state.finished_at = json.value("finished_at", int64_t{0});
    if (json.contains("exit_code") && json.at("exit_code").is_number_integer())
        state.exit_code = json.at("exit_code").get<int>();
    state.killed_by = json.value("killed_by", std::string());
    state.restart_count = json.value("restart_count", 0);
    state.stop_requested = json.value("stop_requested", false);
    state.error = json.value("error", std::string());
    return state;
}

int64_t now_nanoseconds() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

std::string format_time(int64_t nanoseconds) {
    if (nanoseconds == 0)
        return "";
    time_t seconds = static_cast<time_t>(nanoseconds / 1'000'000'000);
    tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                       nanoseconds % 1'000'000'000);
}

} // namespace ingot
