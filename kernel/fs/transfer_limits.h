// Linux's limits on what one read or write moves (fs/read_write.c, lib/iov_iter.c): the
// buffer must lie in user space (access_ok, else EFAULT), a transfer is clamped to
// MAX_RW_COUNT bytes, and each struct iovec length must fit in ssize_t (else EINVAL).
#pragma once

#include "lib/error_or.h"

#include <ingot/abi/memory_layout.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel {

struct IoVector {
    uint64_t base;
    uint64_t length;
};

// MAX_RW_COUNT: INT_MAX rounded down to a page.
inline constexpr uint64_t max_transfer = 0x7ffff000;
// x86-64's TASK_SIZE_MAX: the last byte access_ok() accepts is just below it.
inline constexpr uint64_t user_address_limit =
    ::ingot::abi::user_space_end - ::ingot::abi::page_size;

// access_ok(): [address, address + length) ends at or below the top of user space.
bool within_user_space(uint64_t address, uint64_t length);

// How much of `count` bytes at `buffer` a read or write moves: EFAULT outside user space,
// otherwise at most max_transfer.
ErrorOr<size_t> transfer_length(uint64_t buffer, uint64_t count);

// Checks a readv/writev vector array as import_iovec() does: EINVAL when a length does not fit
// in ssize_t (before anything else), EFAULT when a buffer is outside user space; then clamps
// the lengths so that they add up to at most max_transfer. Returns that total.
ErrorOr<size_t> limit_io_vectors(IoVector* vectors, size_t count);

} // namespace kernel
