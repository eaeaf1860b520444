// The machine types QEMU offers (`qemu-system-x86_64 -machine help`), to refuse a wrong
// --qemu-machine with the valid choices before starting anything.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ingot {

// The names in `-machine help` output, in its order.
std::vector<std::string> parse_machine_types(std::string_view help_output);

// `machine` may carry properties after a comma (microvm,pit=off); its name must be known.
// Throws UserError naming the unversioned choices (pc, q35, microvm, ...).
void check_machine_type(const std::string& machine, const std::vector<std::string>& known);

// microvm has no PCI bus: its devices are virtio-mmio.
bool is_microvm(const std::string& machine);

} // namespace ingot
