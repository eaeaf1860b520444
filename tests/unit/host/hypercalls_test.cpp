#include "test_support.h"
#include "vmm/hypercalls.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ingot {
namespace {

constexpr uint64_t memory_size = 1 << 20;
constexpr uint64_t args_address = 0x1000;
constexpr uint64_t data_address = 0x8000;

uint64_t offset_of(abi::Hypercall call) { return abi::hypercall_offset(call); }

class HypercallTest : public ::testing::Test {
protected:
    HypercallTest() : memory(memory_size), handler(memory) {}

    template <typename Args> void put(uint64_t address, const Args& args) { ASSERT_TRUE(memory.write(address, args)); }
    template <typename Args> Args get(uint64_t address) { return *memory.read<Args>(address); }
    void put_text(uint64_t address, const std::string& text) {
        std::memcpy(memory.host_base() + address, text.data(), text.size());
    }

    HypercallOutcome console_write(abi::ConsoleStream stream, uint64_t data, uint64_t length) {
        put(args_address, abi::ConsoleWriteArgs{static_cast<uint32_t>(stream), 0, data, length, -1});
        return handler.handle(offset_of(abi::Hypercall::ConsoleWrite), args_address);
    }

    GuestMemory memory;
    HypercallHandler handler;
};

TEST_F(HypercallTest, RejectsStoresOutsideTheCallSlots) {
    put(args_address, abi::ExitArgs{0, 0});
    for (uint64_t offset : {uint64_t(0), uint64_t(4), uint64_t(9), uint64_t(abi::hypercall_count * 8),
                            uint64_t(0x1000), uint64_t(abi::hypercall_window_size - 8)})
        EXPECT_THROW(handler.handle(offset, args_address), GuestFault) << offset;
    EXPECT_EQ(handler.total(), 0u);
}

TEST_F(HypercallTest, ExitReturnsTheLowByteOfTheStatus) {
    put(args_address, abi::ExitArgs{3, 0});
    auto outcome = handler.handle(offset_of(abi::Hypercall::Exit), args_address);
    EXPECT_EQ(outcome.kind, HypercallOutcome::Kind::Exit);
    EXPECT_EQ(outcome.status, 3);
    put(args_address, abi::ExitArgs{0x1ff, 0});
    EXPECT_EQ(handler.handle(offset_of(abi::Hypercall::Exit), args_address).status, 0xff);
    put(args_address, abi::ExitArgs{-1, 0});
    EXPECT_EQ(handler.handle(offset_of(abi::Hypercall::Exit), args_address).status, 255);
    EXPECT_EQ(handler.count(abi::Hypercall::Exit), 3u);
    EXPECT_EQ(handler.total(), 3u);
}

TEST_F(HypercallTest, TlbFlushAsksTheVcpuToFlush) {
    put(args_address, abi::TlbFlushArgs{});
    auto outcome = handler.handle(offset_of(abi::Hypercall::TlbFlush), args_address);
    EXPECT_EQ(outcome.kind, HypercallOutcome::Kind::FlushTlb);
    EXPECT_THROW(handler.handle(offset_of(abi::Hypercall::TlbFlush), memory_size), GuestFault);
}

TEST_F(HypercallTest, ArgumentBlocksOutsideGuestMemoryFault) {
    for (auto call : {abi::Hypercall::ConsoleWrite, abi::Hypercall::ConsoleRead, abi::Hypercall::Poll,
                      abi::Hypercall::Exit, abi::Hypercall::Crash}) {
        for (uint64_t address : std::initializer_list<uint64_t>{memory_size, memory_size - 4, UINT64_MAX, UINT64_MAX - 3, 64ull << 30})
            EXPECT_THROW(handler.handle(offset_of(call), address), GuestFault)
                << "call " << int(call) << " at " << std::hex << address;
    }
}

TEST_F(HypercallTest, CrashCarriesSignalAndRegisters) {
    abi::CrashArgs crash{};
    crash.signal = 6;
    crash.rip = 0x401234;
    crash.rsp = 0x7ffff000;
    crash.r15 = 15;
    put(args_address, crash);
    auto outcome = handler.handle(offset_of(abi::Hypercall::Crash), args_address);
    EXPECT_EQ(outcome.kind, HypercallOutcome::Kind::Crash);
    EXPECT_EQ(outcome.status, 128 + 6);
    EXPECT_EQ(outcome.crash.rip, 0x401234u);
    EXPECT_EQ(outcome.crash.rsp, 0x7ffff000u);
    EXPECT_EQ(outcome.crash.r15, 15u);
    crash.signal = 64;
    put(args_address, crash);
    EXPECT_EQ(handler.handle(offset_of(abi::Hypercall::Crash), args_address).status, 192);
}

TEST_F(HypercallTest, CrashWithImpossibleSignalFaults) {
    abi::CrashArgs crash{};
    for (uint32_t signal : {0u, 65u, 0xffffffffu}) {
        crash.signal = signal;
        put(args_address, crash);
        EXPECT_THROW(handler.handle(offset_of(abi::Hypercall::Crash), args_address), GuestFault) << signal;
    }
}

TEST_F(HypercallTest, ConsoleWriteToStdout) {
    put_text(data_address, "hello, host\n");
    ingot_test::RedirectedDescriptor out(STDOUT_FILENO);
    console_write(abi::ConsoleStream::Stdout, data_address, 12);
    EXPECT_EQ(out.contents(), "hello, host\n");
    EXPECT_EQ(get<abi::ConsoleWriteArgs>(args_address).result, 12);
    EXPECT_EQ(handler.count(abi::Hypercall::ConsoleWrite), 1u);
}

TEST_F(HypercallTest, ConsoleWriteToStderrAndEmptyWrites) {
    put_text(data_address, "oops");
    ingot_test::RedirectedDescriptor err(STDERR_FILENO);
    console_write(abi::ConsoleStream::Stderr, data_address, 4);
    EXPECT_EQ(get<abi::ConsoleWriteArgs>(args_address).result, 4);
    console_write(abi::ConsoleStream::Stderr, memory_size, 0); // empty, at the very end
    EXPECT_EQ(get<abi::ConsoleWriteArgs>(args_address).result, 0);
    EXPECT_EQ(err.contents(), "oops");
}

TEST_F(HypercallTest, KernelLogLinesArePrefixed) {
    put_text(data_address, "first\nsecond");
    put_text(data_address + 0x100, " half\nthird\n");
    ingot_test::RedirectedDescriptor err(STDERR_FILENO);
    console_write(abi::ConsoleStream::KernelLog, data_address, 12);
    EXPECT_EQ(get<abi::ConsoleWriteArgs>(args_address).result, 12);
    console_write(abi::ConsoleStream::KernelLog, data_address + 0x100, 12);
    EXPECT_EQ(err.contents(), "ingot-kernel: first\ningot-kernel: second half\ningot-kernel: third\n");
}

TEST_F(HypercallTest, ConsoleWriteChecksTheBuffer) {
    ingot_test::RedirectedDescriptor out(STDOUT_FILENO);
    EXPECT_THROW(console_write(abi::ConsoleStream::Stdout, memory_size - 4, 8), GuestFault);
    EXPECT_THROW(console_write(abi::ConsoleStream::Stdout, memory_size, 1), GuestFault);
    EXPECT_THROW(console_write(abi::ConsoleStream::Stdout, UINT64_MAX - 2, 8), GuestFault); // wraps
    EXPECT_THROW(console_write(abi::ConsoleStream::Stdout, 0, abi::max_console_transfer + 1), GuestFault);
    EXPECT_NO_THROW(console_write(abi::ConsoleStream::Stdout, 0, abi::max_console_transfer));
    EXPECT_THROW(console_write(static_cast<abi::ConsoleStream>(0), data_address, 1), GuestFault);
    EXPECT_THROW(console_write(static_cast<abi::ConsoleStream>(4), data_address, 1), GuestFault);
    EXPECT_EQ(out.contents().size(), abi::max_console_transfer); // only the valid write happened
}

TEST_F(HypercallTest, ConsoleWriteResultIsStoredOnlyInsideTheBlock) {
    // The result is written back into the argument block and nowhere else.
    std::memset(memory.host_base() + args_address + sizeof(abi::ConsoleWriteArgs), 0xaa, 16);
    put_text(data_address, "x");
    ingot_test::RedirectedDescriptor out(STDOUT_FILENO);
    console_write(abi::ConsoleStream::Stdout, data_address, 1);
    for (size_t i = 0; i < 16; ++i)
        EXPECT_EQ(memory.host_base()[args_address + sizeof(abi::ConsoleWriteArgs) + i], 0xaa);
    // A block that ends exactly at the end of RAM is accepted.
    put(memory_size - sizeof(abi::ConsoleWriteArgs),
        abi::ConsoleWriteArgs{uint32_t(abi::ConsoleStream::Stdout), 0, data_address, 1, -1});
    handler.handle(offset_of(abi::Hypercall::ConsoleWrite), memory_size - sizeof(abi::ConsoleWriteArgs));
    EXPECT_EQ(get<abi::ConsoleWriteArgs>(memory_size - sizeof(abi::ConsoleWriteArgs)).result, 1);
}

TEST_F(HypercallTest, ConsoleReadFromStdin) {
    ingot_test::RedirectedDescriptor in(STDIN_FILENO, "typed input");
    put(args_address, abi::ConsoleReadArgs{data_address, 64, 0});
    handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address);
    auto result = get<abi::ConsoleReadArgs>(args_address).result;
    ASSERT_EQ(result, 11);
    EXPECT_EQ(std::string(reinterpret_cast<char*>(memory.host_base() + data_address), 11), "typed input");
    // Then end of input.
    handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address);
    EXPECT_EQ(get<abi::ConsoleReadArgs>(args_address).result, 0);
}

