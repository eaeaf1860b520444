// The report printed when the program dies of a fault or a fatal signal.
#pragma once

#include "image/image.h"
#include "vmm/guest_memory.h"

#include <linux/kvm.h>

#include <cstdint>
#include <string>

namespace ingot {

struct CrashScene {
    std::string headline; // "segmentation fault: null pointer dereference (read from 0x0)"
    kvm_regs registers;
    uint64_t cr3;
    uint64_t program_bias;
    bool in_kernel = false; // the fault was the kernel's own, not the program's
};

void print_crash_report(const CrashScene& scene, const Image& image, GuestMemory& memory);

} // namespace ingot
