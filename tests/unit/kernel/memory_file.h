// A regular file held in memory, for the tests of file-backed mappings and of the interpreter
// loader: it lends its pages (each in a frame of the test's guest RAM, as the image's file
// system and tmpfs do) or not (as 9P volumes), and counts what is asked of it.
#pragma once

#include "kernel/kernel_test_support.h"

#include "fs/vfs/inode.h"
#include "mm/frame_allocator.h"

namespace memory_file_test {

class MemoryFileSystem : public kernel::vfs::FileSystem {
public:
    kernel::RefPtr<kernel::vfs::Inode> root() override { return nullptr; }
    const char* type_name() const override { return "memory"; }
};

class MemoryFile : public kernel::vfs::Inode {
public:
    static constexpr uint64_t page_size = 4096;
    static constexpr uint64_t inode_number = 4242;

    // `lender`: the allocator whose frames hold the pages it lends; null: it lends none.
    // `destroyed` is set when the last reference goes.
    MemoryFile(kernel::vfs::FileSystem& file_system, std::vector<uint8_t> contents,
               kernel::FrameAllocator* lender, bool* destroyed = nullptr)
        : m_file_system(file_system), m_size(contents.size()), m_lender(lender),
          m_destroyed(destroyed) {
        size_t pages = (contents.size() + page_size - 1) / page_size;
        if (m_lender) {
            for (size_t i = 0; i < pages; ++i) {
                m_frames.push_back(kernel_test::value_of(m_lender->allocate(kernel::Zeroed::Yes)));
                // Past the end of the file its storage holds something else: never to be seen.
                std::memset(m_lender->to_virtual(m_frames.back()), 0xee, page_size);
            }
        } else {
            m_bytes.assign(pages * page_size, 0);
        }
        write_bytes(0, contents.data(), contents.size());
    }
    ~MemoryFile() override {
        for (auto frame : m_frames)
            m_lender->free(frame);
        if (m_destroyed)
            *m_destroyed = true;
    }

    kernel::vfs::FileSystem& file_system() override { return m_file_system; }
    kernel::vfs::NodeType type() const override { return kernel::vfs::NodeType::Regular; }
    kernel::ErrorOr<void> attributes(kernel::vfs::Attributes& attributes) override {
        attributes = {};
        attributes.inode = inode_number;
        attributes.mode = uint32_t(kernel::vfs::NodeType::Regular) | 0644;
        attributes.size = m_size;
        return {};
    }
    kernel::ErrorOr<size_t> read(uint64_t offset, kernel::vfs::IoBuffer buffer,
                                 size_t length) override {
        ++reads;
        if (offset >= m_size)
            return size_t(0);
        // At most to the end of a page, as a file system reading block by block may.
        size_t count =
            std::min<uint64_t>({length, m_size - offset, page_size - offset % page_size});
        std::memcpy(reinterpret_cast<void*>(buffer.address()), at(offset), count);
        return count;
    }
    kernel::ErrorOr<size_t> write(uint64_t offset, kernel::vfs::IoBuffer buffer,
                                  size_t length) override {
        ++writes;
        if (offset + length > capacity())
            return kernel::EFBIG;
        write_bytes(offset, reinterpret_cast<const uint8_t*>(buffer.address()), length);
        m_size = std::max<uint64_t>(m_size, offset + length);
        return length;
    }
    kernel::ErrorOr<void> sync() override {
        ++syncs;
        return {};
    }
    kernel::ErrorOr<kernel::PhysicalAddress> page(uint64_t offset, bool writable) override {
        if (!m_lender)
            return kernel::ENODEV;
        if (offset % page_size || offset >= capacity())
            return kernel::EINVAL;
        writable ? ++writable_lends : ++read_only_lends;
        return m_frames[offset / page_size];
    }

    // The file's bytes now.
    std::vector<uint8_t> contents() {
        std::vector<uint8_t> bytes(m_size);
        for (uint64_t i = 0; i < m_size; ++i)
            bytes[i] = *at(i);
        return bytes;
    }
    kernel::PhysicalAddress frame(size_t index) const { return m_frames.at(index); }

    int reads = 0, writes = 0, syncs = 0, read_only_lends = 0, writable_lends = 0;

private:
    uint64_t capacity() const { return m_lender ? m_frames.size() * page_size : m_bytes.size(); }
    uint8_t* at(uint64_t offset) {
        if (m_lender)
            return m_lender->to_virtual(m_frames[offset / page_size]) + offset % page_size;
        return m_bytes.data() + offset;
    }
    void write_bytes(uint64_t offset, const uint8_t* source, size_t length) {
        for (size_t i = 0; i < length; ++i)
            *at(offset + i) = source[i];
    }

    kernel::vfs::FileSystem& m_file_system;
    uint64_t m_size;
    kernel::FrameAllocator* m_lender;
    bool* m_destroyed;
    std::vector<kernel::PhysicalAddress> m_frames;
    std::vector<uint8_t> m_bytes;
};

// Bytes 0, 1, 2, ... (mod 251: no page repeats another's pattern at the same place).
inline std::vector<uint8_t> pattern(size_t size, uint8_t seed = 0) {
    std::vector<uint8_t> bytes(size);
    for (size_t i = 0; i < size; ++i)
        bytes[i] = uint8_t((i + seed) % 251);
    return bytes;
}

} // namespace memory_file_test
