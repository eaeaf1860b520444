// Where qemu-system-x86_64 is: --qemu PATH, else $INGOT_QEMU, else the PATH.
#pragma once

#include <string>

namespace ingot {

// Throws UserError (with how to install QEMU) when there is none.
std::string find_qemu(const std::string& option_path);

} // namespace ingot
