// The guest's 9P client (kernel/fs/p9) against the hvt monitor's server (src/vmm/volume) over
// an in-memory transport, on real temporary directories: what the guest changes is on the
// host at once and the reverse, a read-only volume refuses every change with EROFS, and no
// message, however hostile, reaches outside the volume (.., absolute and swapped-in symbolic
// links, device nodes) or crashes the server.
#include "vmm/volume/p9_server.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "kernel/kernel_test_support.h"

#include "fs/p9/p9_file_system.h"
#include "fs/p9/p9_inode.h"

namespace {

namespace p9 = kernel::p9;
namespace vfs = kernel::vfs;
namespace fs = std::filesystem;
using kernel::RefPtr;
using kernel::StringView;

class MemoryTransport final : public p9::Transport {
public:
    MemoryTransport(ingot::P9Server& server, uint32_t size)
        : m_server(server), m_request(size), m_response(size) {}
    uint32_t message_size() const override { return static_cast<uint32_t>(m_request.size()); }
    uint8_t* request_buffer() override { return m_request.data(); }
    uint8_t* response_buffer() override { return m_response.data(); }
    kernel::ErrorOr<size_t> exchange(size_t length) override {
        ++exchanges;
        return m_server.serve(m_request.data(), length, m_response.data(), m_response.size());
    }
    size_t exchanges = 0;

private:
    ingot::P9Server& m_server;
    std::vector<uint8_t> m_request;
    std::vector<uint8_t> m_response;
};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class Names final : public vfs::DirectoryVisitor {
public:
    bool visit(const vfs::DirectoryEntry& entry) override {
        names.insert(std::string(entry.name.data, entry.name.length));
        return true;
    }
    std::set<std::string> names;
};

class P9Volume : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/ingot-p9-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        m_top = pattern;
        volume = m_top / "volume";
        outside = m_top / "outside";
        fs::create_directories(volume);
        fs::create_directories(outside);
        std::ofstream(outside / "secret") << "outside the volume";
    }
    void TearDown() override {
        m_root = nullptr;
        m_file_system = nullptr;
        m_transport.reset();
        m_server.reset();
        fs::remove_all(m_top);
    }

    void start(bool read_only = false) {
        int root = ::open(volume.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        ASSERT_GE(root, 0);
        m_server = std::make_unique<ingot::P9Server>(root, read_only);
        m_transport = std::make_unique<MemoryTransport>(*m_server, 64 * 1024);
        auto connected = p9::P9FileSystem::connect(*m_transport, read_only);
        ASSERT_FALSE(connected.is_error());
        m_file_system = connected.release_value();
        m_root = m_file_system->root();
    }

    RefPtr<vfs::Inode> lookup(const char* name) {
        auto found = m_root->lookup(name);
        EXPECT_FALSE(found.is_error()) << name;
        return found.is_error() ? nullptr : found.release_value();
    }

    // One raw message to the server: the response's type and, for Rlerror, its errno.
    struct Reply {
        p9::MessageType type;
        uint32_t error = 0;
        std::vector<uint8_t> body;
    };
    template <typename Fill> Reply raw(p9::MessageType type, Fill fill) {
        std::vector<uint8_t> request(64 * 1024);
        p9::Writer writer(request.data(), request.size());
        writer.begin(type, 5);
        fill(writer);
        size_t length = writer.finish();
        request.resize(length);
        return send(request);
    }
    Reply send(const std::vector<uint8_t>& request) {
        std::vector<uint8_t> response(64 * 1024);
        size_t length =
            m_server->serve(request.data(), request.size(), response.data(), response.size());
        p9::Header header;
        EXPECT_TRUE(p9::read_header(response.data(), length, 64 * 1024, header));
        Reply reply{header.type, 0, {}};
        reply.body.assign(response.begin() + p9::header_size, response.begin() + header.size);
        if (header.type == p9::MessageType::Rlerror) {
            p9::Reader reader(reply.body.data(), reply.body.size());
            reply.error = reader.u32();
        }
        return reply;
    }
    Reply walk(uint32_t fid, uint32_t new_fid, std::vector<std::string> names) {
        return raw(p9::MessageType::Twalk, [&](p9::Writer& w) {
            w.u32(fid);
            w.u32(new_fid);
            w.u16(static_cast<uint16_t>(names.size()));
            for (const auto& name : names)
                w.string(name.data(), name.size());
        });
    }
    Reply open(uint32_t fid, uint32_t flags) {
        return raw(p9::MessageType::Tlopen, [&](p9::Writer& w) {
            w.u32(fid);
            w.u32(flags);
        });
    }
    std::string read_fid(uint32_t fid) {
        Reply reply = raw(p9::MessageType::Tread, [&](p9::Writer& w) {
            w.u32(fid);
            w.u64(0);
            w.u32(4096);
        });
        if (reply.type != p9::MessageType::Rread)
            return "";
        return std::string(reply.body.begin() + 4, reply.body.end());
    }

    fs::path volume, outside;
    std::unique_ptr<ingot::P9Server> m_server;
    std::unique_ptr<MemoryTransport> m_transport;
    RefPtr<p9::P9FileSystem> m_file_system;
    RefPtr<vfs::Inode> m_root;

private:
    fs::path m_top;
};

