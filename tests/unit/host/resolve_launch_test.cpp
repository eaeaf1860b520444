// resolve_launch: the run's settings over the image's, the refusals, and the plan's JSON.
#include "image/image.h"
#include "launch/launch_image.h"
#include "launch/launch_plan_json.h"
#include "launch/resolve_launch.h"
#include "qemu/qemu_binary.h"
#include "support/error.h"
#include "support/file.h"
#include "test_support.h"

#include <ingot/abi/memory_layout.h>
#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <unistd.h>

namespace ingot {
namespace {

using Strings = std::vector<std::string>;
using nlohmann::json;

// A directory of its own, removed with what is in it.
class TemporaryDirectory {
public:
    TemporaryDirectory() {
        char name[] = "/tmp/ingot-launch-test-XXXXXX";
        if (!::mkdtemp(name))
            throw std::runtime_error("mkdtemp failed");
        m_path = name;
    }
    ~TemporaryDirectory() { std::filesystem::remove_all(m_path); }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

std::string rejection(const std::function<void()>& action) {
    try {
        action();
    } catch (const UserError& error) {
        return error.what();
    }
    return "";
}

class ResolveLaunch : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        directory = new TemporaryDirectory;
        Manifest manifest;
        manifest.arguments = {"server", "--port", "80"};
        manifest.environment = {"A=1", "B=2"};
        manifest.memory_size = 32ull << 20;
        image_path = new std::string(directory->path() + "/server.img");
        write_file_atomically(*image_path,
                              build_image(ingot_test::read_file(ingot_test::kernel_elf_path()),
                                          ingot_test::read_file(ingot_test::static_program_path()),
                                          manifest),
                              false);
    }
    static void TearDownTestSuite() {
        delete image_path;
        delete directory;
    }

    static LaunchSettings image_settings() {
        LaunchSettings settings;
        settings.target = *image_path;
        return settings;
    }
    static std::string refusal(const LaunchSettings& settings) {
        return rejection([&] { resolve_launch(settings); });
    }

