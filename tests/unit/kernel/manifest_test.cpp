#include "kernel/kernel_test_support.h"

#include "loader/manifest.h"

#include <ingot/abi/image.h>

namespace {

using kernel::Manifest;
using kernel_test::error_of;

// Encodes like the host does (independently, so both sides are checked against the ABI).
std::vector<uint8_t> manifest_bytes(const std::vector<std::string>& argv, const std::vector<std::string>& envp,
                                    uint64_t memory = 64 << 20, uint64_t stack = 1 << 20) {
    std::string strings;
    for (const auto& s : argv)
        strings += s + '\0';
    for (const auto& s : envp)
        strings += s + '\0';
    ingot::abi::ManifestHeader header{ingot::abi::manifest_magic, uint32_t(argv.size()), uint32_t(envp.size()),
                                      uint32_t(strings.size()), memory, stack};
    std::vector<uint8_t> bytes(sizeof header);
    std::memcpy(bytes.data(), &header, sizeof header);
    bytes.insert(bytes.end(), strings.begin(), strings.end());
    return bytes;
}

std::vector<uint8_t> arguments_bytes(const std::vector<std::string>& argv, const std::vector<std::string>& envp) {
    std::string strings;
    for (const auto& s : argv)
        strings += s + '\0';
    for (const auto& s : envp)
        strings += s + '\0';
    ingot::abi::ArgumentsHeader header{uint32_t(argv.size()), uint32_t(envp.size()), uint32_t(strings.size()), 0};
    std::vector<uint8_t> bytes(sizeof header);
    std::memcpy(bytes.data(), &header, sizeof header);
    bytes.insert(bytes.end(), strings.begin(), strings.end());
    return bytes;
}

std::vector<std::string> list(const char* const* strings, size_t count) {
    return std::vector<std::string>(strings, strings + count);
}

class KernelManifestTest : public ::testing::Test {
protected:
    KernelManifestTest() : manifest(std::make_unique<Manifest>()) {}
    // The manifest points into the bytes it was parsed from: they are kept for the whole test.
    int parse(const std::vector<uint8_t>& bytes) {
        const auto& kept = keep(bytes);
        return error_of(kernel::parse_manifest(kept.data(), kept.size(), *manifest));
    }
    int apply(const std::vector<uint8_t>& bytes) {
        const auto& kept = keep(bytes);
        return error_of(kernel::apply_run_time_arguments(kept.data(), kept.size(), *manifest));
    }
    const std::vector<uint8_t>& keep(const std::vector<uint8_t>& bytes) {
        return *storage.emplace_back(std::make_unique<std::vector<uint8_t>>(bytes));
    }
    std::unique_ptr<Manifest> manifest;
    std::vector<std::unique_ptr<std::vector<uint8_t>>> storage;
};

TEST_F(KernelManifestTest, ParsesInPlace) {
    auto bytes = manifest_bytes({"/prog", "-v", ""}, {"A=1", "B="}, 128 << 20, 2 << 20);
    ASSERT_EQ(parse(bytes), 0);
    EXPECT_EQ(manifest->argc, 3u);
    EXPECT_EQ(manifest->envc, 2u);
    EXPECT_EQ(manifest->memory_size, 128u << 20);
    EXPECT_EQ(manifest->stack_size, 2u << 20);
    EXPECT_EQ(list(manifest->argv, 3), (std::vector<std::string>{"/prog", "-v", ""}));
    EXPECT_EQ(list(manifest->envp, 2), (std::vector<std::string>{"A=1", "B="}));
    // The strings are not copied: they point into the payload.
    EXPECT_EQ(reinterpret_cast<const uint8_t*>(manifest->argv[0]),
              storage.back()->data() + sizeof(ingot::abi::ManifestHeader));
}

TEST_F(KernelManifestTest, ParsesTheLimits) {
    std::vector<std::string> many(kernel::max_arguments, "x");
    ASSERT_EQ(parse(manifest_bytes(many, {})), 0);
    EXPECT_EQ(manifest->argc, kernel::max_arguments);
    std::vector<std::string> environment;
    for (size_t i = 0; i + 1 < kernel::max_arguments; ++i)
        environment.push_back("V" + std::to_string(i) + "=1");
    ASSERT_EQ(parse(manifest_bytes({"/prog"}, environment)), 0);
    EXPECT_EQ(list(manifest->envp, manifest->envc), environment);
}

// As many variables as the manifest may hold, beside an argument.
TEST_F(KernelManifestTest, FullEnvironmentWithArguments) {
    std::vector<std::string> environment;
    for (size_t i = 0; i < kernel::max_arguments; ++i)
        environment.push_back("V" + std::to_string(i) + "=1");
    ASSERT_EQ(parse(manifest_bytes({"/prog"}, environment)), 0);
    EXPECT_EQ(list(manifest->argv, manifest->argc), std::vector<std::string>{"/prog"});
    EXPECT_EQ(list(manifest->envp, manifest->envc), environment);
}

TEST_F(KernelManifestTest, RejectsMalformedHeaders) {
    auto good = manifest_bytes({"/prog"}, {"A=1"});
    EXPECT_EQ(parse(std::vector<uint8_t>(good.begin(), good.begin() + sizeof(ingot::abi::ManifestHeader) - 1)),
              int(kernel::EINVAL));
    EXPECT_EQ(parse({}), int(kernel::EINVAL));
    auto bad = good;
    bad[0] ^= 1; // magic
    EXPECT_EQ(parse(bad), int(kernel::EINVAL));
    EXPECT_EQ(parse(manifest_bytes({}, {"A=1"})), int(kernel::EINVAL)); // no argv[0]
    std::vector<std::string> too_many(kernel::max_arguments + 1, "x");
    EXPECT_EQ(parse(manifest_bytes(too_many, {})), int(kernel::EINVAL));
    EXPECT_EQ(parse(manifest_bytes({"p"}, too_many)), int(kernel::EINVAL));
    bad = good;
    bad.push_back(0); // strings_size no longer matches
    EXPECT_EQ(parse(bad), int(kernel::EINVAL));
}

TEST_F(KernelManifestTest, RejectsMalformedStrings) {
    auto good = manifest_bytes({"/prog", "x"}, {"A=1"});
    auto header_size = sizeof(ingot::abi::ManifestHeader);
    // Unterminated last string (size kept consistent).
    auto bad = good;
    bad.back() = 'z';
    EXPECT_EQ(parse(bad), int(kernel::EINVAL));
    // More strings than claimed: trailing bytes.
    bad = good;
    uint32_t envc = 0;
    std::memcpy(bad.data() + 8, &envc, 4);
    EXPECT_EQ(parse(bad), int(kernel::EINVAL));
    // Fewer strings than claimed.
    bad = good;
    envc = 2;
    std::memcpy(bad.data() + 8, &envc, 4);
    EXPECT_EQ(parse(bad), int(kernel::EINVAL));
    // Every truncation with a consistent size is refused.
    for (size_t cut = 1; cut <= good.size() - header_size; ++cut) {
        bad.assign(good.begin(), good.end() - long(cut));
        uint32_t size = uint32_t(bad.size() - header_size);
        std::memcpy(bad.data() + 12, &size, 4);
        EXPECT_EQ(parse(bad), int(kernel::EINVAL)) << cut;
    }
}

TEST_F(KernelManifestTest, RunTimeArgvReplacesTheImages) {
    auto image = manifest_bytes({"/prog", "old"}, {"A=1"});
    ASSERT_EQ(parse(image), 0);
    auto run = arguments_bytes({"new0", "new1", "new2"}, {});
    ASSERT_EQ(apply(run), 0);
    EXPECT_EQ(list(manifest->argv, manifest->argc), (std::vector<std::string>{"new0", "new1", "new2"}));
    EXPECT_EQ(list(manifest->envp, manifest->envc), (std::vector<std::string>{"A=1"}));
}

TEST_F(KernelManifestTest, EmptyRunTimeArgvKeepsTheImages) {
    auto image = manifest_bytes({"/prog", "old"}, {"A=1"});
    ASSERT_EQ(parse(image), 0);
    auto run = arguments_bytes({}, {});
    ASSERT_EQ(apply(run), 0);
    EXPECT_EQ(list(manifest->argv, manifest->argc), (std::vector<std::string>{"/prog", "old"}));
}

TEST_F(KernelManifestTest, RunTimeEnvironmentOverridesAndExtends) {
    auto image = manifest_bytes({"/prog"}, {"AB=image", "A=image", "HOME=/", "EMPTY=x"});
    ASSERT_EQ(parse(image), 0);
    auto run = arguments_bytes({}, {"A=run", "NEW=1", "EMPTY=", "NEW=2"});
    ASSERT_EQ(apply(run), 0);
    // A replaced in place (AB untouched: names match exactly), NEW added once and then
    // overridden by its later definition.
    EXPECT_EQ(list(manifest->envp, manifest->envc),
              (std::vector<std::string>{"AB=image", "A=run", "HOME=/", "EMPTY=", "NEW=2"}));
}

TEST_F(KernelManifestTest, RunTimeEnvironmentTooBigIsE2big) {
    std::vector<std::string> almost_full;
    for (size_t i = 0; i + 1 < kernel::max_arguments; ++i)
        almost_full.push_back("V" + std::to_string(i) + "=1");
    auto image = manifest_bytes({"/prog"}, almost_full);
    ASSERT_EQ(parse(image), 0);
    auto last_slot = arguments_bytes({}, {"LAST=1"});
    ASSERT_EQ(apply(last_slot), 0);
    EXPECT_EQ(manifest->envc, kernel::max_arguments);
    // (Values long enough for the memcmp below; see OverrideComparesOnlyWithinStrings.)
    auto override_only = arguments_bytes({}, {"V7=22"});
    EXPECT_EQ(apply(override_only), 0); // overriding needs no slot
    EXPECT_EQ(manifest->envc, kernel::max_arguments);
    EXPECT_STREQ(manifest->envp[7], "V7=22");
    auto one_more = arguments_bytes({}, {"EXTRA=1"});
    EXPECT_EQ(apply(one_more), int(kernel::E2BIG));
}

// A longer name never matches a shorter one, and the comparison stops at the end of each (the
// image's "A=1" ends the buffer: ASan sees a read past it).
TEST_F(KernelManifestTest, OverrideComparesOnlyWithinStrings) {
    ASSERT_EQ(parse(manifest_bytes({"/prog"}, {"A=1"})), 0); // "A=1" ends the buffer
    ASSERT_EQ(apply(arguments_bytes({}, {"LONGER_NAME=1"})), 0);
    EXPECT_EQ(list(manifest->envp, manifest->envc), (std::vector<std::string>{"A=1", "LONGER_NAME=1"}));
}

TEST_F(KernelManifestTest, RunTimeArgumentsRejectMalformedInput) {
    auto image = manifest_bytes({"/prog"}, {"A=1"});
    ASSERT_EQ(parse(image), 0);
    auto good = arguments_bytes({"x"}, {"B=2"});
    EXPECT_EQ(apply(std::vector<uint8_t>(good.begin(), good.begin() + 8)), int(kernel::EINVAL));
    auto bad = good;
    bad.push_back('y');
    EXPECT_EQ(apply(bad), int(kernel::EINVAL)); // size mismatch
    bad = good;
    bad.back() = 'y';
    EXPECT_EQ(apply(bad), int(kernel::EINVAL)); // unterminated
    std::vector<std::string> too_many(kernel::max_arguments + 1, "x");
    EXPECT_EQ(apply(arguments_bytes(too_many, {})), int(kernel::EINVAL));
    // A refused override leaves the manifest as it was.
    EXPECT_EQ(list(manifest->argv, manifest->argc), (std::vector<std::string>{"/prog"}));
    EXPECT_EQ(list(manifest->envp, manifest->envc), (std::vector<std::string>{"A=1"}));
}

} // namespace
