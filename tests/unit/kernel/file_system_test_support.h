// A tmpfs over a host buffer standing in for guest RAM, and a clock that ticks once a call, for
// the path walk, tmpfs and overlay tests.
#pragma once

#include "kernel/kernel_test_support.h"

#include "fs/tmpfs/tmpfs.h"
#include "fs/vfs/vfs.h"
#include "mm/frame_allocator.h"

namespace kernel_test {

inline kernel::vfs::Timestamp ticking_clock() {
    static int64_t seconds = 1000;
    return {++seconds, 0};
}

// Guest RAM of `frames` pages (the first 16 reserved) and a tmpfs over it that keeps
// `reserve` frames free.
class TmpfsHost {
public:
    explicit TmpfsHost(size_t frames = 1024, size_t reserve = 0) : ram(frames * 4096) {
        allocator.initialize(ram.base(), frames * 4096, 16 * 4096, true);
        file_system = kernel::tmpfs::TmpFileSystem::create(allocator, reserve, ticking_clock, 0755);
    }

    GuestRam ram;
    kernel::FrameAllocator allocator;
    kernel::RefPtr<kernel::tmpfs::TmpFileSystem> file_system;
};

inline kernel::StringView view(const std::string& text) {
    return kernel::StringView(text.data(), text.size());
}

// Writes `text` at `offset`; the count written.
inline size_t write_text(kernel::vfs::Inode& file, uint64_t offset, const std::string& text) {
    return value_of(file.write(offset, kernel::vfs::IoBuffer::kernel(text.data()), text.size()));
}

// Up to `length` bytes from `offset`.
inline std::string read_text(kernel::vfs::Inode& file, uint64_t offset = 0, size_t length = 4096) {
    std::string text(length, '\0');
    size_t got = value_of(file.read(offset, kernel::vfs::IoBuffer::kernel(text.data()), length));
    text.resize(got);
    return text;
}

// The names a directory lists, "." and ".." included, in order.
inline std::vector<std::string> list(kernel::vfs::Inode& directory) {
    struct Collect final : kernel::vfs::DirectoryVisitor {
        bool visit(const kernel::vfs::DirectoryEntry& entry) override {
            names.emplace_back(entry.name.data, entry.name.length);
            return true;
        }
        std::vector<std::string> names;
    } collect;
    uint64_t cookie = 0;
    EXPECT_EQ(outcome(directory.read_directory(cookie, collect)), "OK");
    return collect.names;
}

inline uint64_t inode_number(kernel::vfs::Inode& inode) {
    kernel::vfs::Attributes attributes;
    EXPECT_EQ(outcome(inode.attributes(attributes)), "OK");
    return attributes.inode;
}

inline kernel::vfs::Attributes attributes_of(kernel::vfs::Inode& inode) {
    kernel::vfs::Attributes attributes;
    EXPECT_EQ(outcome(inode.attributes(attributes)), "OK");
    return attributes;
}

} // namespace kernel_test