TEST_F(P9Volume, WhatTheGuestWritesIsOnTheHost) {
    start();
    auto created = m_root->create("note.txt", vfs::NodeType::Regular, 0640, 0);
    ASSERT_FALSE(created.is_error());
    const char text[] = "written in the guest";
    auto written = created.value()->write(0, vfs::IoBuffer::kernel(text), sizeof text - 1);
    ASSERT_FALSE(written.is_error());
    EXPECT_EQ(written.value(), sizeof text - 1);
    EXPECT_FALSE(created.value()->sync().is_error());
    EXPECT_EQ(slurp(volume / "note.txt"), "written in the guest");
    EXPECT_EQ(fs::status(volume / "note.txt").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST_F(P9Volume, WhatTheHostWritesTheGuestReadsLive) {
    start();
    std::ofstream(volume / "host.txt") << "first";
    auto file = lookup("host.txt");
    ASSERT_TRUE(file);
    char buffer[64] = {};
    auto got = file->read(0, vfs::IoBuffer::kernel(buffer), sizeof buffer);
    ASSERT_FALSE(got.is_error());
    EXPECT_EQ(std::string(buffer, got.value()), "first");
    std::ofstream(volume / "host.txt", std::ios::app) << " and more";
    auto again = file->read(0, vfs::IoBuffer::kernel(buffer), sizeof buffer);
    ASSERT_FALSE(again.is_error());
    EXPECT_EQ(std::string(buffer, again.value()), "first and more");
    vfs::Attributes attributes;
    ASSERT_FALSE(file->attributes(attributes).is_error());
    EXPECT_EQ(attributes.size, 14u);
    EXPECT_EQ(attributes.mode & vfs::type_mask, uint32_t(vfs::NodeType::Regular));
}

TEST_F(P9Volume, LargeTransfersCrossManyMessages) {
    start();
    std::vector<uint8_t> data(300 * 1024 + 17);
    std::mt19937 random(7);
    for (auto& byte : data)
        byte = static_cast<uint8_t>(random());
    auto file = m_root->create("big", vfs::NodeType::Regular, 0600, 0);
    ASSERT_FALSE(file.is_error());
    auto written = file.value()->write(0, vfs::IoBuffer::kernel(data.data()), data.size());
    ASSERT_FALSE(written.is_error());
    EXPECT_EQ(written.value(), data.size());
    EXPECT_GE(m_transport->exchanges, 5u);
    std::vector<uint8_t> back(data.size() + 100);
    auto got = file.value()->read(0, vfs::IoBuffer::kernel(back.data()), back.size());
    ASSERT_FALSE(got.is_error());
    ASSERT_EQ(got.value(), data.size());
    back.resize(data.size());
    EXPECT_EQ(back, data);
    std::string host = slurp(volume / "big");
    EXPECT_EQ(std::vector<uint8_t>(host.begin(), host.end()), data);
}

TEST_F(P9Volume, DirectoriesLinksAndRenames) {
    start();
    auto directory = m_root->create("dir", vfs::NodeType::Directory, 0755, 0);
    ASSERT_FALSE(directory.is_error());
    ASSERT_FALSE(directory.value()->create("a", vfs::NodeType::Regular, 0644, 0).is_error());
    ASSERT_FALSE(directory.value()->create_symlink("link", "/anywhere/at/all").is_error());
    auto a = directory.value()->lookup("a");
    ASSERT_FALSE(a.is_error());
    ASSERT_FALSE(directory.value()->link("hard", *a.value()).is_error());
    Names names;
    uint64_t cookie = 0;
    ASSERT_FALSE(directory.value()->read_directory(cookie, names).is_error());
    EXPECT_EQ(names.names, (std::set<std::string>{".", "..", "a", "hard", "link"}));
    EXPECT_EQ(fs::read_symlink(volume / "dir" / "link"), "/anywhere/at/all");
    auto link = directory.value()->lookup("link");
    ASSERT_FALSE(link.is_error());
    EXPECT_EQ(link.value()->type(), vfs::NodeType::Symlink);
    char target[64];
    auto length = link.value()->read_link(target, sizeof target);
    ASSERT_FALSE(length.is_error());
    EXPECT_EQ(std::string(target, length.value()), "/anywhere/at/all");
    ASSERT_FALSE(directory.value()->rename("a", *m_root, "moved", 0).is_error());
    EXPECT_TRUE(fs::exists(volume / "moved"));
    EXPECT_FALSE(fs::exists(volume / "dir" / "a"));
    // The moved file's inode still opens: its fid followed the rename.
    const char text[] = "after the move";
    EXPECT_FALSE(a.value()->write(0, vfs::IoBuffer::kernel(text), sizeof text - 1).is_error());
    EXPECT_EQ(slurp(volume / "moved"), "after the move");
    EXPECT_EQ(directory.value()->rename("hard", *m_root, "x", vfs::rename_noreplace).error().code(),
              kernel::EINVAL);
    EXPECT_EQ(m_root->remove("dir", true).error().code(), kernel::ENOTEMPTY);
    EXPECT_EQ(m_root->remove("dir", false).error().code(), kernel::EISDIR);
    ASSERT_FALSE(directory.value()->remove("hard", false).is_error());
    ASSERT_FALSE(directory.value()->remove("link", false).is_error());
    ASSERT_FALSE(m_root->remove("dir", true).is_error());
    EXPECT_FALSE(fs::exists(volume / "dir"));
    EXPECT_EQ(m_root->lookup("dir").error().code(), kernel::ENOENT);
    EXPECT_EQ(m_root->create("moved", vfs::NodeType::Regular, 0644, 0).error().code(),
              kernel::EEXIST);
}

TEST_F(P9Volume, AttributesChangeOnTheHost) {
    start();
    std::ofstream(volume / "f") << "0123456789";
    auto file = lookup("f");
    ASSERT_TRUE(file);
    vfs::AttributeChange change;
    change.fields =
        vfs::AttributeChange::Mode | vfs::AttributeChange::Size | vfs::AttributeChange::ModifyTime;
    change.mode = 0600;
    change.size = 4;
    change.modify_time = {1000000000, 5};
    ASSERT_FALSE(file->change_attributes(change).is_error());
    struct stat status;
    ASSERT_EQ(::stat((volume / "f").c_str(), &status), 0);
    EXPECT_EQ(status.st_mode & 07777, 0600u);
    EXPECT_EQ(status.st_size, 4);
    EXPECT_EQ(status.st_mtim.tv_sec, 1000000000);
    EXPECT_EQ(status.st_mtim.tv_nsec, 5);
    vfs::FileSystemStatistics statistics;
    ASSERT_FALSE(m_file_system->statistics(statistics).is_error());
    EXPECT_EQ(statistics.type, p9::v9fs_magic);
    EXPECT_GT(statistics.blocks, 0u);
}

TEST_F(P9Volume, ReadOnlyVolumeRefusesEveryChangeWithErofs) {
    std::ofstream(volume / "f") << "keep";
    fs::create_directories(volume / "d");
    start(true);
    auto file = lookup("f");
    ASSERT_TRUE(file);
    char buffer[8];
    auto got = file->read(0, vfs::IoBuffer::kernel(buffer), sizeof buffer);
    ASSERT_FALSE(got.is_error());
    EXPECT_EQ(std::string(buffer, got.value()), "keep");
    EXPECT_EQ(file->write(0, vfs::IoBuffer::kernel("x"), 1).error().code(), kernel::EROFS);
    vfs::AttributeChange change;
    change.fields = vfs::AttributeChange::Size;
    EXPECT_EQ(file->change_attributes(change).error().code(), kernel::EROFS);
    EXPECT_EQ(m_root->create("new", vfs::NodeType::Regular, 0644, 0).error().code(), kernel::EROFS);
    EXPECT_EQ(m_root->create("new", vfs::NodeType::Directory, 0755, 0).error().code(),
              kernel::EROFS);
    EXPECT_EQ(m_root->create_symlink("s", "f").error().code(), kernel::EROFS);
    EXPECT_EQ(m_root->link("l", *file).error().code(), kernel::EROFS);
    EXPECT_EQ(m_root->remove("f", false).error().code(), kernel::EROFS);
    EXPECT_EQ(m_root->remove("d", true).error().code(), kernel::EROFS);
    EXPECT_EQ(m_root->rename("f", *m_root, "g", 0).error().code(), kernel::EROFS);
    EXPECT_FALSE(file->sync().is_error());
    // The server refuses too, whatever the client does.
    ASSERT_EQ(walk(0, 50, {"f"}).type, p9::MessageType::Rwalk);
    EXPECT_EQ(open(50, p9::open_read_write).error, uint32_t(kernel::EROFS));
    EXPECT_EQ(open(50, p9::open_read_only | p9::open_truncate).error, uint32_t(kernel::EROFS));
    EXPECT_EQ(raw(p9::MessageType::Tmkdir,
                  [](p9::Writer& w) {
                      w.u32(0);
                      w.string("n", 1);
                      w.u32(0755);
                      w.u32(0);
                  })
                  .error,
              uint32_t(kernel::EROFS));
    EXPECT_EQ(slurp(volume / "f"), "keep");
    EXPECT_FALSE(fs::exists(volume / "n"));
}

TEST_F(P9Volume, DotDotAndSlashesWalkNowhere) {
    start();
    // The client's root fid is 0.
    for (auto name : {"..", ".", "../outside", "/", "a/b", ""}) {
        Reply reply = walk(0, 60, {name});
        EXPECT_EQ(reply.type, p9::MessageType::Rlerror) << name;
    }
    EXPECT_EQ(walk(0, 60, {"..", "outside", "secret"}).type, p9::MessageType::Rlerror);
}

TEST_F(P9Volume, AbsoluteAndRelativeSymlinksAreNeverFollowedByTheServer) {
    fs::create_symlink(outside / "secret", volume / "absolute");
    fs::create_symlink("../outside/secret", volume / "relative");
    fs::create_directory_symlink(outside, volume / "directory");
    start();
    for (auto name : {"absolute", "relative"}) {
        Reply walked = walk(0, 61, {name});
        ASSERT_EQ(walked.type, p9::MessageType::Rwalk) << name; // the link itself
        Reply opened = open(61, p9::open_read_only);
        EXPECT_EQ(opened.type, p9::MessageType::Rlerror) << name;
        EXPECT_EQ(opened.error, uint32_t(kernel::ELOOP)) << name;
        EXPECT_EQ(read_fid(61), "");
        raw(p9::MessageType::Tclunk, [](p9::Writer& w) { w.u32(61); });
    }
    Reply through = walk(0, 62, {"directory", "secret"});
    EXPECT_EQ(through.type, p9::MessageType::Rwalk);
    p9::Reader reader(through.body.data(), through.body.size());
    EXPECT_LE(reader.u16(), 1); // at most the link itself: never what lies behind it
    auto link = lookup("absolute");
    ASSERT_TRUE(link);
    EXPECT_EQ(link->type(), vfs::NodeType::Symlink);
    char buffer[32];
    EXPECT_EQ(link->read(0, vfs::IoBuffer::kernel(buffer), sizeof buffer).error().code(),
              kernel::EINVAL);
}

TEST_F(P9Volume, AFileSwappedForASymlinkAfterTheWalkIsNotOpened) {
    std::ofstream(volume / "file") << "inside";
    start();
    ASSERT_EQ(walk(0, 70, {"file"}).type, p9::MessageType::Rwalk);
    // The race: between the walk and the open, the name comes to hold a link outside.
    fs::remove(volume / "file");
    fs::create_symlink(outside / "secret", volume / "file");
    Reply opened = open(70, p9::open_read_only);
    EXPECT_EQ(opened.type, p9::MessageType::Rlerror);
    EXPECT_EQ(read_fid(70), "");
    // And swapped for another regular file (a hard link to one outside would do the same).
    fs::remove(volume / "file");
    std::ofstream(volume / "file") << "another";
    ASSERT_EQ(walk(0, 71, {"file"}).type, p9::MessageType::Rwalk);
    fs::rename(volume / "file", volume / "old");
    std::ofstream(volume / "file") << "third";
    EXPECT_EQ(open(71, p9::open_read_only).error, uint32_t(kernel::ESTALE));
}

TEST_F(P9Volume, DeviceNodesAreNeitherCreatedNorOpened) {
    start();
    EXPECT_EQ(
        m_root->create("null", vfs::NodeType::CharacterDevice, 0666, makedev(1, 3)).error().code(),
        kernel::EPERM);
    EXPECT_EQ(
        m_root->create("disk", vfs::NodeType::BlockDevice, 0666, makedev(8, 0)).error().code(),
        kernel::EPERM);
    EXPECT_FALSE(fs::exists(volume / "null"));
    if (::mknod((volume / "host-null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0)
        GTEST_SKIP() << "cannot make a device node here (not root)";
    auto device = lookup("host-null");
    ASSERT_TRUE(device);
    EXPECT_EQ(device->type(), vfs::NodeType::CharacterDevice);
    ASSERT_EQ(walk(0, 80, {"host-null"}).type, p9::MessageType::Rwalk);
    EXPECT_EQ(open(80, p9::open_read_write).error, uint32_t(kernel::EPERM));
}

TEST_F(P9Volume, FifosAreCreatedButNeverOpenedByTheMonitor) {
    start();
    auto fifo = m_root->create("pipe", vfs::NodeType::Fifo, 0600, 0);
    ASSERT_FALSE(fifo.is_error());
    EXPECT_TRUE(fs::is_fifo(volume / "pipe"));
    ASSERT_EQ(walk(0, 81, {"pipe"}).type, p9::MessageType::Rwalk);
    EXPECT_EQ(open(81, p9::open_read_only).error, uint32_t(kernel::ENXIO)); // would block
}

TEST_F(P9Volume, UnknownFidsAndBadMessagesAreErrors) {
    start();
    EXPECT_EQ(read_fid(999), "");
    EXPECT_EQ(raw(p9::MessageType::Tclunk, [](p9::Writer& w) { w.u32(999); }).error,
              uint32_t(kernel::EBADF));
    // A walk to an existing fid, a walk of too many names, a truncated walk.
    EXPECT_EQ(walk(0, 0 + 0, {}).type, p9::MessageType::Rwalk);
    ASSERT_EQ(walk(0, 90, {}).type, p9::MessageType::Rwalk);
    EXPECT_EQ(walk(0, 90, {}).error, uint32_t(kernel::EBADF));
    EXPECT_EQ(walk(0, 91, std::vector<std::string>(17, "a")).error, uint32_t(kernel::EINVAL));
    EXPECT_EQ(raw(p9::MessageType::Twalk, [](p9::Writer& w) { w.u32(0); }).error,
              uint32_t(kernel::EINVAL));
    // A write whose count claims more than the message holds.
    ASSERT_EQ(m_root->create("w", vfs::NodeType::Regular, 0644, 0).is_error(), false);
    EXPECT_EQ(raw(p9::MessageType::Twrite,
                  [](p9::Writer& w) {
                      w.u32(90);
                      w.u64(0);
                      w.u32(0xffffffff);
                      w.bytes("abc", 3);
                  })
                  .error,
              uint32_t(kernel::EINVAL));
    // Unsupported messages (xattrs) and unknown types.
    EXPECT_EQ(raw(p9::MessageType::Txattrwalk,
                  [](p9::Writer& w) {
                      w.u32(0);
                      w.u32(92);
                      w.string("user.x", 6);
                  })
                  .error,
              uint32_t(kernel::ENOTSUP));
    EXPECT_EQ(raw(static_cast<p9::MessageType>(250), [](p9::Writer&) {}).error,
              uint32_t(kernel::ENOTSUP));
}

TEST_F(P9Volume, FidsAreBoundedInNumber) {
    // Each fid holds a host descriptor: the monitor raises its limit as this does.
    rlimit limit;
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_max < 2 * ingot::P9Server::max_fids)
        GTEST_SKIP() << "the descriptor limit is below what the server may hold";
    limit.rlim_cur = limit.rlim_max;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
    start();
    size_t held = m_server->fid_count();
    uint32_t fid = 1000;
    for (; m_server->fid_count() < ingot::P9Server::max_fids; ++fid)
        ASSERT_EQ(walk(0, fid, {}).type, p9::MessageType::Rwalk);
    EXPECT_EQ(walk(0, fid, {}).error, uint32_t(kernel::EMFILE));
    EXPECT_GT(ingot::P9Server::max_fids, held);
}

TEST_F(P9Volume, EveryTruncationAndRandomMessageGetsAnAnswer) {
    std::ofstream(volume / "f") << "data";
    start();
    std::vector<std::vector<uint8_t>> messages;
    auto capture = [&](p9::MessageType type, auto fill) {
        std::vector<uint8_t> request(4096);
        p9::Writer writer(request.data(), request.size());
        writer.begin(type, 5);
        fill(writer);
        request.resize(writer.finish());
        messages.push_back(request);
    };
    capture(p9::MessageType::Twalk, [](p9::Writer& w) {
        w.u32(0);
        w.u32(100);
        w.u16(1);
        w.string("f", 1);
    });
    capture(p9::MessageType::Tlcreate, [](p9::Writer& w) {
        w.u32(0);
        w.string("n", 1);
        w.u32(2);
        w.u32(0644);
        w.u32(0);
    });
    capture(p9::MessageType::Tsetattr, [](p9::Writer& w) {
        w.u32(0);
        write_attribute_change(w, p9::AttributeChange{});
    });
    capture(p9::MessageType::Trenameat, [](p9::Writer& w) {
        w.u32(0);
        w.string("f", 1);
        w.u32(0);
        w.string("g", 1);
    });
    for (const auto& message : messages)
        for (size_t cut = 0; cut < message.size(); ++cut) {
            std::vector<uint8_t> truncated(message.begin(), message.begin() + cut);
            std::vector<uint8_t> response(p9::minimum_message_size);
            size_t length = m_server->serve(truncated.data(), truncated.size(), response.data(),
                                            response.size());
            p9::Header header;
            ASSERT_TRUE(p9::read_header(response.data(), length, 4096, header));
            EXPECT_EQ(header.type, p9::MessageType::Rlerror);
        }
    std::mt19937 random(11);
    for (int round = 0; round < 2000; ++round) {
        std::vector<uint8_t> noise(random() % 64 + 7);
        for (auto& byte : noise)
            byte = static_cast<uint8_t>(random());
        noise[0] = static_cast<uint8_t>(noise.size());
        noise[1] = noise[2] = noise[3] = 0;
        // Only requests the server must survive, not a new session that drops every fid.
        if (noise[4] == uint8_t(p9::MessageType::Tversion))
            noise[4] = uint8_t(p9::MessageType::Tgetattr);
        std::vector<uint8_t> response(p9::minimum_message_size);
        size_t length =
            m_server->serve(noise.data(), noise.size(), response.data(), response.size());
        p9::Header header;
        ASSERT_TRUE(p9::read_header(response.data(), length, 4096, header));
    }
    EXPECT_EQ(slurp(outside / "secret"), "outside the volume");
}

TEST_F(P9Volume, ClunkingEveryInodeLeavesOnlyTheRoot) {
    start();
    {
        auto file = m_root->create("f", vfs::NodeType::Regular, 0644, 0);
        ASSERT_FALSE(file.is_error());
        auto again = lookup("f");
        char buffer[4];
        ASSERT_FALSE(again->read(0, vfs::IoBuffer::kernel(buffer), 4).is_error());
        EXPECT_GE(m_server->fid_count(), 4u);
    }
    EXPECT_EQ(m_server->fid_count(), 1u);
}

} // namespace
