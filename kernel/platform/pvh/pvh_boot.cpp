// From the PVH entry (pvh_entry.S, already in long mode on the boot page tables) to
// kernel_main: what the Ingot monitor prepares from the host on hvt, the kernel works out here
// from the machine — CPU state, memory map, clocks, command line — and hands over the same way,
// as a BootInfo.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/descriptor_tables.h"
#include "arch/x86_64/msr.h"
#include "drivers/pc/cmos_clock.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "loader/payload.h"
#include "mm/physical_memory.h"
#include "platform/platform.h"
#include "platform/pvh/command_line.h"
#include "platform/pvh/pvh_state.h"
#include "platform/pvh/start_info.h"
#include "platform/pvh/tsc_frequency.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/exit_status.h>
#include <ingot/abi/image.h>
#include <ingot/abi/memory_layout.h>

extern "C" {
extern uint64_t pvh_pml4[];
void syscall_entry();
void run_global_constructors();
[[noreturn]] void kernel_main(uint64_t boot_info_physical);
}

namespace kernel::pvh {

namespace {

// The direct map the entry built covers 4 GiB, PC devices included.
constexpr uint64_t mapped_memory_end = 4ull << 30;
constexpr uint64_t syscall_flag_mask = 0x47700; // TF IF DF IOPL NT AC, as on hvt

abi::BootInfo boot_info;
// The command line's ingot.hostname and ingot.nameserver, for BootInfo::identity.
abi::Identity machine_identity;
char command_line_text[16 * 1024];
// Every argument comes from the command line, plus the header and the image's argv[0].
uint8_t run_time_arguments[sizeof command_line_text + 4096];

[[noreturn]] void refuse(const char* what) {
    early_log("ingot: cannot boot: %s", what);
    platform::exit(ingot::abi::exit_cannot_execute);
}

void set_up_cpu() {
    cpu::load_descriptor_tables();
    uint64_t cr4;
    asm volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1u << 9) | (1u << 10); // OSFXSR OSXMMEXCPT: the program uses SSE
    if (cpu::cpuid(0).eax >= 7 && (cpu::cpuid(7).ebx & 1))
        cr4 |= 1u << 16; // FSGSBASE
    else
        cpu::fs_base_through_msr = true;
    asm volatile("mov %0, %%cr4" : : "r"(cr4));
    cpu::write_msr(cpu::msr::star, (uint64_t(cpu::kernel_code_selector) << 32) |
                                       (uint64_t(cpu::user_code32_selector) << 48));
    cpu::write_msr(cpu::msr::lstar, reinterpret_cast<uint64_t>(&syscall_entry));
    cpu::write_msr(cpu::msr::fmask, syscall_flag_mask);
    // The identity map was only for the jump to the kernel window: the lower half is the
    // program's.
    pvh_pml4[0] = 0;
    asm volatile("mov %0, %%cr3" : : "r"(kernel_to_physical(pvh_pml4)) : "memory");
}

const StartInfo& start_info_at(uint32_t physical) {
    const auto& info = *physical_to_kernel<const StartInfo>(physical);
    if (info.magic != start_info_magic)
        refuse("the loader passed no PVH start_info");
    return info;
}

// The RAM the kernel is loaded in, from 0 up to where that run of RAM ends (below 4 GiB).
uint64_t usable_memory_end(const StartInfo& info) {
    if (info.version < 1 || !info.memory_map)
        refuse("the loader passed no memory map");
    const auto* entries = physical_to_kernel<const MemoryMapEntry>(info.memory_map);
    for (uint32_t i = 0; i < info.memory_map_entries; ++i) {
        const auto& entry = entries[i];
        if (entry.type != MemoryType::Ram)
            continue;
        if (entry.address <= abi::kernel_physical_base &&
            entry.address + entry.size > abi::kernel_physical_base)
            return min(entry.address + entry.size, mapped_memory_end);
    }
    refuse("the memory map has no RAM where the kernel is loaded");
}

// The image's argv[0], which run-time arguments keep (kernel_main checks the manifest fully).
const char* program_name(const uint8_t* payload, const abi::PayloadHeader& header) {
    const uint8_t* manifest = payload + header.manifest_offset;
    abi::ManifestHeader manifest_header;
    if (header.manifest_size < sizeof manifest_header)
        refuse("the image's manifest is malformed");
    memcpy(&manifest_header, manifest, sizeof manifest_header);
    const char* strings = reinterpret_cast<const char*>(manifest + sizeof manifest_header);
    size_t room =
        min<uint64_t>(manifest_header.strings_size, header.manifest_size - sizeof manifest_header);
    if (manifest_header.argc == 0 || !memchr_bounded(strings, room))
        refuse("the image's manifest is malformed");
    return strings;
}

void copy_command_line(const StartInfo& info, CommandLine& command_line) {
    size_t length = 0;
    if (info.command_line) {
        const char* text = physical_to_kernel<const char>(info.command_line);
        while (length < sizeof command_line_text - 1 && text[length])
            ++length;
        memcpy(command_line_text, text, length);
    }
    if (parse_command_line(command_line_text, length, command_line).is_error())
        refuse("the command line names too many virtio-mmio devices");
}

void gather_entropy(uint8_t (&seed)[32]) {
    // virtio-rng, when there is one, is mixed in once devices are up.
    for (size_t i = 0; i < sizeof seed; i += 8) {
        uint64_t value = cpu::read_tsc() * 0x9e3779b97f4a7c15ull;
        uint64_t hardware;
        if (cpu::has_rdrand() && cpu::rdrand(hardware))
            value ^= hardware;
        memcpy(seed + i, &value, 8);
    }
}

} // namespace

} // namespace kernel::pvh

