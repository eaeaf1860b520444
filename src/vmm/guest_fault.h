// The guest broke the ABI (bad pointer, bad length, unknown call): the monitor stops the VM
// with status 125.
#pragma once

#include <stdexcept>

namespace ingot {

class GuestFault : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace ingot
