#include "vmm/boot_setup.h"

#include "support/error.h"
#include "support/stream_kind.h"

#include <ingot/abi/memory_layout.h>

#include <sys/random.h>
#include <unistd.h>

#include <cstring>
#include <ctime>

namespace ingot {

namespace {

// Selectors of boot_gdt.
constexpr uint16_t kernel_code = 0x10, kernel_data = 0x18, user_code32 = 0x23, user_data = 0x2b,
                   user_code = 0x33;

constexpr uint32_t msr_star = 0xc0000081, msr_lstar = 0xc0000082, msr_fmask = 0xc0000084;
// Cleared on syscall entry: TF, IF, DF, IOPL, NT, AC.
constexpr uint64_t syscall_flag_mask = 0x47700;

} // namespace

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
    info.payload = abi::payload_region_physical;
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
    sregs.gdt.limit = sizeof boot_gdt - 1;
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
