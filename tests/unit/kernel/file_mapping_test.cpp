// File-backed regions of the address space: mmap of a file, private or shared, with and
// without the file system lending its pages, and munmap/mprotect/mremap over them.
#include "kernel/memory_file.h"

#include "mm/address_space.h"

namespace {

using kernel::Access;
using kernel::AddressSpace;
using kernel::FileBacking;
using kernel::FrameAllocator;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::Placement;
using kernel::RefPtr;
using kernel::Region;
using kernel::RegionKind;
using kernel::StringView;
using kernel::Zeroed;
namespace pte = kernel::pte;
namespace protection = kernel::protection;
using kernel_test::GuestRam;
using kernel_test::value_of;
using memory_file_test::MemoryFile;
using memory_file_test::MemoryFileSystem;
using memory_file_test::pattern;

constexpr uint64_t page = 4096;
constexpr uint64_t memory_size = 8 << 20;
constexpr uint64_t lowest = 0x10000;
constexpr uint64_t highest = 0x800000000000;
constexpr uint64_t at = 0x40000000;
constexpr uint32_t read_only = protection::read;
constexpr uint32_t read_write = protection::read | protection::write;

// bytes[from, to), to the end when `to` is 0.
std::vector<uint8_t> slice(const std::vector<uint8_t>& bytes, size_t from, size_t to = 0) {
    return std::vector<uint8_t>(bytes.begin() + from, to ? bytes.begin() + to : bytes.end());
}

class FileMappingTest : public ::testing::Test {
protected:
    FileMappingTest() : ram(memory_size) {
        frames.initialize(ram.base(), memory_size, 1 << 20, true);
        root = value_of(frames.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(frames, root);
        space = std::make_unique<AddressSpace>(frames, *table, lowest, highest);
        file_system.set_device_id(0x803);
    }

    RefPtr<MemoryFile> make_file(std::vector<uint8_t> contents, bool lends,
                                 bool* destroyed = nullptr) {
        return kernel::make_ref<MemoryFile>(file_system, std::move(contents),
                                            lends ? &frames : nullptr, destroyed);
    }
    FileBacking backing(const RefPtr<MemoryFile>& file, uint64_t offset, bool shared,
                        bool may_write = true) {
        return FileBacking{RefPtr<kernel::vfs::Inode>(file.get()), offset, shared,
                           shared && may_write, nullptr};
    }
    uint64_t map(const RefPtr<MemoryFile>& file, uint64_t address, uint64_t length, uint32_t prot,
                 uint64_t offset, bool shared) {
        return value_of(space->map_file(address, length, prot, Placement::Fixed,
                                        backing(file, offset, shared)));
    }
    uint64_t entry(uint64_t address) {
        uint64_t* leaf = table->leaf(address);
        return leaf ? *leaf : 0;
    }
    uint8_t* host(uint64_t address) {
        PhysicalAddress physical;
        if (!table->translate(address, physical))
            return nullptr;
        return frames.to_virtual(physical);
    }
    std::vector<uint8_t> bytes_at(uint64_t address, size_t length) {
        std::vector<uint8_t> bytes(length);
        for (size_t i = 0; i < length; ++i) {
            uint8_t* page_bytes = host((address + i) & ~(page - 1));
            bytes[i] = page_bytes ? page_bytes[(address + i) % page] : 0xcc;
        }
        return bytes;
    }
    // Pre-builds the tables around `address` so frame counts afterwards are exact.
    void build_tables(uint64_t address) {
        ASSERT_OK(table->map(address, 0, pte::present));
        table->unmap(address);
    }

    GuestRam ram;
    FrameAllocator frames;
    PhysicalAddress root = 0;
    std::unique_ptr<PageTable> table;
    MemoryFileSystem file_system;
    std::unique_ptr<AddressSpace> space;
};

TEST_F(FileMappingTest, PrivateReadOnlyMapsTheLentPagesInPlace) {
    auto file = make_file(pattern(3 * page), true);
    build_tables(at);
    size_t before = frames.free_frames();
    map(file, at, 3 * page, read_only, 0, false);
    EXPECT_EQ(frames.free_frames(), before); // no copy
    for (size_t i = 0; i < 3; ++i) {
        EXPECT_EQ(entry(at + i * page) & pte::address_mask, file->frame(i));
        EXPECT_TRUE(entry(at + i * page) & pte::borrowed);
        EXPECT_FALSE(entry(at + i * page) & pte::writable);
    }
    EXPECT_EQ(file->read_only_lends, 3);
    EXPECT_EQ(file->writable_lends, 0);
    EXPECT_EQ(bytes_at(at, 3 * page), pattern(3 * page));
    const Region* region = space->find(at);
    ASSERT_NE(region, nullptr);
    EXPECT_EQ(region->kind, RegionKind::File);
    EXPECT_EQ(region->inode(), file.get());
    EXPECT_EQ(region->file_offset(), 0u);
    EXPECT_FALSE(region->is_shared());
    uint64_t device = 0, inode = 0;
    EXPECT_TRUE(region->file_identity(device, inode));
    EXPECT_EQ(device, 0x803u);
    EXPECT_EQ(inode, MemoryFile::inode_number);
    // Unmapping gives back no frame it did not take: the file's pages stay the file's.
    ASSERT_OK(space->unmap(at, 3 * page));
    EXPECT_EQ(frames.free_frames(), before);
    EXPECT_EQ(file->contents(), pattern(3 * page));
}

TEST_F(FileMappingTest, PrivateReadOnlyCopiesWhenTheFileSystemDoesNotLend) {
    auto file = make_file(pattern(2 * page, 7), false);
    build_tables(at);
    size_t before = frames.free_frames();
    map(file, at + page, page, read_only, page, false); // the file's second page only
    EXPECT_EQ(frames.free_frames(), before - 1);
    EXPECT_FALSE(entry(at + page) & pte::borrowed);
    EXPECT_EQ(bytes_at(at + page, page), slice(pattern(2 * page, 7), page));
    EXPECT_EQ(space->find(at + page)->file_offset(), page);
    ASSERT_OK(space->unmap(at + page, page));
    EXPECT_EQ(frames.free_frames(), before);
}

TEST_F(FileMappingTest, PrivateWritableIsACopyTheFileNeverSees) {
    auto file = make_file(pattern(2 * page), true);
    map(file, at, 2 * page, read_write, 0, false);
    EXPECT_EQ(file->read_only_lends + file->writable_lends, 0);
    EXPECT_NE(entry(at) & pte::address_mask, file->frame(0));
    EXPECT_FALSE(entry(at) & pte::borrowed);
    EXPECT_EQ(bytes_at(at, 2 * page), pattern(2 * page));
    host(at)[10] = 0x55;
    EXPECT_EQ(file->contents(), pattern(2 * page));
    // Read-only again: the copy stays, with the program's change.
    ASSERT_OK(space->protect(at, 2 * page, read_only));
    EXPECT_EQ(host(at)[10], 0x55);
    EXPECT_FALSE(entry(at) & pte::borrowed);
}

TEST_F(FileMappingTest, LastPageReadsZeroPastTheEndAndPagesBeyondHaveNoFrame) {
    auto file = make_file(pattern(page + 100), true);
    build_tables(at);
    size_t before = frames.free_frames();
    map(file, at, 3 * page, read_only, 0, false);
    // Page 0 is lent; page 1 holds 100 file bytes: copied, the rest zero, never the 0xee that
    // follows them in the file system's frame; page 2 is wholly past the end.
    EXPECT_TRUE(entry(at) & pte::borrowed);
    EXPECT_FALSE(entry(at + page) & pte::borrowed);
    std::vector<uint8_t> expected = pattern(page + 100);
    expected.resize(2 * page, 0);
    EXPECT_EQ(bytes_at(at, 2 * page), expected);
    EXPECT_FALSE(entry(at + 2 * page) & pte::present);
    EXPECT_EQ(frames.free_frames(), before - 1);
    // The kernel never touches the page without a frame: EFAULT, as for a bad pointer.
    EXPECT_TRUE(space->is_accessible(at + 2 * page, 1, Access::Read));
    EXPECT_ERRNO(space->populate(at + page, 2 * page, Access::Read), EFAULT);
    ASSERT_OK(space->populate(at, 2 * page, Access::Read));
}

TEST_F(FileMappingTest, WritablePrivateLastPageIsZeroPastTheEndToo) {
    auto file = make_file(pattern(100), false);
    map(file, at, page, read_write, 0, false);
    std::vector<uint8_t> expected = pattern(100);
    expected.resize(page, 0);
    EXPECT_EQ(bytes_at(at, page), expected);
}

TEST_F(FileMappingTest, SharedMappingOfLentPagesWritesTheFile) {
    auto file = make_file(pattern(2 * page), true);
    build_tables(at);
    size_t before = frames.free_frames();
    map(file, at, 2 * page, read_write, 0, true);
    EXPECT_EQ(frames.free_frames(), before);
    EXPECT_EQ(file->writable_lends, 2);
    EXPECT_EQ(entry(at + page) & pte::address_mask, file->frame(1));
    EXPECT_TRUE(entry(at + page) & pte::writable);
    host(at + page)[5] = 0x77;
    EXPECT_EQ(file->contents()[page + 5], 0x77);
    ASSERT_OK(space->unmap(at, 2 * page));
    EXPECT_EQ(file->writes, 0); // nothing to write back: the stores were the file's
    EXPECT_EQ(frames.free_frames(), before);
}

TEST_F(FileMappingTest, SharedCopiesAreWrittenBackOnMsyncAndMunmap) {
    auto file = make_file(pattern(page + 10), false);
    map(file, at, 2 * page, read_write, 0, true);
    host(at)[1] = 0x11;
    host(at + page)[2] = 0x22;
    host(at + page)[50] = 0x33; // past the end of the file: never written to it
    EXPECT_EQ(file->contents(), pattern(page + 10));
    ASSERT_OK(space->sync(at, 2 * page, false));
    std::vector<uint8_t> expected = pattern(page + 10);
    expected[1] = 0x11;
    expected[page + 2] = 0x22;
    EXPECT_EQ(file->contents(), expected);
    EXPECT_EQ(file->syncs, 0);
    ASSERT_OK(space->sync(at, page, true)); // MS_SYNC syncs the file too
    EXPECT_EQ(file->syncs, 1);
    host(at)[3] = 0x44;
    ASSERT_OK(space->unmap(at, 2 * page));
    expected[3] = 0x44;
    EXPECT_EQ(file->contents(), expected); // the size stays: a mapping never extends a file
}

TEST_F(FileMappingTest, MsyncChecksItsRange) {
    auto file = make_file(pattern(page), false);
    map(file, at, page, read_write, 0, true);
    host(at)[0] = 0x99;
    EXPECT_ERRNO(space->sync(at + 1, page, false), EINVAL);
    ASSERT_OK(space->sync(at, 0, false));
    EXPECT_ERRNO(space->sync(~(page - 1), 2 * page, false), ENOMEM); // wraps
    EXPECT_EQ(file->writes, 0);
    // A hole is ENOMEM, after the mapped part was synced.
    EXPECT_ERRNO(space->sync(at - page, 2 * page, false), ENOMEM);
    EXPECT_EQ(file->contents()[0], 0x99);
    EXPECT_ERRNO(space->sync(at, 2 * page, false), ENOMEM);
}

TEST_F(FileMappingTest, PrivateLentPagesGainingWriteBecomeCopies) {
    auto file = make_file(pattern(2 * page), true);
    build_tables(at);
    size_t before = frames.free_frames();
    map(file, at, 2 * page, read_only, 0, false);
    ASSERT_OK(space->protect(at + page, page, read_write));
    EXPECT_EQ(entry(at) & pte::address_mask, file->frame(0)); // untouched
    EXPECT_NE(entry(at + page) & pte::address_mask, file->frame(1));
    EXPECT_FALSE(entry(at + page) & pte::borrowed);
    EXPECT_EQ(frames.free_frames(), before - 1);
    EXPECT_EQ(bytes_at(at, 2 * page), pattern(2 * page));
    host(at + page)[0] = 0xab;
    EXPECT_EQ(file->contents(), pattern(2 * page));
    // Split in two regions, each knowing its file offset.
    EXPECT_EQ(space->region_count(), 2u);
    EXPECT_EQ(space->find(at + page)->file_offset(), page);
    EXPECT_EQ(space->find(at + page)->inode(), file.get());
    // PROT_NONE and back keeps lent pages lent and copies copies.
    ASSERT_OK(space->protect(at, 2 * page, protection::none));
    ASSERT_OK(space->protect(at, 2 * page, read_only));
    EXPECT_EQ(entry(at) & pte::address_mask, file->frame(0));
    EXPECT_TRUE(entry(at) & pte::borrowed);
    EXPECT_EQ(host(at + page)[0], 0xab);
    ASSERT_OK(space->unmap(at, 2 * page));
    EXPECT_EQ(frames.free_frames(), before);
}

TEST_F(FileMappingTest, SharedMappingOfAReadOnlyDescriptorNeverGainsWrite) {
    auto file = make_file(pattern(page), true);
    ASSERT_OK(
        space->map_file(at, page, read_only, Placement::Fixed, backing(file, 0, true, false)));
    EXPECT_ERRNO(space->protect(at, page, read_write), EACCES);
    EXPECT_FALSE(entry(at) & pte::writable);
    // With a writable descriptor, gaining write asks the file system for the page to write.
    ASSERT_OK(
        space->map_file(at + page, page, read_only, Placement::Fixed, backing(file, 0, true)));
    EXPECT_EQ(file->writable_lends, 0);
    ASSERT_OK(space->protect(at + page, page, read_write));
    EXPECT_EQ(file->writable_lends, 1);
    EXPECT_TRUE(entry(at + page) & pte::writable);
    EXPECT_TRUE(entry(at + page) & pte::borrowed);
}

TEST_F(FileMappingTest, MunmapSplitsKeepingOffsetsAndReferences) {
    bool destroyed = false;
    auto file = make_file(pattern(8 * page), true, &destroyed);
    FileBacking named = backing(file, 2 * page, false);
    named.name = kernel::MappingName::make("/data/file");
    ASSERT_OK(space->map_file(at, 4 * page, read_only, Placement::Fixed, std::move(named)));
    ASSERT_OK(space->unmap(at + page, page));
    ASSERT_EQ(space->region_count(), 2u);
    for (uint64_t address : {at, at + 2 * page}) {
        StringView name = space->find(address)->file_name();
        EXPECT_EQ(std::string(name.data, name.length), "/data/file");
    }
    EXPECT_EQ(space->find(at)->file_offset(), 2 * page);
    EXPECT_EQ(space->find(at + 2 * page)->file_offset(), 4 * page);
    EXPECT_EQ(space->find(at + 2 * page)->end, at + 4 * page);
    EXPECT_EQ(bytes_at(at + 2 * page, 2 * page), slice(pattern(8 * page), 4 * page, 6 * page));
    EXPECT_EQ(file->reference_count(), 3u); // the test's and the two regions'
    file.clear();
    EXPECT_FALSE(destroyed);
    ASSERT_OK(space->unmap(at, page));
    EXPECT_FALSE(destroyed);
    ASSERT_OK(space->unmap(at + 2 * page, 2 * page));
    EXPECT_TRUE(destroyed); // the last mapping held the last reference
}

TEST_F(FileMappingTest, AdjacentMappingsMergeOnlyWhenTheFileContinues) {
    auto file = make_file(pattern(8 * page), true);
    auto other = make_file(pattern(8 * page), true);
    map(file, at, page, read_only, 0, false);
    map(file, at + page, page, read_only, page, false); // continues: one region
    EXPECT_EQ(space->region_count(), 1u);
    map(file, at + 2 * page, page, read_only, 5 * page, false);  // jumps: a new one
    map(other, at + 3 * page, page, read_only, 6 * page, false); // another file
    map(file, at + 4 * page, page, read_only, 5 * page, true);   // shared
    EXPECT_EQ(space->region_count(), 4u);
    ASSERT_OK(space->map_anonymous(at + 5 * page, page, read_only, Placement::Fixed,
                                   RegionKind::Anonymous));
    EXPECT_EQ(space->region_count(), 5u);
    EXPECT_EQ(space->find(at + 5 * page)->inode(), nullptr);
    EXPECT_EQ(space->find(at + 5 * page)->file_name().length, 0u);
    EXPECT_EQ(space->find(at)->file_name().length, 0u); // mapped without a name
    uint64_t device, inode;
    EXPECT_FALSE(space->find(at + 5 * page)->file_identity(device, inode));
}

TEST_F(FileMappingTest, MapFixedOverAFileMappingDropsItsReference) {
    bool destroyed = false;
    auto file = make_file(pattern(2 * page), false, &destroyed);
    map(file, at, 2 * page, read_write, 0, false);
    file.clear();
    EXPECT_FALSE(destroyed);
    ASSERT_OK(
        space->map_anonymous(at, 2 * page, read_write, Placement::Fixed, RegionKind::Anonymous));
    EXPECT_TRUE(destroyed);
    EXPECT_EQ(bytes_at(at, page), std::vector<uint8_t>(page, 0));
}

TEST_F(FileMappingTest, TheAddressSpaceGoingAwayDropsItsReferencesAndWritesBack) {
    bool destroyed = false;
    auto file = make_file(pattern(page), false, &destroyed);
    map(file, at, page, read_write, 0, true);
    host(at)[0] = 0x42;
    auto* raw = file.get();
    file.clear();
    raw->ref(); // watch it past the address space
    space.reset();
    EXPECT_EQ(raw->contents()[0], 0x42);
    EXPECT_FALSE(destroyed);
    raw->unref();
    EXPECT_TRUE(destroyed);
}

TEST_F(FileMappingTest, MremapGrowsOverTheFollowingFileBytes) {
    auto file = make_file(pattern(8 * page), true);
    map(file, at, 2 * page, read_only, page, false);
    // In place.
    EXPECT_EQ(value_of(space->resize(at, 2 * page, 3 * page, false)), at);
    EXPECT_EQ(space->region_count(), 1u);
    EXPECT_EQ(entry(at + 2 * page) & pte::address_mask, file->frame(3));
    // Moved: something is in the way.
    ASSERT_OK(space->map_anonymous(at + 3 * page, page, read_only, Placement::Fixed,
                                   RegionKind::Anonymous));
    uint64_t moved = value_of(space->resize(at, 3 * page, 5 * page, true));
    EXPECT_NE(moved, at);
    EXPECT_EQ(space->find(at), nullptr);
    const Region* region = space->find(moved);
    ASSERT_NE(region, nullptr);
    EXPECT_EQ(region->file_offset(), page);
    EXPECT_EQ(region->end, moved + 5 * page);
    EXPECT_EQ(bytes_at(moved, 5 * page), slice(pattern(8 * page), page, 6 * page));
    for (size_t i = 0; i < 5; ++i)
        EXPECT_EQ(entry(moved + i * page) & pte::address_mask, file->frame(i + 1));
    // Moved to a chosen place, from its second page on.
    uint64_t target = 0x50000000;
    EXPECT_EQ(value_of(space->move_to(moved + page, 2 * page, 2 * page, target)), target);
    EXPECT_EQ(space->find(target)->file_offset(), 2 * page);
    EXPECT_EQ(space->find(moved)->file_offset(), page);
    EXPECT_EQ(space->find(moved + 3 * page)->file_offset(), 4 * page);
    EXPECT_EQ(entry(target + page) & pte::address_mask, file->frame(3));
}

TEST_F(FileMappingTest, MadviseDontneedRereadsAPrivateCopy) {
    auto file = make_file(pattern(page), false);
    map(file, at, page, read_write, 0, false);
    host(at)[0] = 0x99;
    ASSERT_OK(space->discard(at, page));
    EXPECT_EQ(bytes_at(at, page), pattern(page));
    // A shared one keeps what it holds: it is the file's.
    auto shared = make_file(pattern(page), false);
    map(shared, at + page, page, read_write, 0, true);
    host(at + page)[0] = 0x99;
    ASSERT_OK(space->discard(at + page, page));
    EXPECT_EQ(host(at + page)[0], 0x99);
}

TEST_F(FileMappingTest, FileRangesPastTheLargestOffsetAreEoverflow) {
    auto file = make_file(pattern(page), true);
    uint64_t last = 0x7fffffffffffffffull & ~(page - 1);
    EXPECT_ERRNO(
        space->map_file(at, 2 * page, read_only, Placement::Fixed, backing(file, last, false)),
        EOVERFLOW);
    EXPECT_ERRNO(
        space->map_file(at, page, read_only, Placement::Fixed, backing(file, ~(page - 1), false)),
        EOVERFLOW);
    EXPECT_EQ(space->region_count(), 0u);
    EXPECT_EQ(file->reference_count(), 1u);
    // Far past the end of the file but within the offsets: mapped, without frames.
    ASSERT_OK(
        space->map_file(at, page, read_only, Placement::Fixed, backing(file, last - page, false)));
    EXPECT_FALSE(entry(at) & pte::present);
    // And the usual checks of mmap come first.
    EXPECT_ERRNO(space->map_file(at, 0, read_only, Placement::Fixed, backing(file, 0, false)),
                 EINVAL);
    EXPECT_ERRNO(
        space->map_file(at + 1, page, read_only, Placement::Fixed, backing(file, 0, false)),
        EINVAL);
}

TEST_F(FileMappingTest, AnywhereMapsTopDown) {
    auto file = make_file(pattern(page), true);
    uint64_t address =
        value_of(space->map_file(0, page, read_only, Placement::Anywhere, backing(file, 0, false)));
    EXPECT_EQ(address, highest - page);
    EXPECT_EQ(entry(address) & pte::address_mask, file->frame(0));
}

} // namespace
