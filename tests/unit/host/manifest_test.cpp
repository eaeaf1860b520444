#include "image/manifest.h"
#include "support/error.h"
#include "test_support.h"

#include <ingot/abi/image.h>

#include <gtest/gtest.h>

#include <cstring>

namespace ingot {
namespace {

using ingot_test::read_struct;
using ingot_test::write_struct;

Manifest sample_manifest() {
    Manifest manifest;
    manifest.arguments = {"/bin/program", "--flag", ""};
    manifest.environment = {"HOME=/", "EMPTY=", "A=b=c"};
    manifest.memory_size = 64ull << 20;
    manifest.stack_size = 1ull << 20;
    return manifest;
}

void expect_equal(const Manifest& a, const Manifest& b) {
    EXPECT_EQ(a.arguments, b.arguments);
    EXPECT_EQ(a.environment, b.environment);
    EXPECT_EQ(a.memory_size, b.memory_size);
    EXPECT_EQ(a.stack_size, b.stack_size);
}

TEST(Manifest, EncodesHeaderThenStrings) {
    auto bytes = encode_manifest(sample_manifest());
    auto header = read_struct<abi::ManifestHeader>(bytes, 0);
    EXPECT_EQ(header.magic, abi::manifest_magic);
    EXPECT_EQ(header.argc, 3u);
    EXPECT_EQ(header.envc, 3u);
    EXPECT_EQ(header.memory_size, 64ull << 20);
    EXPECT_EQ(header.stack_size, 1ull << 20);
    EXPECT_EQ(header.strings_size, bytes.size() - sizeof header);
    std::string strings(bytes.begin() + sizeof header, bytes.end());
    EXPECT_EQ(strings, std::string("/bin/program\0--flag\0\0HOME=/\0EMPTY=\0A=b=c\0", 41));
}

TEST(Manifest, RoundTrips) {
    Manifest manifest = sample_manifest();
    expect_equal(decode_manifest(encode_manifest(manifest)), manifest);

    Manifest minimal;
    minimal.arguments = {"p"};
    expect_equal(decode_manifest(encode_manifest(minimal)), minimal);
}

TEST(Manifest, ValidateRejectsEmptyArgv) {
    Manifest manifest;
    EXPECT_THROW(validate_manifest(manifest), UserError);
    EXPECT_THROW(encode_manifest(manifest), UserError);
}

TEST(Manifest, ValidateRejectsNulBytes) {
    Manifest manifest = sample_manifest();
    manifest.arguments[1] = std::string("a\0b", 3);
    EXPECT_THROW(validate_manifest(manifest), UserError);
    manifest = sample_manifest();
    manifest.environment[0] = std::string("A=\0", 3);
    EXPECT_THROW(validate_manifest(manifest), UserError);
}

TEST(Manifest, ValidateRejectsEnvironmentWithoutName) {
    for (const char* bad : {"NOEQUALS", "=value", ""}) {
        Manifest manifest = sample_manifest();
        manifest.environment.push_back(bad);
        EXPECT_THROW(validate_manifest(manifest), UserError) << '"' << bad << '"';
    }
}

TEST(Manifest, ValidateEnforcesCountLimits) {
    Manifest manifest;
    manifest.arguments.assign(4096, "a");
    EXPECT_NO_THROW(validate_manifest(manifest));
    manifest.arguments.push_back("a");
    EXPECT_THROW(validate_manifest(manifest), UserError);

    manifest.arguments = {"p"};
    manifest.environment.assign(4096, "A=1");
    EXPECT_NO_THROW(validate_manifest(manifest));
    manifest.environment.push_back("A=1");
    EXPECT_THROW(validate_manifest(manifest), UserError);
}

TEST(Manifest, ValidateEnforcesTotalStringSize) {
    Manifest manifest;
    // Exactly max_manifest_strings bytes including the terminators fits; one more does not.
    manifest.arguments = {std::string(abi::max_manifest_strings - 1, 'x')};
    EXPECT_NO_THROW(validate_manifest(manifest));
    manifest.arguments = {std::string(abi::max_manifest_strings, 'x')};
    EXPECT_THROW(validate_manifest(manifest), UserError);
    manifest.arguments = {std::string(abi::max_manifest_strings / 2, 'x')};
    manifest.environment = {"A=" + std::string(abi::max_manifest_strings / 2, 'y')};
    EXPECT_THROW(validate_manifest(manifest), UserError);
}

TEST(Manifest, DecodeRejectsTruncatedHeader) {
    auto bytes = encode_manifest(sample_manifest());
    for (size_t size : {size_t(0), size_t(1), sizeof(abi::ManifestHeader) - 1}) {
        std::span<const uint8_t> truncated(bytes.data(), size);
        EXPECT_THROW(decode_manifest(truncated), UserError) << size;
    }
}

TEST(Manifest, DecodeRejectsTruncatedStrings) {
    // Cut the strings short but keep the header's size consistent, so the string walk itself
    // must notice that argc + envc strings are not all there.
    auto bytes = encode_manifest(sample_manifest());
    auto header = read_struct<abi::ManifestHeader>(bytes, 0);
    for (size_t cut = 1; cut <= header.strings_size; ++cut) {
        std::vector<uint8_t> truncated(bytes.begin(), bytes.end() - static_cast<long>(cut));
        auto shorter = header;
        shorter.strings_size -= static_cast<uint32_t>(cut);
        write_struct(std::span<uint8_t>(truncated), 0, shorter);
        EXPECT_THROW(decode_manifest(truncated), UserError) << cut;
        // Without the size fix-up the header check catches it.
        std::vector<uint8_t> inconsistent(bytes.begin(), bytes.end() - static_cast<long>(cut));
        EXPECT_THROW(decode_manifest(inconsistent), UserError) << cut;
    }
}

TEST(Manifest, DecodeRejectsBadMagic) {
    auto bytes = encode_manifest(sample_manifest());
    bytes[0] ^= 1;
    try {
        decode_manifest(bytes);
        FAIL() << "accepted a bad magic";
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find("magic"), std::string::npos) << error.what();
    }
}

TEST(Manifest, DecodeRejectsBadCounts) {
    auto original = encode_manifest(sample_manifest());
    auto header = read_struct<abi::ManifestHeader>(original, 0);
    auto with = [&](auto change) {
        auto bytes = original;
        auto modified = header;
        change(modified);
        write_struct(std::span<uint8_t>(bytes), 0, modified);
        return bytes;
    };
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.argc = 0; })), UserError);
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.argc = 4097; })), UserError);
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.envc = 4097; })), UserError);
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.argc = 0xffffffff; })), UserError);
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.strings_size += 1; })), UserError);
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.strings_size -= 1; })), UserError);
    // More strings claimed than present: runs out (unterminated).
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.envc += 1; })), UserError);
    // Fewer strings claimed than present: bytes left over.
    EXPECT_THROW(decode_manifest(with([](auto& h) { h.envc -= 1; })), UserError);
}

