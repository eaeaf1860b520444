// `-v HOSTDIR:GUESTDIR[:ro]`: what ingot accepts and refuses (one line each), and how the
// volumes reach QEMU (-fsdev and a virtio-9p device per volume) and the kernel command line.
#include "qemu/kernel_command_line.h"
#include "qemu/qemu_command.h"
#include "support/error.h"
#include "vmm/volume/volume_spec.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace ingot {
namespace {

std::string refusal(const std::string& text) {
    try {
        parse_volume_option(text);
    } catch (const UserError& error) {
        return error.what();
    }
    return "accepted";
}

TEST(VolumeOptions, TakesHostAndGuestDirectoriesAndTheMode) {
    VolumeSpec volume = parse_volume_option("/tmp:/data");
    EXPECT_EQ(volume.host, "/tmp");
    EXPECT_EQ(volume.guest, "/data");
    EXPECT_FALSE(volume.read_only);
    volume = parse_volume_option("/tmp/../tmp/:/srv/data/:ro");
    EXPECT_EQ(volume.host, "/tmp/");
    EXPECT_EQ(volume.guest, "/srv/data");
    EXPECT_TRUE(volume.read_only);
    EXPECT_FALSE(parse_volume_option("/tmp:/data:rw").read_only);
    volume = parse_volume_option(".:/here");
    EXPECT_EQ(volume.host, std::filesystem::current_path().string() + "/");
}

TEST(VolumeOptions, RefusesWhatCannotBeMounted) {
    EXPECT_EQ(refusal("/nonexistent-ingot:/data"),
              "-v /nonexistent-ingot:/data: /nonexistent-ingot: No such file or directory");
    EXPECT_EQ(refusal("/etc/passwd:/data"), "-v /etc/passwd:/data: /etc/passwd is not a "
                                            "directory");
    EXPECT_EQ(refusal("/tmp:data"),
              "-v /tmp:data: the guest path data is relative; give an absolute one");
    EXPECT_EQ(refusal("/tmp:/data:rx"), "-v /tmp:/data:rx: the mode is ro or rw, not 'rx'");
    EXPECT_EQ(refusal("/tmp"), "-v /tmp: expected HOSTDIR:GUESTDIR or HOSTDIR:GUESTDIR:ro");
    EXPECT_EQ(refusal(":/data"), "-v :/data: expected HOSTDIR:GUESTDIR or HOSTDIR:GUESTDIR:ro");
    EXPECT_EQ(refusal("/tmp:/a:ro:x"),
              "-v /tmp:/a:ro:x: expected HOSTDIR:GUESTDIR or HOSTDIR:GUESTDIR:ro");
    EXPECT_EQ(refusal("/tmp:/"),
              "-v /tmp:/: a volume cannot replace the guest's root; mount it on a directory");
    EXPECT_EQ(refusal("/tmp:/" + std::string(300, 'x')),
              "-v /tmp:/" + std::string(300, 'x') + ": the guest path is longer than 248 bytes");
}

TEST(VolumeOptions, RefusesTwoVolumesOnOneDirectoryAndTooMany) {
    EXPECT_THROW(parse_volume_options({"/tmp:/data", "/var:/data/"}), UserError);
    std::vector<std::string> many(9, "/tmp:/x");
    for (size_t i = 0; i < many.size(); ++i)
        many[i] += std::to_string(i);
    EXPECT_THROW(parse_volume_options(many), UserError);
    many.pop_back();
    EXPECT_EQ(parse_volume_options(many).size(), 8u);
}

TEST(VolumeOptions, QemuServesEachVolumeOverVirtio9p) {
    QemuLaunch launch;
    launch.qemu = "qemu-system-x86_64";
    launch.machine = "microvm";
    launch.memory_mib = 64;
    launch.kernel = "app.img";
    launch.volumes = {{"/srv/a,b", "/data", false}, {"/srv/c", "/ro", true}};
    std::vector<std::string> command = qemu_command(launch);
    auto has = [&](const std::string& option, const std::string& value) {
        for (size_t i = 0; i + 1 < command.size(); ++i)
            if (command[i] == option && command[i + 1] == value)
                return true;
        return false;
    };
    EXPECT_TRUE(has("-fsdev", "local,id=volume0,path=/srv/a,,b,security_model=none"));
    EXPECT_TRUE(has("-device", "virtio-9p-device,fsdev=volume0,mount_tag=ingot0"));
    EXPECT_TRUE(has("-fsdev", "local,id=volume1,path=/srv/c,security_model=none,readonly=on"));
    EXPECT_TRUE(has("-device", "virtio-9p-device,fsdev=volume1,mount_tag=ingot1"));
    launch.machine = "q35";
    command = qemu_command(launch);
    EXPECT_TRUE(has("-device", "virtio-9p-pci,fsdev=volume1,mount_tag=ingot1"));
}

TEST(VolumeOptions, TheKernelCommandLineSaysWhereEachVolumeGoes) {
    KernelCommandLineOptions options{};
    options.volumes = {{"/srv/a", "/data", false}, {"/srv/c", "/with space", true}};
    std::string line = kernel_command_line(options);
    EXPECT_NE(line.find(" ingot.volume=0:rw:/data"), std::string::npos) << line;
    EXPECT_NE(line.find(" ingot.volume=1:ro:/with%20space"), std::string::npos) << line;
}

TEST(VolumeOptions, TheMonitorContinuesAsTheOwnerOfTheVolumes) {
    char pattern[] = "/tmp/ingot-volume-owner-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    std::string directory = pattern;
    if (::geteuid() != 0) {
        auto owner = volume_owner({{directory, "/a", false}});
        ASSERT_TRUE(owner);
        EXPECT_EQ(owner->uid, ::geteuid());
    } else {
        auto root = volume_owner({{directory, "/a", false}});
        ASSERT_TRUE(root);
        EXPECT_EQ(root->uid, 0u);
        ASSERT_EQ(::chown(pattern, 65534, 65534), 0);
        auto owner = volume_owner({{directory, "/a", false}});
        ASSERT_TRUE(owner);
        EXPECT_EQ(owner->uid, 65534u);
        EXPECT_FALSE(volume_owner({{directory, "/a", false}, {"/tmp", "/b", false}}));
    }
    std::filesystem::remove_all(directory);
}

} // namespace
} // namespace ingot
