// What a host descriptor is, as the guest's isatty() and stdio buffering must see it.
#pragma once

#include <ingot/abi/boot_info.h>

namespace ingot {

abi::StreamKind stream_kind_of(int fd);

} // namespace ingot
