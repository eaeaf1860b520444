#include "kernel/cfi_test_support.h"

namespace {

using namespace kernel::debug;
using kernel_test::Bytes;

CfiReader reader_of(const Bytes& bytes, uint64_t address = 0x1000) {
    return CfiReader(CfiBytes{bytes.data(), bytes.size(), address});
}

TEST(CfiReader, ReadsLittleEndianAndLeb128) {
    Bytes bytes = {0x34, 0x12, 0xe5, 0x8e, 0x26, 0x7f, 0x80, 0x7f};
    CfiReader reader = reader_of(bytes);
    EXPECT_EQ(reader.u16().value(), 0x1234);
    EXPECT_EQ(reader.uleb128().value(), 624485u);
    EXPECT_EQ(reader.sleb128().value(), -1);
    EXPECT_EQ(reader.sleb128().value(), -128);
    EXPECT_TRUE(reader.at_end());
    EXPECT_ERRNO(reader.u8(), EINVAL);
}

TEST(CfiReader, TruncatedReadsFail) {
    Bytes bytes = {1, 2, 3};
    CfiReader reader = reader_of(bytes);
    EXPECT_ERRNO(reader.u32(), EINVAL);
    EXPECT_ERRNO(reader.skip(4), EINVAL);
    EXPECT_ERRNO(reader.seek(4), EINVAL);
    EXPECT_ERRNO(reader.take(~0ull), EINVAL);
    Bytes unterminated_leb = {0x80, 0x80};
    EXPECT_ERRNO(reader_of(unterminated_leb).uleb128(), EINVAL);
    Bytes too_long_leb(11, 0xff);
    too_long_leb.push_back(0);
    EXPECT_ERRNO(reader_of(too_long_leb).uleb128(), EINVAL);
    Bytes unterminated_string = {'a', 'b'};
    EXPECT_ERRNO(reader_of(unterminated_string).string(), EINVAL);
}

TEST(CfiReader, PointerEncodings) {
    using namespace pointer_encoding;
    Bytes bytes = {0xfe, 0xff, 0xf0, 0xff, 0xff, 0xff, 0x10, 0, 0, 0};
    CfiReader reader = reader_of(bytes, 0x1000);
    EXPECT_EQ(reader.pointer(sdata2).value(), ~0ull - 1);
    // pc-relative: to the address of the encoded value itself (0x1002).
    EXPECT_EQ(reader.pointer(pcrel | sdata4).value(), 0x1002u - 16);
    EXPECT_EQ(reader.pointer(datarel | udata4, 0x4000).value(), 0x4010u);

    Bytes leb = {0x7f, 0x7f};
    CfiReader leb_reader = reader_of(leb);
    EXPECT_EQ(leb_reader.pointer(uleb128).value(), 0x7fu);
    EXPECT_EQ(leb_reader.pointer(sleb128).value(), ~0ull);

    Bytes eight(8, 0x11);
    EXPECT_EQ(reader_of(eight).pointer(absptr).value(), 0x1111111111111111u);
    EXPECT_ERRNO(reader_of(eight).pointer(0x05), EINVAL) << "no such format";
    EXPECT_ERRNO(reader_of(eight).pointer(indirect | pcrel | sdata4), ENOTSUP);
    EXPECT_ERRNO(reader_of(eight).pointer(0x20 | udata4), ENOTSUP) << "textrel";
    EXPECT_EQ(CfiReader::pointer_size(datarel | sdata4), 4u);
    EXPECT_EQ(CfiReader::pointer_size(uleb128), 0u);
}

} // namespace
