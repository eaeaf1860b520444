// The host has no program memory to check: in the unit tests an IoBuffer, user or kernel, is
// a plain pointer into the test's own memory (kernel/fs/vfs/io_buffer.cpp is the kernel's).
#include "kernel/kernel_test_support.h"

#include "fs/vfs/io_buffer.h"

namespace kernel::vfs {

ErrorOr<void> IoBuffer::write(size_t offset, const void* source, size_t length) const {
    std::memcpy(reinterpret_cast<uint8_t*>(m_address) + offset, source, length);
    return {};
}

ErrorOr<void> IoBuffer::read(size_t offset, void* destination, size_t length) const {
    std::memcpy(destination, reinterpret_cast<const uint8_t*>(m_address) + offset, length);
    return {};
}

} // namespace kernel::vfs
