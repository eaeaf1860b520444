// Where a file system's bytes go to or come from: the program's memory (checked as every user
// pointer is) or a kernel buffer (the loader reading an ELF header, sendfile's bounce buffer).
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::vfs {

class IoBuffer {
public:
    static IoBuffer user(uint64_t address) { return IoBuffer(address, true); }
    static IoBuffer kernel(void* address) {
        return IoBuffer(reinterpret_cast<uint64_t>(address), false);
    }
    static IoBuffer kernel(const void* address) {
        return IoBuffer(reinterpret_cast<uint64_t>(address), false);
    }

    // Into the buffer at `offset`; EFAULT when a user range is not writable.
    ErrorOr<void> write(size_t offset, const void* source, size_t length) const;
    // Out of the buffer at `offset`; EFAULT when a user range is not readable.
    ErrorOr<void> read(size_t offset, void* destination, size_t length) const;
    IoBuffer offset_by(size_t offset) const { return IoBuffer(m_address + offset, m_user); }
    bool is_user() const { return m_user; }
    uint64_t address() const { return m_address; }

private:
    IoBuffer(uint64_t address, bool user) : m_address(address), m_user(user) {}

    uint64_t m_address;
    bool m_user;
};

} // namespace kernel::vfs
