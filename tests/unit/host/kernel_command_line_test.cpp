#include "qemu/kernel_command_line.h"
#include "support/error.h"

#include <gtest/gtest.h>

namespace ingot {
namespace {

using abi::StreamKind;

KernelCommandLineOptions pipes() {
    KernelCommandLineOptions options;
    options.streams = {StreamKind::Null, StreamKind::Pipe, StreamKind::File};
    return options;
}

TEST(CommandLineToken, EncodesSeparatorsPercentAndNonAscii) {
    EXPECT_EQ(encode_command_line_token("plain-token_1=a/b"), "plain-token_1=a/b");
    EXPECT_EQ(encode_command_line_token("two words"), "two%20words");
    EXPECT_EQ(encode_command_line_token("100%"), "100%25");
    EXPECT_EQ(encode_command_line_token("tab\there\nnl"), "tab%09here%0Anl");
    EXPECT_EQ(encode_command_line_token("\x7f\x80\xff"), "%7F%80%FF");
    EXPECT_EQ(encode_command_line_token("caf\xc3\xa9"), "caf%C3%A9");
    EXPECT_EQ(encode_command_line_token("!~"), "!~");
}

TEST(KernelCommandLine, StaticNetworkConfiguration) {
    KernelCommandLineOptions options = pipes();
    GuestNetworkConfig network;
    network.address = 0x0a00020f;
    network.prefix_length = 24;
    network.gateway = 0x0a000201;
    network.dns = 0xc0a8fffe;
    options.network = network;
    options.arguments = {"serve"};
    EXPECT_EQ(kernel_command_line(options),
              "ingot.console=framed ingot.streams=NPF ingot.ip=10.0.2.15/24 ingot.gw=10.0.2.1 "
              "ingot.dns=192.168.255.254 -- serve");
}

TEST(KernelCommandLine, DhcpAndOnlyTheSettingsGiven) {
    KernelCommandLineOptions options = pipes();
    GuestNetworkConfig network;
    network.use_dhcp = true;
    options.network = network;
    EXPECT_EQ(kernel_command_line(options), "ingot.console=framed ingot.streams=NPF ingot.dhcp");
    network = {};
    network.address = 0xc0000201;
    network.prefix_length = 32;
    options.network = network;
    EXPECT_EQ(kernel_command_line(options),
              "ingot.console=framed ingot.streams=NPF ingot.ip=192.0.2.1/32");
}

TEST(KernelCommandLine, Ipv6AddressAndRouter) {
    KernelCommandLineOptions options = pipes();
    GuestNetworkConfig network;
    network.address6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15};
    network.prefix_length6 = 64;
    network.gateway6 = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    options.network = network;
    EXPECT_EQ(kernel_command_line(options), "ingot.console=framed ingot.streams=NPF "
                                            "ingot.ip6=2001:db8::15/64 ingot.gw6=fe80::1");
}

TEST(KernelCommandLine, FramedConsoleAndStreamKindsAlways) {
    EXPECT_EQ(kernel_command_line(pipes()), "ingot.console=framed ingot.streams=NPF");
    KernelCommandLineOptions terminal;
    terminal.streams = {StreamKind::Terminal, StreamKind::Terminal, StreamKind::Terminal};
    EXPECT_EQ(kernel_command_line(terminal), "ingot.console=framed ingot.streams=TTT");
}

TEST(KernelCommandLine, VirtioConsoleReplacesTheFramedSerialOne) {
    KernelCommandLineOptions options = pipes();
    options.console = QemuConsole::Virtio;
    EXPECT_EQ(kernel_command_line(options), "ingot.console=virtio ingot.streams=NPF");
}

TEST(KernelCommandLine, EnvironmentTracingAndArgumentsInOrder) {
    KernelCommandLineOptions options = pipes();
    options.environment = {"GREETING=hi there", "EMPTY="};
    options.trace_syscalls = true;
    options.syscall_traps = true;
    options.boot_trace = true;
    options.arguments = {"first", "run time", "--", "50%"};
    EXPECT_EQ(kernel_command_line(options),
              "ingot.console=framed ingot.streams=NPF ingot.env=GREETING=hi%20there "
              "ingot.env=EMPTY= ingot.trace=syscalls ingot.syscalls=trap ingot.boot_trace -- "
              "first run%20time -- 50%25");
}

TEST(KernelCommandLine, EmptyArgumentCannotBeSpelled) {
    KernelCommandLineOptions options = pipes();
    options.arguments = {"a", ""};
    EXPECT_THROW(kernel_command_line(options), UserError);
}

} // namespace
} // namespace ingot
