// pipe(2): a reading and a writing file over one shared buffer. Reads see end of file once
// every writer is gone; writes fail with EPIPE once every reader is. A FIFO (mkfifo(3)) is the
// same pipe, shared by every open of its node while any is open (fifo(7)).
#pragma once

#include "fs/file.h"

namespace kernel {

inline constexpr size_t pipe_capacity = 64 * 1024;
// Writes up to this size are atomic: never interleaved with another writer's bytes.
inline constexpr size_t pipe_atomic_write = 4096;

struct PipeEnds {
    File* reader;
    File* writer;
};

// Both ends, each holding one reference; ENOMEM.
ErrorOr<PipeEnds> create_pipe();

// open(2) of a FIFO node with `flags`: the end asked for (one reference). A blocking open
// waits for the other end (O_RDWR never waits); O_WRONLY|O_NONBLOCK with no reader is ENXIO;
// EINTR when a signal comes first.
ErrorOr<File*> open_fifo(vfs::Inode& inode, uint32_t flags);

} // namespace kernel
