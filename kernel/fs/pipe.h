// pipe(2): a reading and a writing file over one shared buffer. Reads see end of file once
// every writer is gone; writes fail with EPIPE once every reader is.
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

} // namespace kernel
