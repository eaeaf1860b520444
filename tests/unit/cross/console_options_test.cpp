// The console options `ingot run --platform qemu` writes on the kernel command line are the
// ones the pvh kernel reads (both spell them from include/ingot/abi/pvh_console.h).
#include "qemu/kernel_command_line.h"

#include "kernel/kernel_test_support.h"

#include "platform/pvh/command_line.h"

namespace {

std::unique_ptr<kernel::pvh::CommandLine> parsed(ingot::QemuConsole console) {
    ingot::KernelCommandLineOptions options;
    options.streams = {ingot::abi::StreamKind::Pipe, ingot::abi::StreamKind::Pipe,
                       ingot::abi::StreamKind::File};
    options.console = console;
    static std::string text; // the command line's spans point into it
    text = ingot::kernel_command_line(options);
    auto command_line = std::make_unique<kernel::pvh::CommandLine>();
    EXPECT_EQ(kernel_test::outcome(
                  kernel::pvh::parse_command_line(text.data(), text.size(), *command_line)),
              "OK");
    return command_line;
}

TEST(ConsoleOptionAgreement, SerialIsFramedCom1) {
    auto command_line = parsed(ingot::QemuConsole::Serial);
    EXPECT_TRUE(command_line->framed_console);
    EXPECT_FALSE(command_line->virtio_console);
    EXPECT_EQ(command_line->streams[2], ingot::abi::StreamKind::File);
}

TEST(ConsoleOptionAgreement, VirtioIsFramedOverVirtioConsole) {
    auto command_line = parsed(ingot::QemuConsole::Virtio);
    EXPECT_TRUE(command_line->framed_console);
    EXPECT_TRUE(command_line->virtio_console);
    EXPECT_EQ(command_line->streams[2], ingot::abi::StreamKind::File);
}

} // namespace
