#include "mm/kmalloc.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "mm/frame_allocator.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr uint32_t header_magic = 0x6b6d6c63;
constexpr size_t class_count = sizeof(kmalloc_classes) / sizeof(kmalloc_classes[0]);

struct alignas(16) Header {
    uint32_t magic;
    uint32_t size_class; // class index, or class_count for a frame run
    uint64_t pages;      // frames in the run
};

// Blocks follow each other in a page, so every class keeps the header's alignment.
constexpr bool classes_aligned() {
    for (size_t size : kmalloc_classes) {
        if (size % alignof(Header) != 0)
            return false;
    }
    return true;
}
static_assert(classes_aligned());

struct FreeBlock {
    FreeBlock* next;
};

FreeBlock* free_lists[class_count];

size_t class_size(size_t index) {
    return kmalloc_classes[index];
}

bool refill(size_t index) {
    auto frame = frame_allocator().allocate(Zeroed::No);
    if (frame.is_error())
        return false;
    uint8_t* page = frame_allocator().to_virtual(frame.value());
    size_t size = class_size(index);
    for (size_t offset = 0; offset + size <= abi::page_size; offset += size) {
        auto* block = reinterpret_cast<FreeBlock*>(page + offset);
        block->next = free_lists[index];
        free_lists[index] = block;
    }
    return true;
}

} // namespace

void* kmalloc(size_t size) {
    size_t total = size + sizeof(Header);
    for (size_t index = 0; index < class_count; ++index) {
        if (total > class_size(index))
            continue;
        if (!free_lists[index] && !refill(index))
            return nullptr;
        FreeBlock* block = free_lists[index];
        free_lists[index] = block->next;
        auto* header = reinterpret_cast<Header*>(block);
        *header = {header_magic, static_cast<uint32_t>(index), 0};
        return header + 1;
    }
    size_t pages = align_up(total, abi::page_size) / abi::page_size;
    auto run = frame_allocator().allocate_contiguous(pages, Zeroed::No);
    if (run.is_error())
        return nullptr;
    auto* header = reinterpret_cast<Header*>(frame_allocator().to_virtual(run.value()));
    *header = {header_magic, class_count, pages};
    return header + 1;
}

void* kzalloc(size_t size) {
    void* pointer = kmalloc(size);
    if (pointer)
        memset(pointer, 0, size);
    return pointer;
}

void kfree(void* pointer) {
    if (!pointer)
        return;
    auto* header = static_cast<Header*>(pointer) - 1;
    if (header->magic != header_magic)
        return;
    header->magic = 0;
    if (header->size_class == class_count) {
        auto physical = reinterpret_cast<uint8_t*>(header) - frame_allocator().to_virtual(0);
        frame_allocator().free_contiguous(static_cast<PhysicalAddress>(physical), header->pages);
        return;
    }
    auto* block = reinterpret_cast<FreeBlock*>(header);
    block->next = free_lists[header->size_class];
    free_lists[header->size_class] = block;
}

} // namespace kernel

#if defined(INGOT_KERNEL)
void* operator new(size_t size) {
    return kernel::kmalloc(size);
}
void* operator new[](size_t size) {
    return kernel::kmalloc(size);
}
void operator delete(void* pointer) noexcept {
    kernel::kfree(pointer);
}
void operator delete(void* pointer, size_t) noexcept {
    kernel::kfree(pointer);
}
void operator delete[](void* pointer) noexcept {
    kernel::kfree(pointer);
}
void operator delete[](void* pointer, size_t) noexcept {
    kernel::kfree(pointer);
}
#endif
