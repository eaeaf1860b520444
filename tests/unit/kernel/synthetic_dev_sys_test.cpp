#include "kernel/synthetic_test_support.h"

namespace {

using namespace synthetic_test;
using kernel::RefPtr;
using kernel::vfs::Attributes;
using kernel::vfs::NodeType;

class DevFileSystem : public testing::Test {
protected:
    FakeFacts facts;
    RecordingOpener opener;
    RefPtr<SyntheticFileSystem> dev = make_dev_file_system(facts, opener);

    Attributes attributes_of(const std::string& path) {
        Attributes attributes{};
        auto inode = walk(*dev, path);
        EXPECT_TRUE(inode) << path;
        if (inode) {
            EXPECT_EQ(kernel_test::outcome(inode->attributes(attributes)), "OK");
        }
        return attributes;
    }
};

TEST_F(DevFileSystem, ListsTheContainerDevices) {
    ASSERT_TRUE(dev);
    Listing listing;
    uint64_t cookie = 0;
    ASSERT_OK(dev->root()->read_directory(cookie, listing));
    EXPECT_EQ(listing.names, (std::vector<std::string>{".", "..", "null", "zero", "full", "random",
                                                       "urandom", "tty", "console", "stdin",
                                                       "stdout", "stderr", "fd", "shm"}));
    EXPECT_EQ(attributes_of("").mode, 040755u);
}

TEST_F(DevFileSystem, DevicesCarryLinuxsNumbers) {
    struct Expected {
        const char* name;
        uint64_t device; // st_rdev
        uint32_t mode;
    };
    for (Expected expected : {Expected{"null", 0x103, 020666},
                              {"zero", 0x105, 020666},
                              {"full", 0x107, 020666},
                              {"random", 0x108, 020666},
                              {"urandom", 0x109, 020666},
                              {"tty", 0x500, 020666},
                              {"console", 0x501, 020600}}) {
        Attributes attributes = attributes_of(expected.name);
        EXPECT_EQ(attributes.device, expected.device) << expected.name;
        EXPECT_EQ(attributes.mode, expected.mode) << expected.name;
        EXPECT_EQ(attributes.size, 0u);
    }
    EXPECT_EQ(encode_device(136, 300), (136u << 8) | (300u & 0xff) | ((300u & ~0xffu) << 12));
}

TEST_F(DevFileSystem, OpeningADeviceAsksForItsFile) {
    ASSERT_OK(walk(*dev, "full")->open_special(2));
    EXPECT_EQ(opener.last_device, DeviceKind::Full);
    ASSERT_OK(walk(*dev, "urandom")->open_special(0));
    EXPECT_EQ(opener.last_device, DeviceKind::Urandom);
    // No controlling terminal in a unikernel: tty_open's ENXIO.
    EXPECT_ERRNO(walk(*dev, "tty")->open_special(2), ENXIO);
    EXPECT_EQ(opener.opened, 2);
}

TEST_F(DevFileSystem, StreamsLinkIntoProc) {
    EXPECT_EQ(link_target(*walk(*dev, "stdin")), "/proc/self/fd/0");
    EXPECT_EQ(link_target(*walk(*dev, "stdout")), "/proc/self/fd/1");
    EXPECT_EQ(link_target(*walk(*dev, "stderr")), "/proc/self/fd/2");
    EXPECT_EQ(link_target(*walk(*dev, "fd")), "/proc/self/fd");
    EXPECT_ERRNO(walk(*dev, "null")->read_link(nullptr, 0), EINVAL);
}

TEST_F(DevFileSystem, ShmIsAnEmptyMountPoint) {
    auto shm = walk(*dev, "shm");
    ASSERT_TRUE(shm);
    EXPECT_EQ(attributes_of("shm").mode, 041777u);
    Listing listing;
    uint64_t cookie = 0;
    ASSERT_OK(shm->read_directory(cookie, listing));
    EXPECT_EQ(listing.names, (std::vector<std::string>{".", ".."}));
}

TEST_F(DevFileSystem, NothingCanBeCreatedOrRemoved) {
    auto root = dev->root();
    EXPECT_ERRNO(root->create("sda", NodeType::BlockDevice, 0600, 0x800), EPERM);
    EXPECT_ERRNO(root->create("file", NodeType::Regular, 0600, 0), EPERM);
    EXPECT_ERRNO(root->remove("null", false), EPERM);
    EXPECT_ERRNO(root->lookup("sda"), ENOENT);
    EXPECT_ERRNO(walk(*dev, "null")->lookup("x"), ENOTDIR);
    EXPECT_ERRNO(walk(*dev, "null")->create("x", NodeType::Regular, 0600, 0), ENOTDIR);
}

class SysFileSystem : public testing::Test {
protected:
    FakeFacts facts;
    RecordingOpener opener;
    RefPtr<SyntheticFileSystem> sys = make_sys_file_system(facts, opener);
};

TEST_F(SysFileSystem, CpusAndHugePages) {
    ASSERT_TRUE(sys);
    EXPECT_EQ(generated(*sys, "devices/system/cpu/online"), "0\n");
    EXPECT_EQ(generated(*sys, "devices/system/cpu/possible"), "0\n");
    EXPECT_EQ(generated(*sys, "kernel/mm/transparent_hugepage/enabled"),
              "always madvise [never]\n");
    EXPECT_EQ(generated(*sys, "devices/system/cpu/offline"), "(missing)");
}

TEST_F(SysFileSystem, ReadOnlyAsDockerMountsIt) {
    EXPECT_TRUE(sys->is_read_only());
    auto root = sys->root();
    EXPECT_ERRNO(root->create("x", NodeType::Regular, 0644, 0), EROFS);
    EXPECT_ERRNO(root->create("d", NodeType::Directory, 0755, 0), EROFS);
    EXPECT_ERRNO(root->remove("kernel", true), EROFS);
    auto enabled = walk(*sys, "kernel/mm/transparent_hugepage/enabled");
    EXPECT_ERRNO(enabled->open_special(1), EROFS);
    EXPECT_ERRNO(enabled->open_special(2), EROFS);
    ASSERT_OK(enabled->open_special(0));
    EXPECT_EQ(opener.last_text, "always madvise [never]\n");
    kernel::vfs::FileSystemStatistics statistics;
    ASSERT_OK(sys->statistics(statistics));
    EXPECT_EQ(statistics.type, 0x62656572u);
}

} // namespace
