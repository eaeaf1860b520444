#include "vmm/guest_memory.h"

#include "support/error.h"
#include "support/size.h"

#include <sys/mman.h>

#include <cerrno>

namespace ingot {

GuestMemory::GuestMemory(uint64_t size) : m_size(size) {
    // MAP_NORESERVE: the host commits only the pages the guest touches.
    void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (base == MAP_FAILED)
        fail("cannot reserve {} of guest memory: {}", format_size(size), system_error_text(errno));
    m_base = static_cast<uint8_t*>(base);
}

GuestMemory::~GuestMemory() {
    ::munmap(m_base, m_size);
}

std::optional<std::span<uint8_t>> GuestMemory::span(uint64_t address, uint64_t length) {
    if (address > m_size || length > m_size - address)
        return std::nullopt;
    return std::span<uint8_t>(m_base + address, length);
}

void GuestMemory::add_read_only(uint64_t address, std::span<const uint8_t> bytes) {
    m_read_only_address = address;
    m_read_only = bytes;
}

std::optional<std::span<const uint8_t>> GuestMemory::readable(uint64_t address, uint64_t length) {
    if (auto bytes = span(address, length))
        return std::span<const uint8_t>(*bytes);
    if (m_read_only.empty() || address < m_read_only_address)
        return std::nullopt;
    uint64_t offset = address - m_read_only_address;
    if (offset > m_read_only.size() || length > m_read_only.size() - offset)
        return std::nullopt;
    return m_read_only.subspan(offset, length);
}

} // namespace ingot
