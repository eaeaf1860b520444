#include "launch/resolve_qemu.h"

#include "image/elf_file.h"
#include "qemu/machine_types.h"
#include "qemu/qemu_binary.h"
#include "qemu/qemu_process.h"
#include "support/error.h"

#include <algorithm>
#include <string_view>

namespace ingot {

QemuPlan resolve_qemu(const std::string& binary, const std::string& machine,
                      const std::string& accelerator, const Image& image,
                      const std::string& image_name) {
    QemuPlan qemu;
    qemu.binary = find_qemu(binary);
    qemu.machine = machine.empty() ? "microvm" : machine;
    // Asking QEMU costs a process start (about 20 ms); every x86 QEMU since 5.0 has these.
    const std::string_view always_there[] = {"microvm", "pc", "q35"};
    std::string_view machine_name =
        std::string_view(qemu.machine).substr(0, qemu.machine.find(','));
    if (std::find(std::begin(always_there), std::end(always_there), machine_name) ==
        std::end(always_there))
        check_machine_type(qemu.machine,
                           parse_machine_types(capture_output({qemu.binary, "-machine", "help"})));
    AcceleratorChoice choice = choose_accelerator(accelerator);
    qemu.accelerator = choice.accelerator;
    qemu.accelerator_reason = choice.reason;
    if (!ElfFile(image.bytes, image_name).has_pvh_entry_note())
        fail("this image's kernel has no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY), so QEMU "
             "cannot boot it: rebuild the image with a newer ingot");
    return qemu;
}

} // namespace ingot
