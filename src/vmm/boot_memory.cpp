#include "vmm/boot_memory.h"

#include "support/error.h"
#include "support/size.h"

#include <fmt/format.h>
#include <ingot/abi/boot_info.h>
#include <ingot/abi/hypercall.h>
#include <ingot/abi/identity.h>
#include <ingot/abi/memory_layout.h>
#include <ingot/abi/volumes.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace ingot {

namespace {

constexpr uint64_t page = abi::page_size;
constexpr uint64_t gib = 1ull << 30;
constexpr uint64_t present_writable = 0x7;  // present, writable, user: see guest_runs_in_ring3
constexpr uint64_t present_read_only = 0x5; // present, user
constexpr uint64_t large_page = 0x80;

// Room the kernel needs to start a program: its heap, bitmaps, thread stacks, page tables.
constexpr uint64_t kernel_working_set = 512ull << 10;

constexpr uint64_t align_up(uint64_t value, uint64_t alignment) {
    return (value + alignment - 1) & ~(alignment - 1);
}

uint64_t directory_count(uint64_t memory_size) {
    return (memory_size + gib - 1) / gib;
}

// PML4, a PDPT for the direct map, a PDPT for the kernel window, a PD for the hypercall
// window, the GDT, then a PD per GiB of RAM and one per GiB of the payload's region.
constexpr uint64_t fixed_table_pages = 5;
uint64_t page_table_bytes(uint64_t memory_size, uint64_t payload_size) {
    return (fixed_table_pages + directory_count(memory_size) + directory_count(payload_size)) *
           page;
}

static_assert(abi::payload_region_physical % gib == 0 &&
                  abi::payload_region_physical >= abi::hypercall_window_physical + gib,
              "the payload's region starts on a GiB of its own, above RAM and the hypercalls");
static_assert((abi::payload_region_physical + abi::maximum_payload_size) >> 39 == 0,
              "the direct map's one PDPT reaches the whole payload region");

} // namespace

uint64_t minimum_memory_for(const Image& image, uint64_t program_span, size_t arguments_size,
                            PayloadPlacement placement) {
    // Writable program pages are copied. The stack's pages get memory on first touch: count
    // what a start needs (the arguments, a few frames).
    uint64_t stack = std::min<uint64_t>(image.manifest.stack_size ? image.manifest.stack_size
                                                                  : abi::default_stack_size,
                                        abi::minimum_stack_size + arguments_size);
    bool in_ram = placement == PayloadPlacement::InRam;
    uint64_t loaded = in_ram ? image.load_end() : image.kernel_end();
    uint64_t estimate =
        loaded + page_table_bytes(abi::maximum_memory / 64, in_ram ? 0 : image.payload.total_size) +
        align_up(sizeof(abi::BootInfo) + arguments_size, page) + stack + kernel_working_set +
        program_span / 8;
    return align_up(estimate, 256ull << 10);
}

uint64_t guest_memory_size(const Image& image, std::optional<uint64_t> requested,
                           size_t arguments_size, PayloadPlacement placement) {
    uint64_t size = requested.value_or(image.manifest.memory_size ? image.manifest.memory_size
                                                                  : abi::default_memory_size);
    std::string source = requested ? fmt::format("--mem {}", format_size(size))
                                   : fmt::format("the image's memory size, {},", format_size(size));
    if (size > abi::maximum_memory)
        fail("{} is more than Ingot supports ({})", source, format_size(abi::maximum_memory));
    uint64_t needed =
        minimum_memory_for(image, image.program_info.memory_span, arguments_size, placement);
    if (size < needed)
        fail("{} is too small for this image: it needs at least {}{}", source, format_size(needed),
             requested ? "" : " (give more with --mem)");
    return size;
}

