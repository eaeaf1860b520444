// A call into a component this image's kernel was built without (ingot/abi/components.h).
#pragma once

#include "lib/error_or.h"

#include <stdint.h>

namespace kernel {

// ENOSYS; the first time for each component, also a log line naming the call, the component
// and the flag of `ingot build` that adds it.
Error component_missing(uint32_t component, const char* call);

} // namespace kernel
