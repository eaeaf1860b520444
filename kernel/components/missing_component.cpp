#include "components/missing_component.h"

#include "lib/log.h"

#include <ingot/abi/components.h>

namespace kernel {

Error component_missing(uint32_t component, const char* call) {
    static uint32_t reported;
    if (!(reported & component)) {
        reported |= component;
        const char* name = abi::component_name(component);
        klog("%s: this image was built without the '%s' component: ENOSYS (build it with "
             "'ingot build --with %s')",
             call, name, name);
    }
    return Error(ENOSYS);
}

} // namespace kernel
