#include "fs/io_vectors.h"

#include "mm/kmalloc.h"
#include "mm/user_memory.h"

namespace kernel {

IoVectors::~IoVectors() {
    kfree(vectors);
}

ErrorOr<void> read_io_vectors(uint64_t user_vectors, size_t count, Access access, IoVectors& out) {
    out.count = count;
    if (!count)
        return {};
    out.vectors = static_cast<IoVector*>(kmalloc(count * sizeof(IoVector)));
    if (!out.vectors)
        return ENOMEM;
    TRY(copy_from_user(out.vectors, user_vectors, count * sizeof(IoVector)));
    out.total = TRY(limit_io_vectors(out.vectors, count));
    for (size_t i = 0; i < count; ++i)
        TRY(user_range(out.vectors[i].base, out.vectors[i].length, access));
    return {};
}

} // namespace kernel
