#include "fs/fd_table.h"

#include "fs/console_file.h"
#include "lib/string.h"

namespace kernel::fd_table {

namespace {

struct Slot {
    File* file;
    uint32_t flags;
};

// The first table holds the standard descriptors and what most programs open; it doubles, as
// Linux's expand_fdtable does, when a descriptor beyond it is made.
constexpr int initial_capacity = 64;

Slot* slots;
int capacity;
int soft_limit = 1024;

bool valid(int fd) {
    return fd >= 0 && fd < capacity && slots[fd].file;
}

// Room for descriptor `fd` (below the limit): ENOMEM when the larger table cannot be had.
ErrorOr<void> make_room(int fd) {
    if (fd < capacity)
        return {};
    int wanted = capacity ? capacity : initial_capacity;
    while (wanted <= fd)
        wanted = wanted > max_limit / 2 ? max_limit : wanted * 2;
    auto* grown = new Slot[static_cast<size_t>(wanted)];
    if (!grown)
        return ENOMEM;
    if (slots)
        memcpy(grown, slots, static_cast<size_t>(capacity) * sizeof(Slot));
    for (int fd_slot = capacity; fd_slot < wanted; ++fd_slot)
        grown[fd_slot] = {nullptr, 0};
    delete[] slots;
    slots = grown;
    capacity = wanted;
    return {};
}

} // namespace

void initialize_console() {
    if (make_room(2).is_error())
        return; // no memory at boot: every descriptor is then EBADF
    for (int fd = 0; fd < 3; ++fd)
        slots[fd] = {new ConsoleFile(fd), 0};
}

void set_limit(int limit) {
    soft_limit = limit;
}

int limit() {
    return soft_limit;
}

ErrorOr<File*> get(int fd) {
    if (!valid(fd))
        return EBADF;
    return slots[fd].file;
}

ErrorOr<FileReference> get_reference(int fd) {
    if (!valid(fd))
        return EBADF;
    return FileReference(*slots[fd].file);
}

ErrorOr<int> install(File& file, int minimum, uint32_t flags) {
    if (minimum < 0)
        return EINVAL;
    int fd = minimum;
    while (fd < capacity && fd < soft_limit && slots[fd].file)
        ++fd;
    if (fd >= soft_limit)
        return EMFILE;
    TRY(make_room(fd));
    file.retain();
    slots[fd] = {&file, flags};
    return fd;
}

ErrorOr<void> install_at(File& file, int fd, uint32_t flags) {
    if (fd < 0 || fd >= soft_limit)
        return EBADF;
    TRY(make_room(fd));
    file.retain();
    if (slots[fd].file)
        slots[fd].file->release();
    slots[fd] = {&file, flags};
    return {};
}

ErrorOr<void> close(int fd) {
    if (!valid(fd))
        return EBADF;
    slots[fd].file->release();
    slots[fd] = {nullptr, 0};
    return {};
}

ErrorOr<uint32_t> fd_flags(int fd) {
    if (!valid(fd))
        return EBADF;
    return slots[fd].flags;
}

int next_open(int from) {
    for (int fd = from < 0 ? 0 : from; fd < capacity; ++fd)
        if (slots[fd].file)
            return fd;
    return -1;
}

ErrorOr<void> set_fd_flags(int fd, uint32_t flags) {
    if (!valid(fd))
        return EBADF;
    slots[fd].flags = flags;
    return {};
}

} // namespace kernel::fd_table
