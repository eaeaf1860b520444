// Finding every PCI function: bus 0, then the buses behind PCI-PCI bridges (and PCIe root
// ports, which present themselves as such bridges), as firmware numbered them.
#pragma once

#include "drivers/pci/function.h"

#include <stddef.h>

namespace kernel::pci {

// Stores up to `capacity` functions; returns how many were found in all.
size_t enumerate(Function* functions, size_t capacity);

} // namespace kernel::pci
