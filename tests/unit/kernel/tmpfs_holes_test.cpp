// SEEK_DATA and SEEK_HOLE on tmpfs files: holes are the pages without a frame, found by
// skipping the empty parts of the page table whole.
#include "kernel/file_system_test_support.h"

namespace {

using kernel::vfs::Inode;
using kernel::vfs::NodeType;
using kernel_test::TmpfsHost;
using kernel_test::value_of;
using kernel_test::write_text;

constexpr uint64_t page = 4096;

TEST(TmpfsHoles, DataAndHolesArePagesWithAndWithoutFrames) {
    TmpfsHost host;
    auto file = value_of(host.file_system->root()->create("f", NodeType::Regular, 0600, 0));
    write_text(*file, 0, std::string(page, 'd'));
    write_text(*file, 3 * page, std::string(100, 'd'));
    write_text(*file, 4 * page, std::string(page, 'd'));
    write_text(*file, 7 * page - 1, "e"); // size 7 pages; page 6 has data, 5 is a hole
    EXPECT_EQ(value_of(file->seek_hole_data(0, false)), 0u);
    EXPECT_EQ(value_of(file->seek_hole_data(0, true)), page);
    EXPECT_EQ(value_of(file->seek_hole_data(100, true)), page);
    EXPECT_EQ(value_of(file->seek_hole_data(page + 5, false)), 3 * page);
    EXPECT_EQ(value_of(file->seek_hole_data(3 * page, true)), 5 * page);
    EXPECT_EQ(value_of(file->seek_hole_data(5 * page + 1, true)), 5 * page + 1);
    EXPECT_EQ(value_of(file->seek_hole_data(5 * page, false)), 6 * page);
    EXPECT_EQ(value_of(file->seek_hole_data(6 * page, true)), 7 * page); // the end
    EXPECT_ERRNO(file->seek_hole_data(7 * page, false), ENXIO);
    EXPECT_ERRNO(file->seek_hole_data(7 * page, true), ENXIO);
}

TEST(TmpfsHoles, FarDataIsFoundAcrossEmptyTables) {
    TmpfsHost host;
    auto file = value_of(host.file_system->root()->create("f", NodeType::Regular, 0600, 0));
    uint64_t far = 300ull << 30; // 300 GiB: past two empty top-level slots
    write_text(*file, far, "x");
    EXPECT_EQ(value_of(file->seek_hole_data(0, true)), 0u);
    EXPECT_EQ(value_of(file->seek_hole_data(5, false)), far);
    EXPECT_EQ(value_of(file->seek_hole_data(far, true)), far + 1);
    auto empty = value_of(host.file_system->root()->create("e", NodeType::Regular, 0600, 0));
    EXPECT_ERRNO(empty->seek_hole_data(0, false), ENXIO);
}

} // namespace