BootLayout plan_boot_layout(const Image& image, uint64_t memory_size, size_t arguments_size) {
    BootLayout layout;
    layout.page_tables = image.kernel_end();
    layout.gdt = layout.page_tables + 4 * page;
    layout.boot_info = layout.page_tables + page_table_bytes(memory_size, image.payload.total_size);
    layout.guest_info = layout.boot_info + align_up(sizeof(abi::BootInfo), 64);
    layout.network_info = layout.guest_info + align_up(sizeof(abi::GuestInfo), 64);
    layout.identity = layout.network_info + align_up(sizeof(abi::NetworkInfo), 64);
    layout.volume_table = layout.identity + align_up(sizeof(abi::Identity), 64);
    static_assert(align_up(sizeof(abi::BootInfo), 64) + align_up(sizeof(abi::GuestInfo), 64) +
                      align_up(sizeof(abi::NetworkInfo), 64) + align_up(sizeof(abi::Identity), 64) +
                      sizeof(abi::VolumeTable) <=
                  page);
    layout.arguments = layout.boot_info + page;
    layout.first_free = layout.arguments + align_up(arguments_size, page);
    return layout;
}

void load_image(const Image& image, GuestMemory& memory) {
    for (const auto& segment : image.kernel_segments()) {
        auto destination = memory.span(segment.physical_address, segment.memory_size);
        if (!destination)
            fail("the image does not fit in guest memory");
        std::memcpy(destination->data(), image.bytes.data() + segment.file_offset,
                    segment.file_size);
    }
}

void build_page_tables(const BootLayout& layout, GuestMemory& memory, uint64_t payload_size) {
    uint64_t pml4 = layout.page_tables;
    uint64_t direct_pdpt = pml4 + page;
    uint64_t kernel_pdpt = pml4 + 2 * page;
    uint64_t hypercall_directory = pml4 + 3 * page;
    uint64_t directories = pml4 + fixed_table_pages * page;
    uint64_t count = directory_count(memory.size());
    uint64_t payload_directories = directories + count * page;
    auto entry = [&](uint64_t table, uint64_t index, uint64_t value) {
        if (!memory.write<uint64_t>(table + index * 8, value))
            fail("guest memory is too small for the boot page tables");
    };
    // Guest memory is fresh and zero: only the used entries are written.
    entry(pml4, (abi::direct_map_base >> 39) & 511, direct_pdpt | present_writable);
    entry(pml4, (abi::kernel_virtual_base >> 39) & 511, kernel_pdpt | present_writable);
    for (uint64_t gib_index = 0; gib_index < count; ++gib_index) {
        uint64_t directory = directories + gib_index * page;
        entry(direct_pdpt, gib_index, directory | present_writable);
        for (uint64_t i = 0; i < 512; ++i) {
            uint64_t physical = gib_index * gib + i * abi::large_page_size;
            if (physical >= memory.size())
                break;
            entry(directory, i, physical | present_writable | large_page);
        }
    }
    // The payload: read-only, so a stray store of the kernel faults (hvt's slot refuses it too).
    for (uint64_t gib_index = 0; gib_index < directory_count(payload_size); ++gib_index) {
        uint64_t directory = payload_directories + gib_index * page;
        entry(direct_pdpt, abi::payload_region_physical / gib + gib_index,
              directory | present_writable);
        for (uint64_t i = 0; i < 512 && gib_index * gib + i * abi::large_page_size < payload_size;
             ++i)
            entry(directory, i,
                  (abi::payload_region_physical + gib_index * gib + i * abi::large_page_size) |
                      present_read_only | large_page);
    }
    // The kernel window reuses the first GiB's directory.
    entry(kernel_pdpt, (abi::kernel_virtual_base >> 30) & 511, directories | present_writable);
    entry(kernel_pdpt, (abi::hypercall_window_virtual >> 30) & 511,
          hypercall_directory | present_writable);
    entry(hypercall_directory, (abi::hypercall_window_virtual >> 21) & 511,
          abi::hypercall_window_physical | present_writable | large_page);
    for (size_t i = 0; i < std::size(boot_gdt); ++i)
        entry(layout.gdt, i, boot_gdt[i]);
}

} // namespace ingot