extern "C" [[noreturn]] void pvh_main(uint32_t start_info_physical) {
    using namespace kernel;
    using namespace kernel::pvh;
    run_global_constructors();
    platform::select(abi::Platform::Pvh);
    start_pit_reference();
    set_up_cpu();
    const auto& info = start_info_at(start_info_physical);
    CommandLine command_line;
    copy_command_line(info, command_line);
    initialize_console(command_line);

    set_payload_location(payload_after_kernel());
    uint64_t payload_physical;
    const auto* found = find_payload(payload_physical);
    if (!found)
        refuse("the image carries no program");
    const auto& header = *found;
    const auto* payload_bytes = physical_to_kernel<const uint8_t>(payload_physical);
    auto arguments_size =
        encode_run_time_arguments(command_line, program_name(payload_bytes, header),
                                  run_time_arguments, sizeof run_time_arguments);
    if (arguments_size.is_error())
        refuse("the command line's arguments are too long");

    auto tsc = measure_tsc_frequency();
    auto& boot = boot_info;
    boot.magic = abi::boot_info_magic;
    boot.platform = abi::Platform::Pvh;
    boot.flags = command_line.boot_flags;
    boot.memory_size = usable_memory_end(info);
    boot.page_table_root = kernel_to_physical(pvh_pml4);
    boot.first_free_address = align_up(payload_physical + header.total_size, abi::page_size);
    boot.payload = payload_physical;
    if (boot.first_free_address >= boot.memory_size)
        refuse("the image does not fit in memory");
    boot.tsc_khz = tsc.khz;
    boot.boot_time_ns = pc::read_cmos_realtime_ns();
    boot.arguments = kernel_to_physical(run_time_arguments);
    boot.arguments_size = arguments_size.value();
    gather_entropy(boot.entropy);
    for (int i = 0; i < 3; ++i)
        boot.streams[i] = command_line.streams[i];
    if (command_line.identity.magic) {
        machine_identity = command_line.identity;
        boot.identity = kernel_to_physical(&machine_identity);
    }
    set_boot_details({tsc.source, command_line});
    kernel_main(kernel_to_physical(&boot));
}
