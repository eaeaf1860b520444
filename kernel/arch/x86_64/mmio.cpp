#include "arch/x86_64/mmio.h"

#include "lib/log.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {
// The pvh boot direct-maps this much physical address space, device windows included.
constexpr uint64_t direct_mapped_physical_end = 4ull << 30;
} // namespace

ErrorOr<volatile void*> map_mmio(uint64_t physical, uint64_t size) {
    uint64_t end;
    if (!range_end(physical, size, end))
        return EINVAL;
    if (end > direct_mapped_physical_end) {
        klog("mmio: window 0x%llx+0x%llx lies above 4 GiB, which is not mapped",
             static_cast<unsigned long long>(physical), static_cast<unsigned long long>(size));
        return ENOTSUP;
    }
    return reinterpret_cast<volatile void*>(abi::direct_map_base + physical);
}

} // namespace kernel
