// The image's payload as the hvt guest sees it: its own guest-physical region outside RAM
// (abi::payload_region_physical), its own KVM memory slot, read-only. Backed by the image
// file's own private mapping, so pages come from the host's page cache on first touch and are
// shared by every instance of the image, and nothing the guest does can reach the file.
#pragma once

#include "image/image.h"

#include <cstdint>
#include <span>

namespace ingot {

// How the image's bytes are held.
enum class ImageBacking {
    FileMapping, // MappedFile's private mapping of the whole image file: used in place
    Memory,      // anything else (an image packed on the fly): the payload is copied
};

class PayloadRegion {
public:
    // Throws UserError when the payload cannot be used in place nor copied.
    PayloadRegion(const Image& image, ImageBacking backing);
    ~PayloadRegion();
    PayloadRegion(const PayloadRegion&) = delete;
    PayloadRegion& operator=(const PayloadRegion&) = delete;

    // Page aligned and a whole number of pages: the payload, then zeros to the page's end.
    std::span<const uint8_t> bytes() const { return {m_data, m_size}; }
    bool copied() const { return m_copy; }

private:
    const uint8_t* m_data = nullptr;
    uint64_t m_size = 0;
    bool m_copy = false;
};

} // namespace ingot
