// Volumes on pvh: QEMU serves each as a virtio-9p device whose mount tag names it, and an
// `ingot.volume=` option says where it goes. Part of the volumes component
// (abi::component_volumes); a kernel without it has components/without_volumes.cpp instead.
#pragma once

#include "platform/pvh/command_line.h"

namespace kernel::pvh {

// Hands the volume list (fs/p9/volume_list.h) the device each `ingot.volume=` option names,
// after drivers::probe() started the virtio-9p devices.
void find_volumes(const CommandLine& command_line);

} // namespace kernel::pvh
