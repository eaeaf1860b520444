// How a synthetic inode becomes an open file: the kernel's File classes (open_files.cpp) move
// bytes to and from the program's memory, so they are kept out of the portable tree logic and
// handed in at construction.
#pragma once

#include "fs/synthetic/text_buffer.h"
#include "lib/errno.h"
#include "lib/error_or.h"

#include <stdint.h>

namespace kernel {
class File;
}

namespace kernel::synthetic {

class Node;

// The character devices of /dev, with Linux's numbers (Documentation/admin-guide/devices.txt).
enum class DeviceKind { Null, Zero, Full, Random, Urandom, Tty, Console };

class FileOpener {
public:
    // A file whose contents were generated at open: reads walk `text`; writes fail with
    // `write_error` (Linux's answer for that file).
    virtual ErrorOr<File*> open_text(TextBuffer&& text, Node& node, uint32_t flags,
                                     Errno write_error) = 0;
    virtual ErrorOr<File*> open_device(DeviceKind kind, Node& node, uint32_t flags) = 0;

protected:
    ~FileOpener() = default;
};

} // namespace kernel::synthetic
