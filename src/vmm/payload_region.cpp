#include "vmm/payload_region.h"

#include "support/error.h"
#include "support/size.h"

#include <ingot/abi/memory_layout.h>

#include <sys/mman.h>

#include <cerrno>
#include <cstring>

namespace ingot {

namespace {

constexpr uint64_t page = abi::page_size;

uint64_t align_up(uint64_t value) {
    return (value + page - 1) & ~(page - 1);
}

} // namespace

PayloadRegion::PayloadRegion(const Image& image, ImageBacking backing)
    : m_size(align_up(image.payload_bytes.size())) {
    const uint8_t* payload = image.payload_bytes.data();
    // In a file mapping the payload starts on a page (build_image aligns it in the file) and
    // the mapping runs to the end of the file's last page, which the kernel fills with zeros
    // (mmap(2)): the region's last page lies inside it, and holds nothing but the file.
    if (backing == ImageBacking::FileMapping && reinterpret_cast<uintptr_t>(payload) % page == 0 &&
        reinterpret_cast<uintptr_t>(image.bytes.data()) % page == 0 &&
        payload + image.payload_bytes.size() == image.bytes.data() + image.bytes.size()) {
        m_data = payload;
        return;
    }
    // Anywhere else the bytes around the payload's pages are the monitor's own: a copy of its
    // own, so the guest sees only the payload.
    void* copy =
        ::mmap(nullptr, m_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (copy == MAP_FAILED)
        fail("cannot hold the image's payload ({}): {}", format_size(m_size),
             system_error_text(errno));
    std::memcpy(copy, payload, image.payload_bytes.size());
    ::mprotect(copy, m_size, PROT_READ);
    m_data = static_cast<const uint8_t*>(copy);
    m_copy = true;
}

PayloadRegion::~PayloadRegion() {
    if (m_copy)
        ::munmap(const_cast<uint8_t*>(m_data), m_size);
}

} // namespace ingot
