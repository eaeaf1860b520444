// tmpfs files mapped into an address space: a truncate takes back the frames mappings borrowed
// before it frees them (no page table may map a freed frame), a page past the end of the file
// is one Linux answers with SIGBUS, and one of a file that has grown back is mapped on its
// first touch. An unlinked file keeps its frames while a mapping holds it.
#include "kernel/file_system_test_support.h"

#include "fs/vfs/lent_pages.h"
#include "mm/address_space.h"

#include <memory>

namespace {

using kernel::Access;
using kernel::AddressSpace;
using kernel::FileBacking;
using kernel::PageTable;
using kernel::PhysicalAddress;
using kernel::Placement;
using kernel::RefPtr;
using kernel::Zeroed;
using kernel::vfs::AttributeChange;
using kernel::vfs::Inode;
using kernel::vfs::NodeType;
using kernel_test::TmpfsHost;
using kernel_test::value_of;
using kernel_test::write_text;
namespace pte = kernel::pte;
namespace protection = kernel::protection;

constexpr uint64_t page = 4096;
constexpr uint64_t lowest = 0x10000;
constexpr uint64_t highest = 0x800000000000;
constexpr uint64_t at = 0x40000000;
constexpr uint64_t elsewhere = 0x50000000;
constexpr uint32_t read_only = protection::read;
constexpr uint32_t read_write = protection::read | protection::write;

class TmpfsMappingTest : public ::testing::Test {
protected:
    TmpfsMappingTest() {
        PhysicalAddress root = value_of(host.allocator.allocate(Zeroed::Yes));
        table = std::make_unique<PageTable>(host.allocator, root);
        space = std::make_unique<AddressSpace>(host.allocator, *table, lowest, highest);
        kernel::vfs::set_page_borrower(space.get());
    }
    ~TmpfsMappingTest() override { kernel::vfs::set_page_borrower(nullptr); }

    RefPtr<Inode> make_file(const char* name, size_t pages) {
        auto file = value_of(host.file_system->root()->create(name, NodeType::Regular, 0644, 0));
        write_text(*file, 0, std::string(pages * page, 'd'));
        return file;
    }
    void map(const RefPtr<Inode>& file, uint64_t address, size_t pages, uint32_t prot,
             bool shared) {
        ASSERT_OK(space->map_file(address, pages * page, prot, Placement::Fixed,
                                  FileBacking{file, 0, shared, shared, nullptr}));
    }
    void resize(Inode& file, uint64_t size) {
        AttributeChange change;
        change.fields = AttributeChange::Size;
        change.size = size;
        ASSERT_OK(file.change_attributes(change));
    }
    uint64_t entry(uint64_t address) {
        uint64_t* leaf = table->leaf(address);
        return leaf ? *leaf : 0;
    }
    bool mapped(uint64_t address) { return entry(address) & pte::present; }

    TmpfsHost host;
    std::unique_ptr<PageTable> table;
    std::unique_ptr<AddressSpace> space;
};

TEST_F(TmpfsMappingTest, TruncateUnmapsTheSharedPagesItFrees) {
    auto file = make_file("shared", 3);
    map(file, at, 3, read_write, true);
    for (size_t i = 0; i < 3; ++i)
        ASSERT_TRUE(entry(at + i * page) & pte::borrowed);
    size_t free_before = host.allocator.free_frames();
    resize(*file, 10);
    // The kept page stays mapped; the two freed ones are in no page table any more.
    EXPECT_TRUE(mapped(at));
    EXPECT_FALSE(mapped(at + page));
    EXPECT_FALSE(mapped(at + 2 * page));
    EXPECT_EQ(host.allocator.free_frames(), free_before + 2);
    // Linux: SIGBUS for the pages wholly past the end, not a new frame.
    EXPECT_FALSE(space->beyond_file_end(at, Access::Read));
    EXPECT_TRUE(space->beyond_file_end(at + page, Access::Read));
    EXPECT_TRUE(space->beyond_file_end(at + 2 * page + 17, Access::Write));
    EXPECT_FALSE(space->back_on_fault(at + page, Access::Read));
    EXPECT_FALSE(mapped(at + page));
    // The kernel refuses to touch them too (read(2) into such a buffer: EFAULT).
    EXPECT_ERRNO(space->populate(at, 2 * page, Access::Read), EFAULT);
    ASSERT_OK(space->unmap(at, 3 * page));
    EXPECT_EQ(host.allocator.free_frames(), free_before + 2);
}

TEST_F(TmpfsMappingTest, APageOfAFileThatGrewBackIsMappedOnItsFirstTouch) {
    auto file = make_file("regrown", 2);
    map(file, at, 2, read_write, true);
    resize(*file, 0);
    EXPECT_FALSE(mapped(at));
    EXPECT_FALSE(mapped(at + page));
    resize(*file, 2 * page);
    EXPECT_FALSE(space->beyond_file_end(at + page, Access::Write));
    EXPECT_TRUE(space->back_on_fault(at + page, Access::Write));
    ASSERT_TRUE(mapped(at + page));
    // The page mapped is the file's: a store through it reaches the file.
    PhysicalAddress frame = entry(at + page) & pte::address_mask;
    host.allocator.to_virtual(frame)[5] = 'z';
    EXPECT_EQ(kernel_test::read_text(*file, page + 5, 1), "z");
    // The kernel maps the other page itself when a system call touches it.
    ASSERT_OK(space->populate(at, 1, Access::Read));
    EXPECT_TRUE(mapped(at));
}

TEST_F(TmpfsMappingTest, PrivateLentPagesAreTakenBackAndOtherFilesKeepTheirs) {
    auto file = make_file("private", 2);
    auto other = make_file("other", 2);
    map(file, at, 2, read_only, false);
    map(other, elsewhere, 2, read_write, true);
    ASSERT_TRUE(entry(at + page) & pte::borrowed);
    resize(*file, page);
    EXPECT_TRUE(mapped(at));
    EXPECT_FALSE(mapped(at + page));
    EXPECT_TRUE(mapped(elsewhere));
    EXPECT_TRUE(mapped(elsewhere + page));
}

TEST_F(TmpfsMappingTest, AnUnlinkedFileKeepsItsFramesUntilTheMappingGoes) {
    size_t free_before = host.allocator.free_frames();
    {
        auto file = make_file("gone", 2);
        map(file, at, 2, read_write, true);
        ASSERT_OK(host.file_system->root()->remove("gone", false));
    }
    EXPECT_TRUE(mapped(at));
    EXPECT_TRUE(host.file_system->root()->lookup("gone").is_error());
    size_t while_mapped = host.allocator.free_frames();
    EXPECT_LT(while_mapped, free_before);
    ASSERT_OK(space->unmap(at, 2 * page));
    // The file's two pages go back to the allocator with the last reference.
    EXPECT_EQ(host.allocator.free_frames(), while_mapped + 2);
}

} // namespace
