#include "oci/oci_config.h"
#include "oci/runtime_log.h"
#include "oci/signal_names.h"
#include "support/error.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

using namespace ingot;

namespace {

// What podman writes, shortened: the fields ingot-oci reads and some it leaves.
constexpr const char* podman_config = R"({
  "ociVersion": "1.0.2-dev",
  "process": {"terminal": false, "user": {"uid": 0, "gid": 0},
              "args": ["/http_server", "80"],
              "env": ["PATH=/usr/local/bin:/usr/bin", "container=podman"], "cwd": "/"},
  "root": {"path": "/var/lib/containers/storage/overlay/abc/merged"},
  "hostname": "f00dcafe",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/etc/hosts", "type": "bind", "source": "/run/x/hosts",
              "options": ["bind", "rprivate"]},
             {"destination": "/data", "source": "/srv/data", "options": ["rbind", "ro"]}],
  "linux": {"resources": {"memory": {"limit": 134217728}},
            "namespaces": [{"type": "pid"}, {"type": "network", "path": "/run/netns/cni-1"}]},
  "annotations": {"io.podman.annotations.autoremove": "FALSE"}
})";

} // namespace

TEST(OciConfig, ReadsWhatPodmanWrites) {
    OciConfig config = parse_oci_config(podman_config);
    EXPECT_EQ(config.root_path, "/var/lib/containers/storage/overlay/abc/merged");
    EXPECT_EQ(config.args, (std::vector<std::string>{"/http_server", "80"}));
    EXPECT_EQ(config.env.size(), 2u);
    EXPECT_EQ(config.cwd, "/");
    EXPECT_EQ(config.hostname, "f00dcafe");
    ASSERT_TRUE(config.memory_limit);
    EXPECT_EQ(*config.memory_limit, 128 << 20);
    ASSERT_EQ(config.mounts.size(), 3u);
    EXPECT_FALSE(config.mounts[0].is_bind());
    EXPECT_TRUE(config.mounts[1].is_bind());
    EXPECT_TRUE(config.mounts[2].is_bind());
    EXPECT_TRUE(config.mounts[2].read_only());
    ASSERT_EQ(config.namespaces.size(), 2u);
    EXPECT_EQ(config.namespaces[1].path, "/run/netns/cni-1");
    EXPECT_EQ(config.annotations.at("io.podman.annotations.autoremove"), "FALSE");
    EXPECT_FALSE(config.has_hooks);
}

TEST(OciConfig, RefusesWhatIsNotAConfig) {
    auto message = [](const std::string& text) {
        try {
            parse_oci_config(text);
        } catch (const UserError& error) {
            return std::string(error.what());
        }
        return std::string("accepted");
    };
    EXPECT_NE(message("{").find("not valid JSON"), std::string::npos);
    EXPECT_EQ(message("[]"), "not a JSON object");
    EXPECT_NE(message(R"({"process": {"args": ["/x"]}})").find("root.path is missing"),
              std::string::npos);
    EXPECT_NE(message(R"({"root": {"path": "rootfs"}})").find("process is missing"),
              std::string::npos);
    EXPECT_NE(message(R"({"root": {"path": "rootfs"}, "process": {"args": []}})")
                  .find("process.args is empty"),
              std::string::npos);
    EXPECT_EQ(message(R"({"root": {"path": "rootfs"}, "process": {"args": "x"}})"),
              "process.args has the wrong type (string)");
    EXPECT_EQ(message(R"({"root": {"path": 7}, "process": {"args": ["x"]}})"),
              "root.path has the wrong type (number)");
}

TEST(OciConfig, NoticesHooks) {
    OciConfig config = parse_oci_config(
        R"({"root": {"path": "r"}, "process": {"args": ["x"]},
            "hooks": {"prestart": [{"path": "/bin/true"}]}})");
    EXPECT_TRUE(config.has_hooks);
    EXPECT_FALSE(parse_oci_config(R"({"root": {"path": "r"}, "process": {"args": ["x"]},
                                      "hooks": {"prestart": []}})")
                     .has_hooks);
}

TEST(OciSignals, NamesAndNumbers) {
    EXPECT_EQ(parse_signal("9"), SIGKILL);
    EXPECT_EQ(parse_signal("KILL"), SIGKILL);
    EXPECT_EQ(parse_signal("SIGTERM"), SIGTERM);
    EXPECT_EQ(parse_signal("sigint"), SIGINT);
    EXPECT_EQ(parse_signal("SIGFROB"), std::nullopt);
    EXPECT_EQ(parse_signal("0"), std::nullopt);
    EXPECT_EQ(parse_signal("100"), std::nullopt);
    EXPECT_EQ(parse_signal("SIG"), std::nullopt);
}

TEST(OciLog, LinesAsLogrusWritesThem) {
    auto line = format_log_line("error", "container \"x\" exists", "2026-01-02T03:04:05Z", true);
    auto parsed = nlohmann::json::parse(line);
    EXPECT_EQ(parsed["level"], "error");
    EXPECT_EQ(parsed["msg"], "container \"x\" exists");
    EXPECT_EQ(parsed["time"], "2026-01-02T03:04:05Z");
    EXPECT_EQ(format_log_line("error", "a \"b\"", "T", false),
              R"(time="T" level=error msg="a \"b\"")");
    EXPECT_EQ(rfc3339_now().size(), 30u); // 2026-01-02T03:04:05.123456789Z
}