    static TemporaryDirectory* directory;
    static std::string* image_path;
};
TemporaryDirectory* ResolveLaunch::directory;
std::string* ResolveLaunch::image_path;

TEST_F(ResolveLaunch, AnImageAloneRunsAsItWasBuilt) {
    LaunchPlan plan = resolve_launch(image_settings());
    ASSERT_TRUE(plan.hvt());
    EXPECT_FALSE(plan.hvt()->print_stats);
    EXPECT_EQ(plan.image.path, *image_path);
    EXPECT_TRUE(plan.image.packed.empty());
    EXPECT_EQ(plan.arguments, (Strings{"server", "--port", "80"}));
    EXPECT_EQ(plan.environment, (Strings{"A=1", "B=2"}));
    EXPECT_EQ(plan.memory_size, 32ull << 20);
    EXPECT_EQ(plan.stack_size, abi::default_stack_size);
    EXPECT_EQ(plan.stop_timeout, std::chrono::seconds(10));
    EXPECT_FALSE(plan.network);
    EXPECT_FALSE(plan.identity);
    EXPECT_TRUE(plan.volumes.empty());
    LaunchImage opened(plan);
    EXPECT_EQ(opened.file(), *image_path);
    EXPECT_EQ(opened.image().payload.checksum, plan.image.checksum);
}

TEST_F(ResolveLaunch, TheRunsArgumentsEnvironmentAndMemoryWin) {
    LaunchSettings settings = image_settings();
    settings.options.arguments = {"--port", "8080"};
    settings.options.environment = {"B=3", "C=4"};
    settings.options.memory = "96"; // MiB, as QEMU's -m
    settings.stop_timeout = -1;
    LaunchPlan plan = resolve_launch(settings);
    EXPECT_EQ(plan.arguments, (Strings{"server", "--port", "8080"}));
    EXPECT_EQ(plan.environment, (Strings{"A=1", "B=3", "C=4"}));
    EXPECT_EQ(plan.memory_size, 96ull << 20);
    EXPECT_FALSE(plan.stop_timeout);
}

TEST_F(ResolveLaunch, AProgramIsPackedWithItsArgumentsInTheManifest) {
    LaunchSettings settings;
    settings.target = ingot_test::static_program_path();
    settings.options.arguments = {"one"};
    settings.options.environment = {"X=1"};
    LaunchPlan plan = resolve_launch(settings);
    EXPECT_TRUE(plan.image.path.empty());
    EXPECT_FALSE(plan.image.packed.empty());
    std::string name = std::filesystem::path(settings.target).filename();
    EXPECT_EQ(plan.arguments, (Strings{name, "one"}));
    EXPECT_EQ(plan.environment, Strings{"X=1"});
    EXPECT_EQ(plan.memory_size, abi::default_memory_size);
    EXPECT_EQ(LaunchImage(plan).image().manifest.arguments, plan.arguments);
}

TEST_F(ResolveLaunch, OptionsOfTheOtherPlatformAreRefused) {
    LaunchSettings settings = image_settings();
    settings.platform = "qemu";
    settings.print_stats = true;
    EXPECT_EQ(refusal(settings), "--stats counts the hvt monitor's exits and hypercalls: use it "
                                 "with --platform hvt");
    for (auto option : {&LaunchSettings::qemu, &LaunchSettings::qemu_machine,
                        &LaunchSettings::qemu_console, &LaunchSettings::accelerator}) {
        LaunchSettings hvt = image_settings();
        hvt.*option = "x";
        EXPECT_NE(refusal(hvt).find("is an option of --platform qemu"), std::string::npos)
            << refusal(hvt);
    }
}

TEST_F(ResolveLaunch, WhatAnImageFixesIsRefused) {
    LaunchSettings stack = image_settings();
    stack.options.stack = "2M";
    EXPECT_EQ(refusal(stack),
              "--stack is fixed when the image is built; rebuild it to change the stack size");
    LaunchSettings add = image_settings();
    add.files.added = {"/etc/hostname"};
    EXPECT_NE(refusal(add).find("--add and --rootfs are for programs"), std::string::npos);
}

TEST_F(ResolveLaunch, MemoryIsCheckedAgainstTheImageOnce) {
    LaunchSettings small = image_settings();
    small.options.memory = "1";
    EXPECT_NE(refusal(small).find("--mem 1 MiB is too small for this image"), std::string::npos)
        << refusal(small);
    LaunchSettings large = image_settings();
    large.options.memory = "65G";
    EXPECT_NE(refusal(large).find("is more than Ingot supports"), std::string::npos);
    LaunchSettings lots = image_settings();
    lots.options.memory = "lots";
    EXPECT_EQ(refusal(lots), "--mem 'lots' is not a size (examples: 64M, 512MiB, 1G)");
}

TEST_F(ResolveLaunch, QemuIsResolvedToItsBinaryMachineAndAccelerator) {
    try {
        find_qemu("");
    } catch (const UserError& error) {
        GTEST_SKIP() << error.what();
    }
    LaunchSettings settings = image_settings();
    settings.platform = "qemu";
    settings.accelerator = "tcg";
    LaunchPlan plan = resolve_launch(settings);
    ASSERT_TRUE(plan.qemu());
    EXPECT_FALSE(plan.qemu()->binary.empty());
    EXPECT_EQ(plan.qemu()->machine, "microvm");
    EXPECT_EQ(plan.qemu()->accelerator, Accelerator::Tcg);
    settings.qemu_machine = "frob";
    EXPECT_NE(refusal(settings).find("--qemu-machine 'frob'"), std::string::npos)
        << refusal(settings);
}

// Everything a plan holds, set, for the round trip.
LaunchPlan full_plan(const std::string& image_path, const std::string& volume) {
    LaunchSettings settings;
    settings.target = image_path;
    settings.options.arguments = {"-v"};
    settings.options.environment = {"Z=26"};
    settings.trace_syscalls = settings.boot_trace = settings.verbose = true;
    settings.syscalls = "trap";
    settings.raw_console = settings.print_stats = true;
    settings.stop_timeout = 3;
    settings.network.published = {"127.0.0.1:8080:80", "5353:53/udp"};
    settings.network.mac = "02:00:00:aa:bb:cc";
    settings.identity.hostname = "web-1";
    settings.identity.dns = {"1.1.1.1", "9.9.9.9"};
    settings.volumes = {volume + ":/data:ro"};
    return resolve_launch(settings);
}

TEST_F(ResolveLaunch, APlanSurvivesJson) {
    LaunchPlan plan = full_plan(*image_path, directory->path());
    std::string text = format_launch_plan(plan);
    LaunchPlan read = parse_launch_plan(text);
    EXPECT_EQ(format_launch_plan(read), text);
    EXPECT_EQ(read.image.path, plan.image.path);
    EXPECT_EQ(read.image.checksum, plan.image.checksum);
    EXPECT_EQ(read.arguments, (Strings{"server", "-v"}));
    EXPECT_EQ(read.environment, (Strings{"A=1", "B=2", "Z=26"}));
    EXPECT_EQ(read.memory_size, plan.memory_size);
    EXPECT_EQ(read.stop_timeout, std::chrono::seconds(3));
    EXPECT_TRUE(read.raw_console && read.trace_syscalls && read.syscall_traps && read.boot_trace &&
                read.verbose);
    ASSERT_TRUE(read.hvt());
    EXPECT_TRUE(read.hvt()->print_stats);
    EXPECT_TRUE(read.hvt()->sandbox.serves_volumes);
    EXPECT_EQ(read.hvt()->sandbox.identity.has_value(), plan.hvt()->sandbox.identity.has_value());
    ASSERT_TRUE(read.network);
    EXPECT_EQ(read.network->guest.mac, plan.network->guest.mac);
    EXPECT_EQ(read.network->guest.address, plan.network->guest.address);
    EXPECT_EQ(read.network->guest.dns, 0x01010101u); // the first --dns
    ASSERT_EQ(read.network->published.size(), 2u);
    EXPECT_EQ(read.network->published[0].host_address, 0x7f000001u);
    EXPECT_EQ(read.network->published[0].family, HostFamily::Ipv4);
    EXPECT_EQ(read.network->published[1].protocol, TransportProtocol::Udp);
    EXPECT_EQ(read.network->published[1].family, HostFamily::Both);
    ASSERT_TRUE(read.identity);
    EXPECT_EQ(std::memcmp(&*read.identity, &*plan.identity, sizeof(abi::Identity)), 0);
    ASSERT_EQ(read.volumes.size(), 1u);
    EXPECT_EQ(read.volumes[0].guest, "/data");
    EXPECT_TRUE(read.volumes[0].read_only);
    // The plan read back opens the same image.
    EXPECT_EQ(LaunchImage(read).image().payload.checksum, plan.image.checksum);
}

TEST_F(ResolveLaunch, APackedImageAndAQemuPlanSurviveJson) {
    LaunchSettings settings;
    settings.target = ingot_test::static_program_path();
    LaunchPlan plan = resolve_launch(settings);
    plan.platform = QemuPlan{"/usr/bin/qemu-system-x86_64", "q35,pit=off", Accelerator::Kvm,
                             "kvm (chosen with --accel)", QemuConsole::Serial};
    LaunchPlan read = parse_launch_plan(format_launch_plan(plan));
    EXPECT_EQ(read.image.packed, plan.image.packed);
    EXPECT_TRUE(read.image.path.empty());
    ASSERT_TRUE(read.qemu());
    EXPECT_EQ(read.qemu()->binary, "/usr/bin/qemu-system-x86_64");
    EXPECT_EQ(read.qemu()->machine, "q35,pit=off");
    EXPECT_EQ(read.qemu()->accelerator, Accelerator::Kvm);
    EXPECT_EQ(read.qemu()->accelerator_reason, "kvm (chosen with --accel)");
    EXPECT_EQ(read.qemu()->console, QemuConsole::Serial);
    EXPECT_EQ(LaunchImage(read).image().manifest.arguments, plan.arguments);
}

TEST_F(ResolveLaunch, PublishedHostAddressesOfEitherFamilySurviveJson) {
    json document = full_plan(*image_path, directory->path());
    json& published = document["network"]["published"];
    EXPECT_EQ(published[0]["host_address"], "127.0.0.1");
    EXPECT_EQ(published[1]["host_address"], "*"); // every address, IPv4 and IPv6
    published[0]["host_address"] = "2001:db8::1";
    LaunchPlan read = parse_launch_plan(document.dump());
    EXPECT_EQ(read.network->published[0].family, HostFamily::Ipv6);
    EXPECT_EQ(format_ipv6(read.network->published[0].host_address6), "2001:db8::1");
    EXPECT_EQ(read.network->published[1].family, HostFamily::Both);
    EXPECT_EQ(json::parse(format_launch_plan(read)), document);
    published[0]["host_address"] = "localhost";
    EXPECT_EQ(rejection([&] { parse_launch_plan(document.dump()); }),
              "the launch plan is malformed: network.published[].host_address 'localhost' is "
              "neither '*' nor an IPv4 or IPv6 address");
}

TEST_F(ResolveLaunch, AMalformedPlanGivesOneClearError) {
    json good = resolve_launch(image_settings());
    auto refused = [&](const std::function<void(json&)>& change) {
        json document = good;
        change(document);
        return rejection([&] { parse_launch_plan(document.dump()); });
    };
    EXPECT_EQ(rejection([] { parse_launch_plan("{\"version\": 1,"); }),
              "the launch plan is not JSON (byte 15)");
    EXPECT_EQ(rejection([] { parse_launch_plan("[]"); }),
              "the launch plan is malformed: the document is not an object");
    EXPECT_EQ(refused([](json& d) { d["version"] = 2; }),
              "the launch plan is of version 2: this ingot reads version 1");
    EXPECT_EQ(refused([](json& d) { d.erase("memory_size"); }),
              "the launch plan is malformed: memory_size is missing");
    EXPECT_EQ(refused([](json& d) { d["memory_size"] = "64M"; }),
              fmt::format("the launch plan is malformed: memory_size is not a whole number up "
                          "to {}",
                          abi::maximum_memory));
    EXPECT_EQ(refused([](json& d) { d["memory_size"] = 4097; }),
              "the launch plan is malformed: memory_size is not a size Ingot supports");
    EXPECT_EQ(refused([](json& d) { d["platform"]["name"] = "xen"; }),
              "the launch plan is malformed: platform.name 'xen' is neither hvt nor qemu");
    EXPECT_EQ(refused([](json& d) { d["arguments"] = json::array(); }),
              "the launch plan is malformed: arguments or environment are refused: the program "
              "needs at least argv[0]");
    EXPECT_EQ(refused([](json& d) { d["environment"] = json::array({"NOEQUALS"}); }),
              "the launch plan is malformed: arguments or environment are refused: environment "
              "entry 'NOEQUALS' is not NAME=VALUE");
    EXPECT_EQ(refused([](json& d) { d["image"].erase("path"); }),
              "the launch plan is malformed: image names neither a path nor packed bytes, or both");
    EXPECT_EQ(refused([](json& d) {
                  d["image"].erase("path");
                  d["image"]["packed"] = "not base64!";
              }),
              "the launch plan is malformed: image.packed is not base64 image bytes");
    EXPECT_EQ(refused([](json& d) {
                  d["volumes"] = json::array({json{{"host", "/"}}});
              }),
              "the launch plan is malformed: volumes[].guest is missing");
}

TEST_F(ResolveLaunch, AStoredPlanRefusesAnImageThatChanged) {
    LaunchPlan plan = resolve_launch(image_settings());
    plan.image.checksum ^= 1;
    EXPECT_NE(rejection([&] { LaunchImage opened(plan); })
                  .find("changed since this launch was "
                        "planned"),
              std::string::npos);
    LaunchPlan renamed = resolve_launch(image_settings());
    renamed.arguments[0] = "other";
    EXPECT_NE(rejection([&] { LaunchImage opened(renamed); }).find("argv[0] must be the image's"),
              std::string::npos);
    LaunchPlan dropped = resolve_launch(image_settings());
    dropped.environment = {"B=2"};
    EXPECT_NE(rejection([&] { LaunchImage opened(dropped); }).find("drops or reorders"),
              std::string::npos);
}

} // namespace
} // namespace ingot
