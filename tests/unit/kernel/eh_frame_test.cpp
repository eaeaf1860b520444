#include "kernel/cfi_test_support.h"

#include "debug/eh_frame.h"

namespace {

using namespace kernel::debug;
using kernel_test::Bytes;
using kernel_test::EhFrameBuilder;

TEST(EhFrame, ScanFindsTheFdeCoveringAPc) {
    EhFrameBuilder builder;
    size_t cie = builder.cie();
    builder.fde(cie, 0x401000, 0x20, {0x41, 0x0e, 16});
    builder.fde(cie, 0x401020, 0x10, {});
    builder.terminator();
    EhFrame frame(builder.section(), {});
    ASSERT_TRUE(frame.present());
    auto fde = frame.find(0x40101f);
    ASSERT_OK(fde);
    EXPECT_EQ(fde.value().pc_begin, 0x401000u);
    EXPECT_EQ(fde.value().pc_end, 0x401020u);
    EXPECT_EQ(fde.value().code_alignment, 1u);
    EXPECT_EQ(fde.value().data_alignment, -8);
    EXPECT_EQ(fde.value().return_register, 16u);
    EXPECT_EQ(fde.value().instructions.size, 3u);
    EXPECT_EQ(fde.value().initial_instructions.size, kernel_test::entry_rules.size());
    EXPECT_EQ(frame.find(0x401020).value().pc_begin, 0x401020u);
    EXPECT_ERRNO(frame.find(0x401030), ENOENT);
    EXPECT_ERRNO(frame.find(0x400fff), ENOENT);
    EXPECT_ERRNO(EhFrame().find(0x401000), ENOENT);
}

TEST(EhFrame, AugmentationsPlrAndS) {
    EhFrameBuilder builder;
    // "zPLR": personality (udata4, ignored), LSDA encoding, FDE encoding; then "zRS".
    size_t with_personality =
        builder.cie(kernel_test::entry_rules, "zPLR", {0x03, 0x78, 0x56, 0x34, 0x12, 0x1b, 0x1b});
    size_t signal = builder.cie(kernel_test::entry_rules, "zRS", {0x1b});
    builder.fde(with_personality, 0x402000, 0x10, {});
    builder.fde(signal, 0x403000, 0x10, {});
    EhFrame frame(builder.section(), {});
    ASSERT_OK(frame.find(0x402008));
    EXPECT_FALSE(frame.find(0x402008).value().signal_frame);
    ASSERT_OK(frame.find(0x403008));
    EXPECT_TRUE(frame.find(0x403008).value().signal_frame);
}

TEST(EhFrame, HeaderTableIsBinarySearched) {
    EhFrameBuilder builder(0x500000);
    size_t cie = builder.cie();
    size_t fdes[3];
    uint64_t starts[3] = {0x401000, 0x402000, 0x403000};
    for (int i = 0; i < 3; ++i)
        fdes[i] = builder.fde(cie, starts[i], 0x100, {});
    builder.terminator();
    // version 1; eh_frame_ptr pcrel|sdata4; count udata4; table datarel|sdata4.
    uint64_t header_address = 0x4ff000;
    Bytes header = {1, 0x1b, 0x03, 0x3b};
    kernel_test::append_u32(header, static_cast<uint32_t>(0x500000 - (header_address + 4)));
    kernel_test::append_u32(header, 3);
    for (int i = 0; i < 3; ++i) {
        kernel_test::append_u32(header, static_cast<uint32_t>(starts[i] - header_address));
        kernel_test::append_u32(header, static_cast<uint32_t>(0x500000 + fdes[i] - header_address));
    }
    EhFrame frame(builder.section(), {header.data(), header.size(), header_address});
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(frame.find(starts[i]).value().pc_begin, starts[i]);
        EXPECT_EQ(frame.find(starts[i] + 0xff).value().pc_begin, starts[i]);
        EXPECT_ERRNO(frame.find(starts[i] + 0x100), ENOENT);
    }
    EXPECT_ERRNO(frame.find(0x400000), ENOENT);

    // A table pointing outside .eh_frame finds nothing and reads nothing out of bounds.
    Bytes corrupt = header;
    corrupt[16] = 0xff;
    EhFrame bad(builder.section(), {corrupt.data(), corrupt.size(), header_address});
    EXPECT_NE(kernel_test::outcome(bad.find(0x401000)), "OK");
}

TEST(EhFrame, MalformedSectionsAreErrors) {
    EhFrameBuilder builder;
    size_t cie = builder.cie();
    builder.fde(cie, 0x401000, 0x20, {});
    Bytes good = builder.bytes;
    auto find_in = [](const Bytes& bytes) {
        EhFrame frame({bytes.data(), bytes.size(), 0x500000}, {});
        return kernel_test::outcome(frame.find(0x401000));
    };
    ASSERT_EQ(find_in(good), "OK");
    // Every truncation: no read past the end (ASan watches), and an error or no FDE.
    for (size_t size = 0; size < good.size(); ++size) {
        Bytes cut(good.begin(), good.begin() + size);
        EXPECT_NE(find_in(cut), "OK") << size;
    }
    Bytes long_length = good;
    long_length[0] = 0xf0; // the CIE claims more bytes than the section has
    EXPECT_EQ(find_in(long_length), "EINVAL");
    Bytes huge_length = good;
    huge_length[0] = huge_length[1] = huge_length[2] = huge_length[3] = 0xff;
    EXPECT_EQ(find_in(huge_length), "EINVAL") << "64-bit length escape, then truncated";
    Bytes bad_cie_pointer = good;
    bad_cie_pointer[cie + 4 + good[0] + 4] = 0x7f; // points before the section
    EXPECT_EQ(find_in(bad_cie_pointer), "EINVAL");
    Bytes bad_version = good;
    bad_version[8] = 9;
    EXPECT_EQ(find_in(bad_version), "ENOTSUP");

    EhFrameBuilder encodings;
    size_t odd = encodings.cie(kernel_test::entry_rules, "zR", {0x0f}); // no such format
    encodings.fde(odd, 0x401000, 0x20, {});
    EXPECT_EQ(find_in(encodings.bytes), "EINVAL");
    EhFrameBuilder unknown;
    size_t plain = unknown.cie(kernel_test::entry_rules, "Q", {});
    unknown.fde(plain, 0x401000, 0x20, {});
    EXPECT_EQ(find_in(unknown.bytes), "ENOTSUP") << "an unknown augmentation without 'z'";
}

} // namespace
