#include "fs/vfs/io_buffer.h"

#include "lib/string.h"
#include "mm/user_memory.h"

namespace kernel::vfs {

ErrorOr<void> IoBuffer::write(size_t offset, const void* source, size_t length) const {
    if (m_user)
        return copy_to_user(m_address + offset, source, length);
    memcpy(reinterpret_cast<uint8_t*>(m_address) + offset, source, length);
    return {};
}

ErrorOr<void> IoBuffer::read(size_t offset, void* destination, size_t length) const {
    if (m_user)
        return copy_from_user(destination, m_address + offset, length);
    memcpy(destination, reinterpret_cast<const uint8_t*>(m_address) + offset, length);
    return {};
}

} // namespace kernel::vfs
