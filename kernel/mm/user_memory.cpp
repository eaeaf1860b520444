#include "mm/user_memory.h"

#include "lib/string.h"
#include "lib/utility.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {
AddressSpace* space;
}

void set_user_address_space(AddressSpace& address_space) {
    space = &address_space;
    // It maps the pages file systems lend, and must give them back before they are freed.
    vfs::set_page_borrower(&address_space);
}
AddressSpace& user_address_space() {
    return *space;
}

ErrorOr<void*> user_range(uint64_t address, size_t length, Access access) {
    if (length != 0)
        TRY(space->populate(address, length, access));
    return reinterpret_cast<void*>(address);
}

ErrorOr<void> copy_from_user(void* destination, uint64_t source, size_t length) {
    TRY(space->populate(source, length, Access::Read));
    memcpy(destination, reinterpret_cast<const void*>(source), length);
    return {};
}

ErrorOr<void> copy_to_user(uint64_t destination, const void* source, size_t length) {
    TRY(space->populate(destination, length, Access::Write));
    memcpy(reinterpret_cast<void*>(destination), source, length);
    return {};
}

ErrorOr<size_t> copy_string_from_user(char* destination, size_t capacity, uint64_t source) {
    size_t copied = 0;
    while (copied < capacity) {
        // Check a page at a time: the string may end just before an unmapped page.
        uint64_t chunk =
            min<uint64_t>(abi::page_size - ((source + copied) % abi::page_size), capacity - copied);
        TRY(space->populate(source + copied, chunk, Access::Read));
        const char* from = reinterpret_cast<const char*>(source + copied);
        for (uint64_t i = 0; i < chunk; ++i) {
            destination[copied] = from[i];
            if (from[i] == 0)
                return copied;
            ++copied;
        }
    }
    return ENAMETOOLONG;
}

} // namespace kernel
