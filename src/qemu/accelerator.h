// Which QEMU accelerator runs the guest: KVM where it can deliver interrupts, TCG elsewhere.
#pragma once

#include <string>

namespace ingot {

enum class Accelerator { Kvm, Tcg };

struct AcceleratorChoice {
    Accelerator accelerator;
    std::string reason; // for the --verbose line: "tcg (KVM is PVM nested here)"
};

// `forced` is --accel: "kvm", "tcg" or empty for the automatic choice. PVM's nested KVM (its
// module is loaded) cannot deliver IDT events to a standard guest, so TCG is chosen there.
AcceleratorChoice choose_accelerator(const std::string& forced, const char* kvm_device = "/dev/kvm",
                                     const char* pvm_module = "/sys/module/kvm_pvm");

const char* accelerator_name(Accelerator accelerator);

} // namespace ingot
