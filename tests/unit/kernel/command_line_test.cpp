#include "kernel/kernel_test_support.h"

#include "loader/manifest.h"
#include "platform/pvh/command_line.h"

#include <ingot/abi/image.h>

namespace {

using kernel::pvh::CommandLine;
using Strings = std::vector<std::string>;
using ingot::abi::StreamKind;

constexpr const char* image_argv0 = "/image/prog";

struct Parsed {
    std::unique_ptr<CommandLine> command_line = std::make_unique<CommandLine>();
    std::string text; // the spans point into it
};

std::unique_ptr<Parsed> parse(const std::string& text) {
    auto parsed = std::make_unique<Parsed>();
    parsed->text = text;
    EXPECT_EQ(kernel_test::outcome(kernel::pvh::parse_command_line(
                  parsed->text.data(), parsed->text.size(), *parsed->command_line)),
              "OK");
    return parsed;
}

// The encoded run-time arguments, split back into strings (checked against the ABI here,
// independently of the kernel's reader).
struct Encoded {
    Strings argv, envp;
};

Encoded encode(const std::string& text) {
    auto parsed = parse(text);
    std::vector<uint8_t> buffer(1 << 16);
    size_t size = kernel_test::value_of(kernel::pvh::encode_run_time_arguments(
        *parsed->command_line, image_argv0, buffer.data(), buffer.size()));
    ingot::abi::ArgumentsHeader header;
    EXPECT_GE(size, sizeof header);
    std::memcpy(&header, buffer.data(), sizeof header);
    EXPECT_EQ(header.strings_size, size - sizeof header);
    EXPECT_EQ(header.reserved, 0u);
    Encoded encoded;
    const char* at = reinterpret_cast<const char*>(buffer.data() + sizeof header);
    for (uint32_t i = 0; i < header.argc + header.envc; ++i, at += std::strlen(at) + 1)
        (i < header.argc ? encoded.argv : encoded.envp).push_back(at);
    EXPECT_EQ(at, reinterpret_cast<const char*>(buffer.data() + size));
    return encoded;
}

Strings arguments_of(const std::string& text) {
    return encode(text).argv;
}

TEST(CommandLine, EmptyMeansDefaultsAndNoArguments) {
    for (const char* text : {"", "   "}) {
        auto parsed = parse(text);
        const auto& command_line = *parsed->command_line;
        EXPECT_FALSE(command_line.framed_console);
        EXPECT_EQ(command_line.boot_flags, 0u);
        for (auto kind : command_line.streams)
            EXPECT_EQ(kind, StreamKind::Terminal);
        EXPECT_EQ(command_line.virtio_mmio_device_count, 0u);
        auto encoded = encode(text);
        EXPECT_EQ(encoded.argv, Strings{});
        EXPECT_EQ(encoded.envp, Strings{});
    }
}

TEST(CommandLine, ArgumentsAfterTheSeparatorFollowTheImagesArgv0) {
    EXPECT_EQ(arguments_of("-- a b"), (Strings{image_argv0, "a", "b"}));
    EXPECT_EQ(arguments_of("ingot.console=framed   --  a    b  "),
              (Strings{image_argv0, "a", "b"}));
}

TEST(CommandLine, NoArgumentsKeepsTheImages) {
    EXPECT_EQ(arguments_of("a b"), Strings{}); // no separator: unknown tokens
    EXPECT_EQ(arguments_of("--"), Strings{});
    EXPECT_EQ(arguments_of("ingot.console=framed -- "), Strings{});
}

TEST(CommandLine, AfterTheSeparatorEverythingIsAnArgument) {
    auto parsed = parse("-- ingot.console=framed -- ingot.env=A=1");
    EXPECT_FALSE(parsed->command_line->framed_console);
    auto encoded = encode("-- ingot.console=framed -- ingot.env=A=1");
    EXPECT_EQ(encoded.argv, (Strings{image_argv0, "ingot.console=framed", "--", "ingot.env=A=1"}));
    EXPECT_EQ(encoded.envp, Strings{});
}

TEST(CommandLine, DecodesPercentEscapes) {
    EXPECT_EQ(arguments_of("-- hello%20world 100%25 %2d%2D %c3%A9 a%ffb"),
              (Strings{image_argv0, "hello world", "100%", "--", "\xc3\xa9",
                       "a\xff"
                       "b"}));
}

TEST(CommandLine, KeepsMalformedEscapesLiterally) {
    // %00 too: no argument can hold a NUL.
    EXPECT_EQ(arguments_of("-- % 50% %4 %zz %g1 %1g %00 %%41"),
              (Strings{image_argv0, "%", "50%", "%4", "%zz", "%g1", "%1g", "%00", "%A"}));
}

// Only %XX quotes: quote characters are ordinary bytes, and spaces always separate.
TEST(CommandLine, QuotesAreLiteral) {
    EXPECT_EQ(arguments_of("-- \"a b\" 'c'"), (Strings{image_argv0, "\"a", "b\"", "'c'"}));
    EXPECT_EQ(arguments_of("-- \"a%20b\""), (Strings{image_argv0, "\"a b\""}));
}

TEST(CommandLine, ReadsOnlyTheGivenLength) {
    std::string text = "-- a bc";
    auto command_line = std::make_unique<CommandLine>();
    ASSERT_OK(kernel::pvh::parse_command_line(text.data(), text.size() - 1, *command_line));
    std::vector<uint8_t> buffer(256);
    size_t size = kernel_test::value_of(
        kernel::pvh::encode_run_time_arguments(*command_line, "p", buffer.data(), buffer.size()));
    std::string strings(reinterpret_cast<char*>(buffer.data()) +
                            sizeof(ingot::abi::ArgumentsHeader),
                        size - sizeof(ingot::abi::ArgumentsHeader));
    EXPECT_EQ(strings, std::string("p\0a\0b\0", 6));
}

TEST(CommandLine, CollectsEnvironmentVariablesInOrder) {
    auto encoded =
        encode("ingot.env=A=1 ingot.env=B=x%20y%3Dz ingot.env=A=2 ingot.env=EMPTY= -- arg");
    EXPECT_EQ(encoded.envp, (Strings{"A=1", "B=x y=z", "A=2", "EMPTY="}));
    EXPECT_EQ(encoded.argv, (Strings{image_argv0, "arg"}));
    // The whole token is decoded before it is read as an option.
    EXPECT_EQ(encode("ingot.env%3DC=3").envp, Strings{"C=3"});
}

TEST(CommandLine, IgnoresVariablesTheEnvironmentCannotHold) {
    EXPECT_EQ(encode("ingot.env= ingot.env=NOVALUE ingot.env==x ingot.env=A=%00").envp,
              Strings{"A=%00"});
}

TEST(CommandLine, ReadsOptions) {
    auto parsed =
        parse("ingot.console=framed ingot.streams=PFN ingot.trace=syscalls ingot.boot_trace");
    const auto& command_line = *parsed->command_line;
    EXPECT_TRUE(command_line.framed_console);
    EXPECT_EQ(command_line.streams[0], StreamKind::Pipe);
    EXPECT_EQ(command_line.streams[1], StreamKind::File);
    EXPECT_EQ(command_line.streams[2], StreamKind::Null);
    EXPECT_EQ(command_line.boot_flags,
              ingot::abi::boot_flag_trace_syscalls | ingot::abi::boot_flag_boot_trace);
    EXPECT_EQ(parse("ingot.boot_trace")->command_line->boot_flags,
              ingot::abi::boot_flag_boot_trace);
    EXPECT_EQ(parse("ingot.syscalls=trap")->command_line->boot_flags,
              ingot::abi::boot_flag_syscall_traps);
    EXPECT_EQ(parse("ingot.syscalls=call")->command_line->boot_flags, 0u);
    EXPECT_EQ(parse("ingot.streams=TPP ingot.streams=FFT")->command_line->streams[2],
              StreamKind::Terminal);
}

TEST(CommandLine, VirtioConsoleIsFramedToo) {
    auto parsed = parse("ingot.console=virtio");
    EXPECT_TRUE(parsed->command_line->framed_console);
    EXPECT_TRUE(parsed->command_line->virtio_console);
    EXPECT_FALSE(parse("ingot.console=framed")->command_line->virtio_console);
    EXPECT_FALSE(parse("ingot.console=virtiox ingot.console=Virtio")->command_line->framed_console);
}

TEST(CommandLine, IgnoresMalformedOptions) {
    for (const char* text :
         {"ingot.streams=PX ingot.streams=PP ingot.streams=PPPP ingot.streams=ppp",
          "ingot.console=raw ingot.console ingot.console=framedx",
          "ingot.trace=all ingot.trace ingot.boot_trace=1"}) {
        auto parsed = parse(text);
        EXPECT_FALSE(parsed->command_line->framed_console) << text;
        EXPECT_EQ(parsed->command_line->boot_flags, 0u) << text;
        for (auto kind : parsed->command_line->streams)
            EXPECT_EQ(kind, StreamKind::Terminal) << text;
    }
}

TEST(CommandLine, IgnoresUnknownTokens) {
    auto text = "console=ttyS0 reboot=k panic=1 ingot.unknown=1 ingot. x -- a";
    auto parsed = parse(text);
    EXPECT_FALSE(parsed->command_line->framed_console);
    auto encoded = encode(text);
    EXPECT_EQ(encoded.argv, (Strings{image_argv0, "a"}));
    EXPECT_EQ(encoded.envp, Strings{});
}

TEST(CommandLine, CollectsVirtioMmioDevicesWhereverTheyStand) {
    auto text = "virtio_mmio.device=4K@0xd0000000:5 -- a virtio_mmio.device=4K@0xd0001000:6 b "
                "%76irtio_mmio.device=argument";
    auto parsed = parse(text);
    const auto& command_line = *parsed->command_line;
    ASSERT_EQ(command_line.virtio_mmio_device_count, 2u);
    auto span = [](kernel::pvh::TextSpan s) { return std::string(s.text, s.length); };
    EXPECT_EQ(span(command_line.virtio_mmio_devices[0]), "virtio_mmio.device=4K@0xd0000000:5");
    EXPECT_EQ(span(command_line.virtio_mmio_devices[1]), "virtio_mmio.device=4K@0xd0001000:6");
    // Never the program's; an encoded look-alike is an argument.
    EXPECT_EQ(arguments_of(text), (Strings{image_argv0, "a", "b", "virtio_mmio.device=argument"}));
    EXPECT_EQ(arguments_of("-- virtio_mmio.device=1K@0x1000:1"), Strings{});
}

TEST(CommandLine, RefusesMoreVirtioMmioDevicesThanItHolds) {
    std::string text;
    for (size_t i = 0; i < kernel::pvh::max_virtio_mmio_devices; ++i)
        text += "virtio_mmio.device=512@0x" + std::to_string(1000 + i) + ":5 ";
    EXPECT_EQ(parse(text)->command_line->virtio_mmio_device_count,
              kernel::pvh::max_virtio_mmio_devices);
    text += "virtio_mmio.device=512@0x2000:6";
    auto command_line = std::make_unique<CommandLine>();
    EXPECT_ERRNO(kernel::pvh::parse_command_line(text.data(), text.size(), *command_line), E2BIG);
}

// Every buffer too small by any amount is refused without a byte written past its end (the
// buffers are exactly that size, so ASan would catch a stray write).
TEST(CommandLine, RefusesBuffersTooSmall) {
    auto parsed = parse("ingot.env=NAME=value -- first%20arg second");
    auto encode_into = [&](size_t capacity) {
        auto buffer = std::make_unique<uint8_t[]>(capacity);
        return kernel::pvh::encode_run_time_arguments(*parsed->command_line, image_argv0,
                                                      buffer.get(), capacity);
    };
    size_t needed = sizeof(ingot::abi::ArgumentsHeader) + std::strlen(image_argv0) + 1 +
                    std::strlen("first arg") + 1 + std::strlen("second") + 1 +
                    std::strlen("NAME=value") + 1;
    for (size_t capacity = 0; capacity < needed; ++capacity)
        EXPECT_ERRNO(encode_into(capacity), E2BIG) << capacity;
    EXPECT_EQ(kernel_test::value_of(encode_into(needed)), needed);
}

TEST(CommandLine, RefusesMoreArgumentsThanTheKernelTakes) {
    std::string text = "--";
    for (size_t i = 1; i < kernel::max_arguments; ++i) // with argv[0]: the limit exactly
        text += " a";
    EXPECT_EQ(arguments_of(text).size(), kernel::max_arguments);
    text += " a";
    auto parsed = parse(text);
    std::vector<uint8_t> buffer(1 << 16);
    EXPECT_ERRNO(kernel::pvh::encode_run_time_arguments(*parsed->command_line, image_argv0,
                                                        buffer.data(), buffer.size()),
                 E2BIG);
}

// The kernel's reader of run-time arguments takes what the pvh command line produces.
TEST(CommandLine, AppliesToTheImagesManifest) {
    std::string manifest_strings =
        std::string(image_argv0) + '\0' + "old" + '\0' + "HOME=/" + '\0' + "A=image" + '\0';
    ingot::abi::ManifestHeader header{ingot::abi::manifest_magic,        2,        2,
                                      uint32_t(manifest_strings.size()), 64 << 20, 1 << 20};
    std::vector<uint8_t> manifest_bytes(sizeof header);
    std::memcpy(manifest_bytes.data(), &header, sizeof header);
    manifest_bytes.insert(manifest_bytes.end(), manifest_strings.begin(), manifest_strings.end());
    auto manifest = std::make_unique<kernel::Manifest>();
    ASSERT_OK(kernel::parse_manifest(manifest_bytes.data(), manifest_bytes.size(), *manifest));

    auto parsed = parse("ingot.env=A=run ingot.env=NEW=1 -- x%20y z");
    std::vector<uint8_t> arguments(1024);
    size_t size = kernel_test::value_of(kernel::pvh::encode_run_time_arguments(
        *parsed->command_line, manifest->argv[0], arguments.data(), arguments.size()));
    ASSERT_OK(kernel::apply_run_time_arguments(arguments.data(), size, *manifest));
    EXPECT_EQ(Strings(manifest->argv, manifest->argv + manifest->argc),
              (Strings{image_argv0, "x y", "z"}));
    EXPECT_EQ(Strings(manifest->envp, manifest->envp + manifest->envc),
              (Strings{"HOME=/", "A=run", "NEW=1"}));
}

} // namespace