TEST_F(HypercallTest, ConsoleReadHonoursTheLength) {
    ingot_test::RedirectedDescriptor in(STDIN_FILENO, "abcdef");
    memory.host_base()[data_address + 3] = '#';
    put(args_address, abi::ConsoleReadArgs{data_address, 3, 0});
    handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address);
    EXPECT_EQ(get<abi::ConsoleReadArgs>(args_address).result, 3);
    EXPECT_EQ(memory.host_base()[data_address + 3], '#');
}

TEST_F(HypercallTest, ConsoleReadWithNothingReadyIsEagain) {
    ingot_test::EmptyPipeStdin in;
    put(args_address, abi::ConsoleReadArgs{data_address, 64, 0});
    handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address);
    EXPECT_EQ(get<abi::ConsoleReadArgs>(args_address).result, -EAGAIN);
}

TEST_F(HypercallTest, ConsoleReadChecksTheBuffer) {
    ingot_test::RedirectedDescriptor in(STDIN_FILENO, "data");
    put(args_address, abi::ConsoleReadArgs{memory_size - 2, 4, 0});
    EXPECT_THROW(handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address), GuestFault);
    put(args_address, abi::ConsoleReadArgs{UINT64_MAX, 2, 0});
    EXPECT_THROW(handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address), GuestFault);
    put(args_address, abi::ConsoleReadArgs{0, abi::max_console_transfer + 1, 0});
    EXPECT_THROW(handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address), GuestFault);
    // Nothing was consumed from stdin by the refused calls.
    put(args_address, abi::ConsoleReadArgs{data_address, 64, 0});
    handler.handle(offset_of(abi::Hypercall::ConsoleRead), args_address);
    EXPECT_EQ(get<abi::ConsoleReadArgs>(args_address).result, 4);
}

TEST_F(HypercallTest, PollReportsReadyInput) {
    ingot_test::RedirectedDescriptor in(STDIN_FILENO, "x");
    put(args_address, abi::PollArgs{0, abi::poll_event_stdin, 0xdead});
    handler.handle(offset_of(abi::Hypercall::Poll), args_address);
    EXPECT_EQ(get<abi::PollArgs>(args_address).events, abi::poll_event_stdin);
}

TEST_F(HypercallTest, PollTimesOut) {
    ingot_test::EmptyPipeStdin in;
    put(args_address, abi::PollArgs{1000000, abi::poll_event_stdin, 0xdead}); // 1 ms
    handler.handle(offset_of(abi::Hypercall::Poll), args_address);
    EXPECT_EQ(get<abi::PollArgs>(args_address).events, 0u);
    // Without interest in stdin nothing is reported even when input is ready.
    ingot_test::RedirectedDescriptor ready(STDIN_FILENO, "x");
    put(args_address, abi::PollArgs{0, 0, 0xdead});
    handler.handle(offset_of(abi::Hypercall::Poll), args_address);
    EXPECT_EQ(get<abi::PollArgs>(args_address).events, 0u);
}

} // namespace
} // namespace ingot
