// A kernel built without the hvt platform's component (abi::component_hvt): it cannot be
// started there (platform.cpp).
#include "platform/platform_interface.h"

namespace kernel::hvt {

const platform::Operations* operations() {
    return nullptr;
}

} // namespace kernel::hvt
