#include "instance/instance_store.h"
#include "support/error.h"
#include "support/file.h"
#include "temporary_directory.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

using namespace ingot;

namespace {

InstanceConfig config_named(const std::string& name) {
    InstanceConfig config;
    config.id = generate_instance_id();
    config.name = name;
    config.executable = "/bin/true";
    config.command = {"run", "img"};
    return config;
}

size_t entries(const std::string& path) {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(path))
        ++count;
    return count;
}

} // namespace

TEST(InstanceStore, CreatesFindsAndRemoves) {
    ingot_test::TemporaryDirectory directory;
    InstanceStore store(directory.path());
    InstanceConfig config = config_named("web");
    store.create(config, InstanceState{}, "{\"version\": 1}");
    EXPECT_EQ(store.find("web").id, config.id);
    std::vector<uint8_t> plan = read_file(store.plan_path(config.id), "plan");
    EXPECT_EQ(std::string(plan.begin(), plan.end()), "{\"version\": 1}");
    EXPECT_EQ(store.find(config.id.substr(0, 5)).name, "web");
    EXPECT_EQ(store.config(config.id).command, config.command);
    EXPECT_EQ(store.state(config.id).status, "created");
    InstanceState changed = store.update_state(config.id, [](InstanceState& state) {
        state.restart_count = 3;
        state.exit_code = 1;
    });
    EXPECT_EQ(changed.restart_count, 3);
    EXPECT_EQ(store.state(config.id).exit_code, 1);
    store.remove(store.find("web"));
    EXPECT_THROW(store.find("web"), UserError);
    EXPECT_EQ(entries(directory.path() + "/instances"), 0u);
    EXPECT_EQ(entries(directory.path() + "/names"), 0u);
}

TEST(InstanceStore, ADuplicateNameLeavesNothing) {
    ingot_test::TemporaryDirectory directory;
    InstanceStore store(directory.path());
    store.create(config_named("web"), InstanceState{}, "{}");
    EXPECT_THROW(store.create(config_named("web"), InstanceState{}, "{}"), UserError);
    EXPECT_THROW(store.create(config_named("bad name"), InstanceState{}, "{}"), UserError);
    EXPECT_EQ(entries(directory.path() + "/instances"), 1u);
    EXPECT_EQ(entries(directory.path() + "/names"), 1u);
    EXPECT_EQ(store.keys().size(), 1u);
    std::string name = store.unused_generated_name();
    EXPECT_TRUE(is_valid_instance_name(name));
    EXPECT_NE(name, "web");
}

TEST(InstanceStore, ANameLeftByADeadCreationIsFreeAgain) {
    ingot_test::TemporaryDirectory directory;
    InstanceStore store(directory.path());
    ASSERT_EQ(symlink("0123abcd", (directory.path() + "/names/web").c_str()), 0);
    InstanceConfig config = config_named("web");
    store.create(config, InstanceState{}, "{}");
    EXPECT_EQ(store.find("web").id, config.id);
}

TEST(InstanceStore, RecordsSurviveTheirJson) {
    InstanceState state;
    state.status = "exited";
    state.vm = {42, 99, "boot"};
    state.exit_code = 137;
    state.killed_by = "SIGKILL";
    state.restart_count = 2;
    state.error = "ingot: crash\n";
    InstanceState again = state_from_json(to_json(state));
    EXPECT_EQ(again.vm.pid, 42);
    EXPECT_EQ(again.vm.start_time, 99u);
    EXPECT_EQ(again.vm.boot_id, "boot");
    EXPECT_EQ(again.exit_code, 137);
    EXPECT_EQ(again.killed_by, "SIGKILL");
    EXPECT_EQ(again.restart_count, 2);
    EXPECT_EQ(again.error, state.error);
    EXPECT_FALSE(state_from_json(to_json(InstanceState{})).exit_code);
    EXPECT_EQ(format_time(1'700'000'000'000'000'001), "2023-11-14T22:13:20.000000001Z");
}
