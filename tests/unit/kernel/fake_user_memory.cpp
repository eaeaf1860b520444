// Host stand-ins for the kernel's user-memory copies (kernel/mm/user_memory.cpp needs the
// kernel's address space): a "user" address is a host pointer, and the first page is unmapped,
// so tests can ask for EFAULT.
#include "kernel/kernel_test_support.h"

#include "mm/user_memory.h"

namespace kernel {

namespace {

bool is_unmapped(uint64_t address) {
    return address < 4096;
}

} // namespace

ErrorOr<void> copy_from_user(void* destination, uint64_t source, size_t length) {
    if (is_unmapped(source))
        return EFAULT;
    std::memcpy(destination, reinterpret_cast<const void*>(source), length);
    return {};
}

ErrorOr<void> copy_to_user(uint64_t destination, const void* source, size_t length) {
    if (is_unmapped(destination))
        return EFAULT;
    std::memcpy(reinterpret_cast<void*>(destination), source, length);
    return {};
}

} // namespace kernel
