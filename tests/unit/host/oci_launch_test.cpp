#include "oci/oci_launch.h"
#include "oci/rootfs_path.h"
#include "support/error.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace ingot;
namespace fs = std::filesystem;

namespace {

// A bundle: rootfs/ with /usr/bin/server (an ELF header is all the mapping reads), /bin a
// symlink to usr/bin as in Debian, /entry.sh a script, /app/link an absolute symlink.
class OciBundle : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/ingot-oci-bundle-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        m_bundle = pattern;
        m_rootfs = m_bundle + "/rootfs";
        fs::create_directories(m_rootfs + "/usr/bin");
        fs::create_directories(m_rootfs + "/app");
        fs::create_directories(m_bundle + "/data");
        write(m_rootfs + "/usr/bin/server", "\x7f"
                                            "ELF and the rest");
        write(m_rootfs + "/entry.sh", "#!/bin/sh -e\nexec server\n");
        write(m_rootfs + "/notes.txt", "plain text\n");
        fs::create_directory_symlink("usr/bin", m_rootfs + "/bin");
        fs::create_symlink("/bin/server", m_rootfs + "/app/link");
        fs::create_symlink("loop2", m_rootfs + "/loop1");
        fs::create_symlink("loop1", m_rootfs + "/loop2");
        write(m_bundle + "/resolv.conf", "search example\nnameserver ::1\nnameserver 10.1.2.3\n");
        write(m_bundle + "/hosts", "127.0.0.1 localhost\n");
    }
    void TearDown() override { fs::remove_all(m_bundle); }

    static void write(const std::string& path, const std::string& text) {
        std::ofstream(path) << text;
    }

    OciConfig config(std::vector<std::string> args) {
        OciConfig config;
        config.root_path = "rootfs";
        config.args = std::move(args);
        config.env = {"PATH=/bin", "A=1"};
        return config;
    }

    std::string refusal(const OciConfig& config) {
        try {
            oci_launch_settings(config, m_bundle, "hvt");
        } catch (const UserError& error) {
            return error.what();
        }
        return "accepted";
    }

    std::string m_bundle;
    std::string m_rootfs;
};

} // namespace

TEST_F(OciBundle, PathsResolveInsideTheRootfs) {
    EXPECT_EQ(resolve_in_rootfs(m_rootfs, "/bin/server"), "/usr/bin/server");
    EXPECT_EQ(resolve_in_rootfs(m_rootfs, "/app/link"), "/usr/bin/server");
    EXPECT_EQ(resolve_in_rootfs(m_rootfs, "../../../bin/server"), "/usr/bin/server");
    EXPECT_EQ(resolve_in_rootfs(m_rootfs, "link", "/app"), "/usr/bin/server");
    EXPECT_EQ(resolve_in_rootfs(m_rootfs, "/loop1"), std::nullopt);
    EXPECT_EQ(resolve_in_rootfs(m_rootfs, "/nothing"), std::nullopt);
}

TEST_F(OciBundle, ProgramsAreFoundAsExecvpFindsThem) {
    EXPECT_EQ(find_program_in_rootfs(m_rootfs, "server", {"PATH=/sbin:/bin"}, "/"),
              "/usr/bin/server");
    // No PATH in the environment: the default one, which holds /usr/bin.
    EXPECT_EQ(find_program_in_rootfs(m_rootfs, "server", {}, "/"), "/usr/bin/server");
    EXPECT_EQ(find_program_in_rootfs(m_rootfs, "server", {"PATH=/app"}, "/"), std::nullopt);
    EXPECT_EQ(find_program_in_rootfs(m_rootfs, "/app/link", {}, "/"), "/usr/bin/server");
    EXPECT_EQ(find_program_in_rootfs(m_rootfs, "/usr", {}, "/"), std::nullopt); // a directory
}

TEST_F(OciBundle, AProgramIsPackedWithTheRootfs) {
    OciConfig with = config({"server", "80", "x"});
    with.memory_limit = 256ll << 20;
    with.hostname = "web1";
    LaunchSettings settings = oci_launch_settings(with, m_bundle, "qemu");
    EXPECT_EQ(settings.target, "/usr/bin/server");
    EXPECT_EQ(settings.files.rootfs, m_rootfs);
    EXPECT_EQ(settings.platform, "qemu");
    EXPECT_EQ(settings.options.arguments, (std::vector<std::string>{"80", "x"}));
    EXPECT_EQ(settings.options.environment, with.env);
    EXPECT_EQ(settings.options.memory, "256M");
    EXPECT_EQ(settings.identity.hostname, "web1");
    EXPECT_EQ(settings.stop_timeout, -1);
}

TEST_F(OciBundle, MemoryLimitsTheGuestCannotHaveLeaveTheDefault) {
    OciConfig with = config({"server"});
    with.memory_limit = -1;
    EXPECT_EQ(oci_launch_settings(with, m_bundle, "hvt").options.memory, "");
    with.memory_limit = 1ll << 50;
    EXPECT_EQ(oci_launch_settings(with, m_bundle, "hvt").options.memory, "");
}

TEST_F(OciBundle, MountsBecomeVolumesAndIdentity) {
    OciConfig with = config({"server"});
    with.mounts = {{"/proc", "proc", "proc", {}},
                   {"/dev/shm", "bind", m_bundle + "/data", {"bind"}},
                   {"/data", "", m_bundle + "/data", {"rbind", "ro"}},
                   {"/rw", "bind", m_bundle + "/data", {"rbind"}},
                   {"/etc/resolv.conf", "bind", m_bundle + "/resolv.conf", {"bind"}},
                   {"/etc/hosts", "bind", m_bundle + "/hosts", {"bind"}}};
    LaunchSettings settings = oci_launch_settings(with, m_bundle, "hvt");
    EXPECT_EQ(settings.volumes,
              (std::vector<std::string>{m_bundle + "/data:/data:ro", m_bundle + "/data:/rw"}));
    EXPECT_EQ(settings.identity.dns, (std::vector<std::string>{"10.1.2.3"}));
}

TEST_F(OciBundle, WhatAUnikernelCannotRunIsRefusedInOneLine) {
    std::string script = refusal(config({"/entry.sh"}));
    EXPECT_NE(script.find("is a script for '/bin/sh -e': it needs /bin/sh and fork/exec"),
              std::string::npos)
        << script;
    EXPECT_NE(refusal(config({"/notes.txt"})).find("neither an ELF program nor an Ingot image"),
              std::string::npos);
    EXPECT_NE(refusal(config({"nothing"})).find("is not a file in the bundle's root file system"),
              std::string::npos);
    OciConfig elsewhere = config({"server"});
    elsewhere.cwd = "/app";
    EXPECT_NE(refusal(elsewhere).find("process.cwd is '/app'"), std::string::npos);
    elsewhere.cwd = "//";
    EXPECT_EQ(refusal(elsewhere), "accepted");
    OciConfig missing = config({"server"});
    missing.root_path = "no-such-rootfs";
    EXPECT_NE(refusal(missing).find("root file system"), std::string::npos);
    OciConfig hooked = config({"server"});
    hooked.has_hooks = true;
    EXPECT_NE(refusal(hooked).find("hooks"), std::string::npos);
}

TEST(OciResolvConf, FirstIpv4Nameserver) {
    EXPECT_EQ(first_ipv4_nameserver("nameserver fe80::1\nnameserver 1.1.1.1\nnameserver 8.8.8.8\n"),
              "1.1.1.1");
    EXPECT_EQ(first_ipv4_nameserver("# nameserver 1.1.1.1\n"), "");
}
