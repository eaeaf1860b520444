// Maps a program's ELF interpreter (PT_INTERP: glibc's ld-linux-x86-64.so.2, musl's libc.so)
// from the file system, as Linux's load_elf_interp does: a shared object placed where the mmap
// area has room, top-down, its segments real file mappings, so its read-only pages are the file
// system's own (the image's pages: no copy) and /proc/self/maps names the file.
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "mm/address_space.h"

#include <stdint.h>

namespace kernel {

struct LoadedInterpreter {
    uint64_t base;  // AT_BASE: where its first page went
    uint64_t entry; // where the program starts running
};

// `path` names its mappings in /proc/self/maps. EACCES when `file` is not a regular file; ENOEXEC
// when it is not an x86-64 ELF shared object (or executable); EINVAL for a malformed segment table;
// ENOMEM when it does not fit.
ErrorOr<LoadedInterpreter> load_interpreter(vfs::Inode& file, StringView path, AddressSpace& space,
                                            FrameAllocator& frames);

} // namespace kernel