TEST(Manifest, DecodeRejectsUnterminatedLastString) {
    auto bytes = encode_manifest(sample_manifest());
    bytes.back() = 'x';
    EXPECT_THROW(decode_manifest(bytes), UserError);
}

TEST(RunTimeArguments, EncodesArgvAndEnvironment) {
    auto bytes = encode_run_time_arguments({"prog", "x"}, {"A=1"});
    auto header = read_struct<abi::ArgumentsHeader>(bytes, 0);
    EXPECT_EQ(header.argc, 2u);
    EXPECT_EQ(header.envc, 1u);
    EXPECT_EQ(header.reserved, 0u);
    EXPECT_EQ(header.strings_size, bytes.size() - sizeof header);
    EXPECT_EQ(std::string(bytes.begin() + sizeof header, bytes.end()), std::string("prog\0x\0A=1\0", 11));
}

TEST(RunTimeArguments, EmptyArgvKeepsTheImages) {
    auto bytes = encode_run_time_arguments({}, {"A=1"});
    auto header = read_struct<abi::ArgumentsHeader>(bytes, 0);
    EXPECT_EQ(header.argc, 0u);
    EXPECT_EQ(header.envc, 1u);
    EXPECT_EQ(bytes.size(), sizeof header + 4);
    auto empty = encode_run_time_arguments({}, {});
    EXPECT_EQ(empty.size(), sizeof(abi::ArgumentsHeader));
}

TEST(RunTimeArguments, ValidatesLikeTheManifest) {
    EXPECT_THROW(encode_run_time_arguments({}, {"NOEQUALS"}), UserError);
    EXPECT_THROW(encode_run_time_arguments({std::string("a\0", 2)}, {}), UserError);
    EXPECT_THROW(encode_run_time_arguments(std::vector<std::string>(4097, "a"), {}), UserError);
}

} // namespace
} // namespace ingot
