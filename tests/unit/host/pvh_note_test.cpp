#include "image/elf_file.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <cstring>

namespace ingot {
namespace {

using ingot_test::ElfSegment;
using ingot_test::make_elf;

// One ELF note: header, name padded to 4 bytes, description padded to 4 bytes.
std::vector<uint8_t> note(const char* name, uint32_t type, std::vector<uint8_t> description) {
    Elf64_Nhdr header{static_cast<Elf64_Word>(std::strlen(name) + 1),
                      static_cast<Elf64_Word>(description.size()), type};
    std::vector<uint8_t> bytes(sizeof header);
    std::memcpy(bytes.data(), &header, sizeof header);
    bytes.insert(bytes.end(), name, name + header.n_namesz);
    bytes.resize((bytes.size() + 3) & ~size_t(3), 0);
    bytes.insert(bytes.end(), description.begin(), description.end());
    bytes.resize((bytes.size() + 3) & ~size_t(3), 0);
    return bytes;
}

bool has_note(std::vector<uint8_t> notes) {
    std::vector<uint8_t> elf = make_elf(ET_EXEC, 0x100000,
                                        {{PT_LOAD, PF_R | PF_X, 0x100000, 0, {0xf4}},
                                         {PT_NOTE, PF_R, 0x101000, 0, std::move(notes)}});
    return ElfFile(elf, "kernel").has_pvh_entry_note();
}

const std::vector<uint8_t> entry_32bit = {0x00, 0x00, 0x10, 0x00};

TEST(PvhNote, FoundAmongOtherNotes) {
    auto notes = note("GNU", 3, std::vector<uint8_t>(20, 0xab));
    auto xen = note("Xen", 18, entry_32bit);
    notes.insert(notes.end(), xen.begin(), xen.end());
    EXPECT_TRUE(has_note(notes));
}

TEST(PvhNote, OtherXenNotesOrOtherOwnersDoNotCount) {
    EXPECT_FALSE(has_note(note("Xen", 17, entry_32bit)));
    EXPECT_FALSE(has_note(note("GNU", 18, entry_32bit)));
    EXPECT_FALSE(has_note(note("Xe", 18, entry_32bit)));
    EXPECT_FALSE(has_note(note("Xen", 18, {0x00, 0x10})));
}

TEST(PvhNote, AbsentFromAnOrdinaryProgram) {
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    EXPECT_FALSE(ElfFile(program, "program").has_pvh_entry_note());
}

} // namespace
} // namespace ingot
