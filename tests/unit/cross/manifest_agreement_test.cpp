// The host writes what the kernel reads: the manifest and run-time arguments encoded by the
// ingot tool must decode to the same strings in the kernel, and a whole image's payload must be
// loadable by the kernel's program loader.
#include "image/image.h"
#include "image/manifest.h"

#include "kernel/kernel_test_support.h"

#include "loader/manifest.h"
#include "loader/program_loader.h"

namespace {

std::vector<std::string> list(const char* const* strings, size_t count) {
    return std::vector<std::string>(strings, strings + count);
}

TEST(HostKernelAgreement, ManifestDecodesToTheSameStrings) {
    ingot::Manifest host;
    host.arguments = {"/srv/app", "--port", "8080", ""};
    host.environment = {"PATH=/bin", "EMPTY=", "X=a=b"};
    host.memory_size = 256 << 20;
    host.stack_size = 8 << 20;
    auto bytes = ingot::encode_manifest(host);
    auto manifest = std::make_unique<kernel::Manifest>();
    ASSERT_OK(kernel::parse_manifest(bytes.data(), bytes.size(), *manifest));
    EXPECT_EQ(list(manifest->argv, manifest->argc), host.arguments);
    EXPECT_EQ(list(manifest->envp, manifest->envc), host.environment);
    EXPECT_EQ(manifest->memory_size, host.memory_size);
    EXPECT_EQ(manifest->stack_size, host.stack_size);
}

TEST(HostKernelAgreement, RunTimeArgumentsApplyAsTheHostMeant) {
    ingot::Manifest host;
    host.arguments = {"/srv/app", "default"};
    host.environment = {"MODE=image", "KEEP=1"};
    auto image = ingot::encode_manifest(host);
    auto manifest = std::make_unique<kernel::Manifest>();
    ASSERT_OK(kernel::parse_manifest(image.data(), image.size(), *manifest));

    auto run = ingot::encode_run_time_arguments({"/srv/app", "override"}, {"MODE=run", "NEW=2"});
    ASSERT_OK(kernel::apply_run_time_arguments(run.data(), run.size(), *manifest));
    EXPECT_EQ(list(manifest->argv, manifest->argc), (std::vector<std::string>{"/srv/app", "override"}));
    EXPECT_EQ(list(manifest->envp, manifest->envc), (std::vector<std::string>{"MODE=run", "KEEP=1", "NEW=2"}));

    auto environment_only = ingot::encode_run_time_arguments({}, {"KEEP=2"});
    ASSERT_OK(kernel::apply_run_time_arguments(environment_only.data(), environment_only.size(), *manifest));
    EXPECT_EQ(list(manifest->argv, manifest->argc), (std::vector<std::string>{"/srv/app", "override"}));
    EXPECT_EQ(list(manifest->envp, manifest->envc), (std::vector<std::string>{"MODE=run", "KEEP=2", "NEW=2"}));
}

// What the kernel does at boot with a sealed image, minus the hardware: find the payload after
// the kernel, parse its manifest, load its program in place from guest memory.
TEST(HostKernelAgreement, KernelBootsTheHostsImage) {
    auto kernel_elf = ingot_test::read_file(ingot_test::kernel_elf_path());
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    ingot::Manifest host;
    host.arguments = {"hello", "from", "the", "host"};
    host.environment = {"A=1"};
    auto bytes = ingot::build_image(kernel_elf, program, host);
    ingot::Image image = ingot::read_image(bytes, "cross.img");

    // Guest RAM as the monitor fills it: every segment at its physical address.
    uint64_t memory_size = 32 << 20;
    ASSERT_LT(image.load_end(), memory_size / 2);
    kernel_test::GuestRam ram(memory_size);
    for (const auto& segment : image.segments)
        std::memcpy(ram.base() + segment.physical_address, bytes.data() + segment.file_offset, segment.file_size);

    const uint8_t* payload = ram.base() + image.payload_physical;
    ingot::abi::PayloadHeader header;
    std::memcpy(&header, payload, sizeof header);
    ASSERT_EQ(header.magic, ingot::abi::payload_magic);
    // The header the kernel checks (version, size) is the one the host wrote, and the payload
    // as loaded in guest memory is exactly what the host's checksum covers.
    EXPECT_EQ(header.version, ingot::abi::payload_version);
    EXPECT_EQ(header.header_size, sizeof(ingot::abi::PayloadHeader));
    EXPECT_EQ(header.checksum, image.payload.checksum);
    EXPECT_EQ(ingot::payload_checksum(std::span<const uint8_t>(payload, header.total_size)), header.checksum);
    auto manifest = std::make_unique<kernel::Manifest>();
    ASSERT_OK(kernel::parse_manifest(payload + header.manifest_offset, header.manifest_size, *manifest));
    EXPECT_EQ(list(manifest->argv, manifest->argc), host.arguments);

    kernel::FrameAllocator frames;
    frames.initialize(ram.base(), memory_size, image.load_end(), true);
    auto root = kernel_test::value_of(frames.allocate(kernel::Zeroed::Yes));
    kernel::PageTable table(frames, root);
    kernel::AddressSpace space(frames, table, 0x10000, 0x7ffffffff000);
    auto loaded = kernel::load_program(payload + header.program_offset, header.program_size,
                                       image.payload_physical + header.program_offset, space, frames);
    ASSERT_OK(loaded);
    EXPECT_GT(loaded.value().shared_pages, 0u); // the payload's program page aligned in guest memory
    kernel::PhysicalAddress entry_physical;
    ASSERT_TRUE(table.translate(loaded.value().entry, entry_physical));
    // The entry's bytes come straight from the payload.
    EXPECT_GE(entry_physical, image.payload_physical + header.program_offset);
    EXPECT_LT(entry_physical, image.payload_physical + header.total_size);
}

} // namespace
