#include "vmm/boot_setup.h"

#include "support/error.h"
#include "support/size.h"
#include "support/stream_kind.h"

#include <fmt/format.h>
#include <ingot/abi/hypercall.h>
#include <ingot/abi/identity.h>
#include <ingot/abi/memory_layout.h>
#include <ingot/abi/volumes.h>

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace ingot {

namespace {

constexpr uint64_t page = abi::page_size;
constexpr uint64_t gib = 1ull << 30;
constexpr uint64_t present_writable = 0x7; // present, writable, user: see guest_runs_in_ring3
constexpr uint64_t large_page = 0x80;

// Room the kernel needs to start a program: its heap, bitmaps, thread stacks, page tables.
constexpr uint64_t kernel_working_set = 512ull << 10;

constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

uint64_t directory_count(uint64_t memory_size) {
    return (memory_size + gib - 1) / gib;
}

// PML4, a PDPT for the direct map, a PDPT for the kernel window, a PD for the hypercall
// window, the GDT, then a PD per GiB of RAM.
constexpr uint64_t fixed_table_pages = 5;
uint64_t page_table_bytes(uint64_t memory_size) {
    return (fixed_table_pages + directory_count(memory_size)) * page;
}

// Linux's layout: PVM requires the guest's user selectors to be the host's (32-bit code 0x23,
// data 0x2b, 64-bit code 0x33), and SYSCALL/SYSRET derive them from MSR_STAR in that order.
constexpr uint64_t gdt_entries[] = {0,
                                    0x00cf9a000000ffff,  // 0x08 kernel 32-bit code (unused)
                                    0x00af9a000000ffff,  // 0x10 kernel code
                                    0x00cf92000000ffff,  // 0x18 kernel data
                                    0x00cffa000000ffff,  // 0x23 user 32-bit code (unused)
                                    0x00cff2000000ffff,  // 0x2b user data
                                    0x00affa000000ffff}; // 0x33 user code
constexpr uint16_t kernel_code = 0x10, kernel_data = 0x18, user_code32 = 0x23, user_data = 0x2b,
                   user_code = 0x33;

constexpr uint32_t msr_star = 0xc0000081, msr_lstar = 0xc0000082, msr_fmask = 0xc0000084;
// Cleared on syscall entry: TF, IF, DF, IOPL, NT, AC.
constexpr uint64_t syscall_flag_mask = 0x47700;

} // namespace

uint64_t minimum_memory_for(const Image& image, uint64_t program_span, size_t arguments_size) {
    // Writable program pages are copied. The stack's pages get memory on first touch: count
    // what a start needs (the arguments, a few frames).
    uint64_t stack = std::min<uint64_t>(image.manifest.stack_size ? image.manifest.stack_size
                                                                  : abi::default_stack_size,
                                        abi::minimum_stack_size + arguments_size);
    uint64_t estimate = image.load_end() + page_table_bytes(abi::maximum_memory / 64) +
                        align_up(sizeof(abi::BootInfo) + arguments_size, page) + stack +
                        kernel_working_set + program_span / 8;
    return align_up(estimate, 256ull << 10);
}

uint64_t guest_memory_size(const Image& image, std::optional<uint64_t> requested,
                           size_t arguments_size) {
    uint64_t size = requested.value_or(image.manifest.memory_size ? image.manifest.memory_size
                                                                  : abi::default_memory_size);
    std::string source = requested ? fmt::format("--mem {}", format_size(size))
                                   : fmt::format("the image's memory size, {},", format_size(size));
    if (size > abi::maximum_memory)
        fail("{} is more than Ingot supports ({})", source, format_size(abi::maximum_memory));
    uint64_t needed = minimum_memory_for(image, image.program_info.memory_span, arguments_size);
    if (size < needed)
        fail("{} is too small for this image: it needs at least {}{}", source, format_size(needed),
             requested ? "" : " (give more with --mem)");
    return size;
}

BootLayout plan_boot_layout(const Image& image, uint64_t memory_size, size_t arguments_size) {
    BootLayout layout;
    layout.page_tables = image.load_end();
    layout.gdt = layout.page_tables + 4 * page;
    layout.boot_info = layout.page_tables + page_table_bytes(memory_size);
    layout.guest_info = layout.boot_info + align_up(sizeof(abi::BootInfo), 64);
    layout.network_info = layout.guest_info + align_up(sizeof(abi::GuestInfo), 64);
    layout.identity = layout.network_info + align_up(sizeof(abi::NetworkInfo), 64);
    layout.volume_table = layout.identity + align_up(sizeof(abi::Identity), 64);
    static_assert(align_up(sizeof(abi::BootInfo), 64) + align_up(sizeof(abi::GuestInfo), 64) +
                      align_up(sizeof(abi::NetworkInfo), 64) + align_up(sizeof(abi::Identity), 64) +
                      sizeof(abi::VolumeTable) <=
                  page);
    layout.arguments = layout.boot_info + page;
    layout.first_free = layout.arguments + align_up(arguments_size, page);
    return layout;
}

void load_image(const Image& image, GuestMemory& memory) {
    for (const auto& segment : image.segments) {
        auto destination = memory.span(segment.physical_address, segment.memory_size);
        if (!destination)
            fail("the image does not fit in guest memory");
        std::memcpy(destination->data(), image.bytes.data() + segment.file_offset,
                    segment.file_size);
    }
}

void build_page_tables(const BootLayout& layout, GuestMemory& memory) {
    uint64_t pml4 = layout.page_tables;
    uint64_t direct_pdpt = pml4 + page;
    uint64_t kernel_pdpt = pml4 + 2 * page;
    uint64_t hypercall_directory = pml4 + 3 * page;
    uint64_t directories = pml4 + fixed_table_pages * page;
    uint64_t count = directory_count(memory.size());
    auto entry = [&](uint64_t table, uint64_t index, uint64_t value) {
        if (!memory.write<uint64_t>(table + index * 8, value))
            fail("guest memory is too small for the boot page tables");
    };
    // Guest memory is fresh and zero: only the used entries are written.
    entry(pml4, (abi::direct_map_base >> 39) & 511, direct_pdpt | present_writable);
    entry(pml4, (abi::kernel_virtual_base >> 39) & 511, kernel_pdpt | present_writable);
    for (uint64_t gib_index = 0; gib_index < count; ++gib_index) {
        uint64_t directory = directories + gib_index * page;
        entry(direct_pdpt, gib_index, directory | present_writable);
        for (uint64_t i = 0; i < 512; ++i) {
            uint64_t physical = gib_index * gib + i * abi::large_page_size;
            if (physical >= memory.size())
                break;
            entry(directory, i, physical | present_writable | large_page);
        }
    }
    // The kernel window reuses the first GiB's directory.
    entry(kernel_pdpt, (abi::kernel_virtual_base >> 30) & 511, directories | present_writable);
    entry(kernel_pdpt, (abi::hypercall_window_virtual >> 30) & 511,
          hypercall_directory | present_writable);
    entry(hypercall_directory, (abi::hypercall_window_virtual >> 21) & 511,
          abi::hypercall_window_physical | present_writable | large_page);
    for (size_t i = 0; i < std::size(gdt_entries); ++i)
        entry(layout.gdt, i, gdt_entries[i]);
}

abi::BootInfo make_boot_info(const BootLayout& layout, uint64_t memory_size, uint32_t tsc_khz,
                             std::span<const uint8_t> arguments, uint32_t flags) {
    abi::BootInfo info{};
    info.magic = abi::boot_info_magic;
    info.platform = abi::Platform::Hvt;
    info.flags = flags;
    info.memory_size = memory_size;
    info.page_table_root = layout.page_tables;
    info.first_free_address = layout.first_free;
    info.tsc_khz = tsc_khz;
    timespec now;
    ::clock_gettime(CLOCK_REALTIME, &now);
    info.boot_time_ns =
        static_cast<uint64_t>(now.tv_sec) * 1000000000ull + static_cast<uint64_t>(now.tv_nsec);
    if (!arguments.empty()) {
        info.arguments = layout.arguments;
        info.arguments_size = arguments.size();
    }
    info.guest_info = layout.guest_info;
    if (::getrandom(info.entropy, sizeof info.entropy, 0) != sizeof info.entropy)
        fail("cannot read entropy for the guest from the host");
    for (int fd = 0; fd < 3; ++fd)
        info.streams[fd] = stream_kind_of(fd);
    return info;
}

void write_boot_info(const BootLayout& layout, GuestMemory& memory, const abi::BootInfo& info,
                     std::span<const uint8_t> arguments) {
    if (!memory.write(layout.boot_info, info))
        fail("guest memory is too small for the boot information");
    if (!arguments.empty()) {
        auto destination = memory.span(layout.arguments, arguments.size());
        if (!destination)
            fail("guest memory is too small for the arguments");
        std::memcpy(destination->data(), arguments.data(), arguments.size());
    }
}

bool guest_runs_in_ring3() {
    return ::access("/sys/module/kvm_pvm", F_OK) == 0;
}

void configure_vcpu(VirtualMachine& vm, Vcpu& vcpu, const BootLayout& layout, const Image& image,
                    GuestMemory& memory, bool ring3) {
    auto header = memory.read<abi::KernelHeader>(abi::kernel_physical_base);
    if (!header || header->magic != abi::kernel_header_magic ||
        header->syscall_entry < abi::kernel_virtual_base + abi::kernel_physical_base)
        fail("the image's kernel has no valid header: was it built by this version of Ingot?");

    auto cpuid = vm.supported_cpuid();
    for (auto& leaf : cpuid) {
        if (leaf.function == 1) {
            // No XSAVE: on nested KVM (PVM) XSAVE/XGETBV cannot run, so the C library must
            // not pick AVX code paths; the kernel saves the program's state with FXSAVE.
            leaf.ecx &= ~((1u << 26) | (1u << 27) | (1u << 28));
        }
        if (leaf.function == 7 && leaf.index == 0) {
            leaf.ebx &= ~((1u << 5) | (1u << 16) | (1u << 17) | (1u << 21) | (1u << 26) |
                          (1u << 27) | (1u << 28) | (1u << 30) | (1u << 31));
        }
    }
    vcpu.set_cpuid(cpuid);
    vcpu.set_msrs({{msr_star, (uint64_t(kernel_code) << 32) | (uint64_t(user_code32) << 48)},
                   {msr_lstar, header->syscall_entry},
                   {msr_fmask, syscall_flag_mask}});

    kvm_sregs sregs = vcpu.special_registers();
    kvm_segment code{};
    code.base = 0;
    code.limit = 0xffffffff;
    code.selector = ring3 ? user_code : kernel_code;
    code.type = 11;
    code.present = 1;
    code.dpl = ring3 ? 3 : 0;
    code.s = 1;
    code.l = 1;
    code.g = 1;
    kvm_segment data = code;
    data.selector = ring3 ? user_data : kernel_data;
    data.type = 3;
    data.l = 0;
    data.db = 1;
    sregs.cs = code;
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = data;
    sregs.gdt.base = abi::direct_map_base + layout.gdt;
    sregs.gdt.limit = sizeof gdt_entries - 1;
    sregs.cr3 = layout.page_tables;
    sregs.cr4 = (1u << 5) | (1u << 9) | (1u << 10) | (1u << 16); // PAE OSFXSR OSXMMEXCPT FSGSBASE
    sregs.cr0 = 0x80050033;                                      // PG AM WP NE ET MP PE
    sregs.efer = 0xd01;                                          // NXE LMA LME SCE
    vcpu.set_special_registers(sregs);

    kvm_regs regs{};
    regs.rip = image.entry;
    regs.rdi = layout.boot_info;
    regs.rflags = 0x2;
    vcpu.set_registers(regs);
}

} // namespace ingot
