#include "fs/fd_table.h"

#include "fs/console_file.h"

namespace kernel::fd_table {

namespace {

struct Slot {
    File* file;
    uint32_t flags;
};

Slot slots[max_descriptors];

bool valid(int fd) {
    return fd >= 0 && fd < max_descriptors && slots[fd].file;
}

} // namespace

void initialize_console() {
    for (int fd = 0; fd < 3; ++fd)
        slots[fd] = {new ConsoleFile(fd), 0};
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
    if (minimum < 0 || minimum >= max_descriptors)
        return EINVAL;
    for (int fd = minimum; fd < max_descriptors; ++fd) {
        if (!slots[fd].file) {
            file.retain();
            slots[fd] = {&file, flags};
            return fd;
        }
    }
    return EMFILE;
}

ErrorOr<void> install_at(File& file, int fd, uint32_t flags) {
    if (fd < 0 || fd >= max_descriptors)
        return EBADF;
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
    for (int fd = from < 0 ? 0 : from; fd < max_descriptors; ++fd)
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
