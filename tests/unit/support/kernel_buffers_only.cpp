// The kernel's user-memory copies for tests whose file systems only ever see kernel buffers
// (vfs::IoBuffer::kernel): a user address is EFAULT, as an unmapped one is in the kernel.
#include "kernel/kernel_test_support.h"

#include "mm/user_memory.h"

namespace kernel {

ErrorOr<void> copy_from_user(void*, uint64_t, size_t) {
    return EFAULT;
}

ErrorOr<void> copy_to_user(uint64_t, const void*, size_t) {
    return EFAULT;
}

} // namespace kernel
