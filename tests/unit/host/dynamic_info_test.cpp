#include "image/dynamic_info.h"

#include "host/closure_test_support.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <elf.h>

namespace ingot {
namespace {

using ingot_test::make_shared_object;
using ingot_test::ObjectSpec;

std::string error_of(const std::vector<uint8_t>& bytes) {
    try {
        read_dynamic_info(bytes, "obj");
    } catch (const UserError& error) {
        return error.what();
    }
    return "";
}

TEST(DynamicInfo, ReadsWhatTheDynamicSectionSays) {
    ObjectSpec spec;
    spec.interpreter = "/lib64/ld-linux-x86-64.so.2";
    spec.soname = "libthing.so.1";
    spec.needed = {"libm.so.6", "libc.so.6"};
    spec.runpath = "$ORIGIN/../lib";
    spec.flags_1 = DF_1_NODEFLIB;
    DynamicInfo info = read_dynamic_info(make_shared_object(spec), "obj");
    EXPECT_EQ(info.interpreter, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_TRUE(info.has_dynamic_section);
    EXPECT_EQ(info.soname, "libthing.so.1");
    EXPECT_EQ(info.needed, (std::vector<std::string>{"libm.so.6", "libc.so.6"}));
    EXPECT_EQ(info.runpath, "$ORIGIN/../lib");
    EXPECT_FALSE(info.rpath);
    EXPECT_TRUE(info.no_default_libraries);
}

TEST(DynamicInfo, RpathIsDroppedWhenRunpathIsPresent) {
    ObjectSpec spec;
    spec.rpath = "/old";
    EXPECT_EQ(read_dynamic_info(make_shared_object(spec), "obj").rpath, "/old");
    spec.runpath = "/new";
    DynamicInfo info = read_dynamic_info(make_shared_object(spec), "obj");
    EXPECT_FALSE(info.rpath);
    EXPECT_EQ(info.runpath, "/new");
}

TEST(DynamicInfo, ReadsRealPrograms) {
    auto bytes = ingot_test::read_file(ingot_test::dynamic_program_path());
    DynamicInfo info = read_dynamic_info(bytes, "prog");
    EXPECT_EQ(info.interpreter, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_NE(std::find(info.needed.begin(), info.needed.end(), "libc.so.6"), info.needed.end());
    DynamicInfo library =
        read_dynamic_info(ingot_test::read_file(ingot_test::shared_library_path()), "lib");
    EXPECT_TRUE(library.interpreter.empty());
    EXPECT_TRUE(library.has_dynamic_section);
    DynamicInfo fixed =
        read_dynamic_info(ingot_test::read_file(ingot_test::static_program_path()), "static");
    EXPECT_TRUE(fixed.interpreter.empty());
    EXPECT_TRUE(fixed.needed.empty());
}

TEST(DynamicInfo, RefusesAStringTableOutsideTheLoadedSegments) {
    ObjectSpec spec;
    spec.needed = {"libc.so.6"};
    auto bytes = make_shared_object(spec);
    size_t dynamic = ingot_test::dynamic_section_offset(bytes);
    // The entries: DT_NEEDED, DT_STRTAB, DT_STRSZ, DT_NULL.
    auto table = ingot_test::read_struct<Elf64_Dyn>(bytes, dynamic + sizeof(Elf64_Dyn));
    ASSERT_EQ(table.d_tag, DT_STRTAB);
    table.d_un.d_ptr = 0x7000;
    ingot_test::write_struct(std::span<uint8_t>(bytes), dynamic + sizeof(Elf64_Dyn), table);
    EXPECT_NE(error_of(bytes).find("string table lies outside"), std::string::npos)
        << error_of(bytes);
}

TEST(DynamicInfo, RefusesADynamicSectionWithoutEnd) {
    ObjectSpec spec;
    spec.needed = {"libc.so.6"};
    auto bytes = make_shared_object(spec);
    size_t dynamic = ingot_test::dynamic_section_offset(bytes);
    Elf64_Dyn filler{};
    filler.d_tag = DT_DEBUG;
    ingot_test::write_struct(std::span<uint8_t>(bytes), dynamic + 3 * sizeof(Elf64_Dyn), filler);
    EXPECT_NE(error_of(bytes).find("no DT_NULL"), std::string::npos) << error_of(bytes);
}

TEST(DynamicInfo, RefusesANameOutsideTheStringTable) {
    ObjectSpec spec;
    spec.needed = {"libc.so.6"};
    auto bytes = make_shared_object(spec);
    size_t dynamic = ingot_test::dynamic_section_offset(bytes);
    auto needed = ingot_test::read_struct<Elf64_Dyn>(bytes, dynamic);
    needed.d_un.d_val = 1u << 20;
    ingot_test::write_struct(std::span<uint8_t>(bytes), dynamic, needed);
    EXPECT_NE(error_of(bytes).find("DT_NEEDED"), std::string::npos) << error_of(bytes);
}

TEST(DynamicInfo, RefusesAnUnterminatedString) {
    ObjectSpec spec;
    spec.needed = {"libc.so.6"};
    auto bytes = make_shared_object(spec);
    size_t dynamic = ingot_test::dynamic_section_offset(bytes);
    // Make the string table end inside "libc.so.6", before its NUL.
    auto size = ingot_test::read_struct<Elf64_Dyn>(bytes, dynamic + 2 * sizeof(Elf64_Dyn));
    ASSERT_EQ(size.d_tag, DT_STRSZ);
    size.d_un.d_val = 5;
    ingot_test::write_struct(std::span<uint8_t>(bytes), dynamic + 2 * sizeof(Elf64_Dyn), size);
    EXPECT_NE(error_of(bytes).find("not a string"), std::string::npos) << error_of(bytes);
}

TEST(DynamicInfo, RefusesAnInterpreterWithoutItsNul) {
    ObjectSpec spec;
    spec.interpreter = "/ld";
    auto bytes = make_shared_object(spec);
    auto header = ingot_test::read_struct<Elf64_Ehdr>(bytes, 0);
    auto interp = ingot_test::read_struct<Elf64_Phdr>(bytes, header.e_phoff);
    ASSERT_EQ(interp.p_type, PT_INTERP);
    interp.p_filesz = 3; // "/ld" without its NUL
    ingot_test::write_struct(std::span<uint8_t>(bytes), header.e_phoff, interp);
    EXPECT_NE(error_of(bytes).find("interpreter"), std::string::npos) << error_of(bytes);
    interp.p_offset = bytes.size() + 10;
    ingot_test::write_struct(std::span<uint8_t>(bytes), header.e_phoff, interp);
    EXPECT_NE(error_of(bytes).find("outside the file"), std::string::npos) << error_of(bytes);
}

// Every byte of the headers and the dynamic section replaced in turn: an answer or one error,
// never a crash or a read outside the buffer (ASan watches).
TEST(DynamicInfo, SurvivesEveryCorruptedByte) {
    ObjectSpec spec;
    spec.interpreter = "/lib64/ld-linux-x86-64.so.2";
    spec.soname = "libx.so";
    spec.needed = {"liba.so", "libb.so"};
    spec.rpath = "$ORIGIN";
    const auto original = make_shared_object(spec);
    size_t dynamic = ingot_test::dynamic_section_offset(original);
    std::vector<size_t> offsets;
    for (size_t i = 0; i < sizeof(Elf64_Ehdr) + 3 * sizeof(Elf64_Phdr); ++i)
        offsets.push_back(i);
    for (size_t i = dynamic; i < original.size(); ++i)
        offsets.push_back(i);
    size_t errors = 0;
    for (size_t offset : offsets) {
        for (uint8_t value : {uint8_t{0x00}, uint8_t{0xff}, uint8_t{0x41}}) {
            auto bytes = original;
            bytes[offset] = value;
            try {
                read_dynamic_info(bytes, "obj");
            } catch (const UserError&) {
                ++errors;
            }
        }
    }
    EXPECT_GT(errors, 0u);
    for (size_t size = 0; size < original.size(); size += 7) {
        std::vector<uint8_t> bytes(original.begin(),
                                   original.begin() + static_cast<ptrdiff_t>(size));
        try {
            read_dynamic_info(bytes, "obj");
        } catch (const UserError&) {
        }
    }
}

TEST(DynamicInfo, TellsLoadableObjectsApart) {
    EXPECT_TRUE(is_loadable_x86_64_elf(make_shared_object({})));
    auto thirty_two = make_shared_object({});
    thirty_two[EI_CLASS] = ELFCLASS32;
    EXPECT_FALSE(is_loadable_x86_64_elf(thirty_two));
    auto object = make_shared_object({});
    ingot_test::write_struct<uint16_t>(std::span<uint8_t>(object), 16, ET_REL);
    EXPECT_FALSE(is_loadable_x86_64_elf(object));
    EXPECT_FALSE(is_loadable_x86_64_elf(std::vector<uint8_t>{0x7f, 'E', 'L', 'F'}));
}

} // namespace
} // namespace ingot
