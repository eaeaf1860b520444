// pvh's crash reports: the kernel prints them itself (on hvt the monitor does), symbolized
// from the kernel's symbol table in the payload and the program's own .symtab, and unwound
// through the program's frames by its .eh_frame.
#include "debug/crash_report.h"
#include "debug/kernel_symbols.h"
#include "debug/program_cfi.h"
#include "debug/program_symbols.h"
#include "lib/utility.h"
#include "loader/payload.h"
#include "mm/frame_allocator.h"
#include "mm/physical_memory.h"
#include "mm/user_memory.h"
#include "platform/platform.h"
#include "platform/pvh/pvh_interrupts.h"

#include <ingot/abi/image.h>
#include <ingot/abi/memory_layout.h>

extern "C" {
extern char __kernel_start[];
extern char __kernel_end[];
}

namespace kernel::pvh {

namespace {

uint64_t program_load_bias;

uint64_t kernel_start() {
    return reinterpret_cast<uint64_t>(__kernel_start);
}

uint64_t kernel_end() {
    return reinterpret_cast<uint64_t>(__kernel_end);
}

// The kernel image, the direct map of RAM, and what the program can read.
bool is_readable(const void*, uint64_t address, size_t length) {
    uint64_t end;
    if (!range_end(address, length, end))
        return false;
    if (address >= kernel_start() && end <= kernel_end())
        return true;
    uint64_t ram_end = abi::direct_map_base + frame_allocator().total_frames() * abi::page_size;
    if (address >= abi::direct_map_base && end <= ram_end)
        return true;
    return !user_address_space().populate(address, length, Access::Read).is_error();
}

void write_to_stderr(void*, const char* line, size_t length) {
    (void)platform::console_write(abi::ConsoleStream::Stderr, line, length);
}

// The symbol tables are read where the payload lies, only when a report is due.
template <typename Print> void with_report_context(Print print) {
    uint64_t payload_physical;
    const auto* found = find_payload(payload_physical);
    if (!found)
        return; // the kernel checked it at boot
    const auto& header = *found;
    const auto* payload = physical_to_kernel<const uint8_t>(payload_physical);
    debug::KernelSymbols kernel_symbols(payload, header);
    debug::ProgramSymbols program_symbols(payload + header.program_offset, header.program_size,
                                          program_load_bias);
    debug::Symbolizer symbols(kernel_symbols, program_symbols, kernel_start(), kernel_end());
    debug::EhFrame program_cfi = debug::find_program_cfi(payload + header.program_offset,
                                                         header.program_size, program_load_bias);
    debug::MemoryProbe memory{is_readable, nullptr};
    debug::ReportContext context{symbols, program_cfi, memory, {write_to_stderr, nullptr}};
    print(context);
}

// A fault just below the main stack, in its guard page, is an overflow.
uint64_t stack_lowest_near(uint64_t address) {
    const Region* region = user_address_space().find(address);
    if (region && region->kind == RegionKind::Stack && region->protection == protection::none)
        return region->end;
    return 0;
}

} // namespace

void remember_program_load_bias(uint64_t load_bias) {
    program_load_bias = load_bias;
}

void report_program_crash(const abi::CrashArgs& crash) {
    with_report_context(
        [&](const debug::ReportContext& context) { debug::report_signal(crash, context); });
}

int report_exception(const ExceptionReport& exception) {
    const auto& frame = exception.frame;
    debug::ExceptionState state{};
    state.vector = static_cast<uint8_t>(frame.vector);
    state.error_code = frame.error_code;
    state.cr2 = exception.fault_address;
    state.registers = {frame.rip, frame.rsp, frame.rbp, frame.rflags, frame.rax, frame.rbx,
                       frame.rcx, frame.rdx, frame.rsi, frame.rdi,    frame.r8,  frame.r9,
                       frame.r10, frame.r11, frame.r12, frame.r13,    frame.r14, frame.r15};
    state.in_kernel = exception.in_kernel;
    state.stack_lowest = exception.in_kernel ? 0 : stack_lowest_near(exception.fault_address);
    int signal = 0;
    with_report_context([&](const debug::ReportContext& context) {
        signal = debug::report_exception(state, context);
    });
    return signal;
}

} // namespace kernel::pvh
