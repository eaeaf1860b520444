#include "qemu/accelerator.h"

#include "support/error.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace ingot {

namespace {

// Empty when KVM can be opened as QEMU will open it, else why not.
std::string kvm_unusable_reason(const char* kvm_device) {
    int fd = ::open(kvm_device, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return fmt::format("{}: {}", kvm_device, system_error_text(errno));
    ::close(fd);
    return {};
}

} // namespace

const char* accelerator_name(Accelerator accelerator) {
    return accelerator == Accelerator::Kvm ? "kvm" : "tcg";
}

AcceleratorChoice choose_accelerator(const std::string& forced, const char* kvm_device,
                                     const char* pvm_module) {
    if (forced == "tcg")
        return {Accelerator::Tcg, "tcg (chosen with --accel)"};
    std::string unusable = kvm_unusable_reason(kvm_device);
    if (forced == "kvm") {
        if (!unusable.empty())
            fail("--accel kvm: {}", unusable);
        return {Accelerator::Kvm, "kvm (chosen with --accel)"};
    }
    if (!unusable.empty())
        return {Accelerator::Tcg, fmt::format("tcg ({})", unusable)};
    if (::access(pvm_module, F_OK) == 0)
        return {Accelerator::Tcg, "tcg (KVM is PVM nested here: it cannot deliver interrupts)"};
    return {Accelerator::Kvm, "kvm"};
}

} // namespace ingot
