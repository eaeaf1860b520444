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

// The lowest free descriptor in a time that does not grow with the open ones (a program
// holding 100,000 connections accepts the next without walking them): a bit per descriptor
// that is open, and a bit per word of those that is full, as Linux's open_fds and
// full_fds_bits.
constexpr int bits_per_word = 64;
uint64_t* open_bits;
uint64_t* full_bits;

size_t words_for(int descriptors) {
    return (static_cast<size_t>(descriptors) + bits_per_word - 1) / bits_per_word;
}

void mark_open(int fd) {
    size_t word = static_cast<size_t>(fd) / bits_per_word;
    open_bits[word] |= uint64_t(1) << (fd % bits_per_word);
    if (open_bits[word] == ~uint64_t(0))
        full_bits[word / bits_per_word] |= uint64_t(1) << (word % bits_per_word);
}

void mark_closed(int fd) {
    size_t word = static_cast<size_t>(fd) / bits_per_word;
    open_bits[word] &= ~(uint64_t(1) << (fd % bits_per_word));
    full_bits[word / bits_per_word] &= ~(uint64_t(1) << (word % bits_per_word));
}

// The lowest descriptor at or above `minimum` that is not open: `capacity` or more when every
// one in the table is.
int first_free(int minimum) {
    if (minimum >= capacity)
        return minimum;
    size_t word = static_cast<size_t>(minimum) / bits_per_word;
    uint64_t taken = open_bits[word] | ((uint64_t(1) << (minimum % bits_per_word)) - 1);
    if (~taken)
        return static_cast<int>(word * bits_per_word) + __builtin_ctzll(~taken);
    size_t words = words_for(capacity);
    for (size_t next = word + 1; next < words;) {
        size_t summary = next / bits_per_word;
        uint64_t full = full_bits[summary] | ((uint64_t(1) << (next % bits_per_word)) - 1);
        if (~full) {
            size_t free_word =
                summary * bits_per_word + static_cast<size_t>(__builtin_ctzll(~full));
            if (free_word >= words)
                break;
            return static_cast<int>(free_word * bits_per_word) +
                   __builtin_ctzll(~open_bits[free_word]);
        }
        next = (summary + 1) * bits_per_word;
    }
    return capacity;
}

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
    size_t words = words_for(wanted);
    size_t summaries = words_for(static_cast<int>(words));
    auto* grown = new Slot[static_cast<size_t>(wanted)];
    auto* grown_open = new uint64_t[words];
    auto* grown_full = new uint64_t[summaries];
    if (!grown || !grown_open || !grown_full) {
        delete[] grown;
        delete[] grown_open;
        delete[] grown_full;
        return ENOMEM;
    }
    if (slots)
        memcpy(grown, slots, static_cast<size_t>(capacity) * sizeof(Slot));
    for (int fd_slot = capacity; fd_slot < wanted; ++fd_slot)
        grown[fd_slot] = {nullptr, 0};
    memset(grown_open, 0, words * sizeof(uint64_t));
    memset(grown_full, 0, summaries * sizeof(uint64_t));
    if (open_bits) {
        memcpy(grown_open, open_bits, words_for(capacity) * sizeof(uint64_t));
        memcpy(grown_full, full_bits,
               words_for(static_cast<int>(words_for(capacity))) * sizeof(uint64_t));
    }
    delete[] slots;
    delete[] open_bits;
    delete[] full_bits;
    slots = grown;
    open_bits = grown_open;
    full_bits = grown_full;
    capacity = wanted;
    return {};
}

} // namespace

void initialize_console() {
    if (make_room(2).is_error())
        return; // no memory at boot: every descriptor is then EBADF
    for (int fd = 0; fd < 3; ++fd) {
        slots[fd] = {new ConsoleFile(fd), 0};
        mark_open(fd);
    }
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
    int fd = first_free(minimum);
    if (fd >= soft_limit)
        return EMFILE;
    TRY(make_room(fd));
    file.retain();
    slots[fd] = {&file, flags};
    mark_open(fd);
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
    mark_open(fd);
    return {};
}

ErrorOr<void> close(int fd) {
    if (!valid(fd))
        return EBADF;
    slots[fd].file->release();
    slots[fd] = {nullptr, 0};
    mark_closed(fd);
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
