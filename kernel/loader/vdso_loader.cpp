#include "loader/vdso_loader.h"

#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint64_t page = abi::page_size;

// Maps one new frame at `address`, filled with `bytes` (the rest zero).
ErrorOr<PhysicalAddress> map_page(AddressSpace& space, FrameAllocator& frames, uint64_t address,
                                  uint32_t prot, const uint8_t* bytes, size_t length,
                                  uint64_t extra_flags) {
    PhysicalAddress frame = TRY(frames.allocate(Zeroed::Yes));
    memcpy(frames.to_virtual(frame), bytes, length);
    auto mapped =
        space.page_table().map(address, frame, AddressSpace::entry_flags(prot) | extra_flags);
    if (mapped.is_error()) {
        frames.free(frame);
        return mapped.error();
    }
    return frame;
}

} // namespace

ErrorOr<LoadedVdso> load_vdso(const uint8_t* image, size_t size, AddressSpace& space,
                              FrameAllocator& frames) {
    static_assert(sizeof(vdso::Data) <= page);
    if (size == 0)
        return EINVAL;
    uint64_t span = page + align_up(size, page);
    // Find room as mmap would, then hand the range to the two regions.
    uint64_t vvar = TRY(
        space.map_anonymous(0, span, protection::none, Placement::Anywhere, RegionKind::Anonymous));
    TRY(space.unmap(vvar, span));
    uint64_t base = vvar + page;
    TRY(space.add_region(vvar, base, protection::read, RegionKind::Vvar));
    TRY(space.add_region(base, vvar + span, protection::read | protection::execute,
                         RegionKind::Vdso));

    vdso::Data empty{};
    PhysicalAddress data_frame =
        TRY(map_page(space, frames, vvar, protection::read,
                     reinterpret_cast<const uint8_t*>(&empty), sizeof empty, pte::borrowed));
    for (uint64_t offset = 0; offset < size; offset += page)
        TRY(map_page(space, frames, base + offset, protection::read | protection::execute,
                     image + offset, min<uint64_t>(page, size - offset), 0));
    return LoadedVdso{base, reinterpret_cast<vdso::Data*>(frames.to_virtual(data_frame))};
}

} // namespace kernel
