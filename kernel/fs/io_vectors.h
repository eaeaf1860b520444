// The buffers of readv/writev and sendmsg/recvmsg (struct iovec), copied in from the program
// and each checked against its address space, so the calls can use them directly.
#pragma once

#include "fs/transfer_limits.h"
#include "lib/error_or.h"
#include "mm/address_space.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {

inline constexpr size_t max_io_vectors = 1024; // UIO_MAXIOV

struct IoVectors {
    IoVectors() = default;
    IoVectors(const IoVectors&) = delete;
    IoVectors& operator=(const IoVectors&) = delete;
    ~IoVectors();

    IoVector* vectors = nullptr;
    size_t count = 0;
    size_t total = 0; // bytes in all of them, at most max_transfer
};

// `count` buffers from `user_vectors`, for `access`, checked and clamped as limit_io_vectors()
// does, then each checked against the address space (EFAULT); ENOMEM. The caller checks
// `count` against max_io_vectors (whose error differs between calls).
ErrorOr<void> read_io_vectors(uint64_t user_vectors, size_t count, Access access, IoVectors& out);

} // namespace kernel
