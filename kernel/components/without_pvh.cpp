// A kernel built without the pvh platform's component (abi::component_pvh): it cannot be
// started there (platform.cpp).
#include "platform/platform_interface.h"

namespace kernel::pvh {

const platform::Operations* operations() {
    return nullptr;
}

} // namespace kernel::pvh
