#include "fs/transfer_limits.h"

#include "lib/utility.h"

namespace kernel {

bool within_user_space(uint64_t address, uint64_t length) {
    uint64_t end;
    return range_end(address, length, end) && end <= user_address_limit;
}

ErrorOr<size_t> transfer_length(uint64_t buffer, uint64_t count) {
    if (!within_user_space(buffer, count))
        return EFAULT;
    return min(count, max_transfer);
}

ErrorOr<size_t> limit_io_vectors(IoVector* vectors, size_t count) {
    for (size_t i = 0; i < count; ++i) {
        if (vectors[i].length > static_cast<uint64_t>(INT64_MAX))
            return EINVAL;
    }
    size_t total = 0;
    for (size_t i = 0; i < count; ++i) {
        if (!within_user_space(vectors[i].base, vectors[i].length))
            return EFAULT;
        vectors[i].length = min(vectors[i].length, max_transfer - total);
        total += vectors[i].length;
    }
    return total;
}

} // namespace kernel
