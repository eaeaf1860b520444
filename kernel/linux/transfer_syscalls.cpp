// Copies between files inside the kernel: sendfile(2) and copy_file_range(2), from a regular
// file to a regular file, and sendfile from a regular file to a socket, a pipe or the console
// (what web servers use it for).
#include "fs/fd_table.h"
#include "fs/inode_file.h"
#include "fs/transfer_limits.h"
#include "linux/socket_calls.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

#include <ingot/abi/memory_layout.h>

namespace kernel {

namespace {

constexpr size_t bounce_size = 16384;

struct Bounce {
    uint8_t* bytes = new uint8_t[bounce_size];
    ~Bounce() { delete[] bytes; }
};

// What copy_file_range and sendfile accept as a source or a destination: an open regular file
// (EBADF when not open for that, `directory` for a directory, EINVAL for anything else).
ErrorOr<InodeFile*> regular_file(File& file, bool writing, Errno directory = EISDIR) {
    if (file.kind() != FileKind::Inode)
        return EINVAL;
    auto& inode_file = static_cast<InodeFile&>(file);
    if (writing ? !inode_file.is_writable() : !inode_file.is_readable())
        return EBADF;
    vfs::NodeType type = inode_file.inode()->type();
    if (type == vfs::NodeType::Directory)
        return directory;
    if (type != vfs::NodeType::Regular)
        return EINVAL;
    return &inode_file;
}

// Up to `length` bytes from `source` at `from` to `destination` at `to`: the count copied,
// short at the source's end, or when the destination fills after some bytes went.
ErrorOr<size_t> copy_range(InodeFile& source, uint64_t from, InodeFile& destination, uint64_t to,
                           size_t length) {
    Bounce bounce;
    if (!bounce.bytes)
        return ENOMEM;
    size_t done = 0;
    while (done < length) {
        size_t chunk = min(length - done, bounce_size);
        size_t got = TRY(source.read_at(from + done, vfs::IoBuffer::kernel(bounce.bytes), chunk));
        if (got == 0)
            break;
        auto put = destination.write_at(to + done, vfs::IoBuffer::kernel(bounce.bytes), got);
        if (put.is_error()) {
            if (done)
                break;
            return put.error();
        }
        done += put.value();
        if (put.value() < got)
            break;
    }
    return done;
}

// The most one sendfile to a stream moves: what a socket's send buffer takes at once.
constexpr size_t stream_chunk = 256 * 1024;

// sendfile to a TCP socket, the web server's case: the socket takes kernel memory, so the bytes
// pass through a kernel bounce buffer a piece at a time, and a non-blocking socket stops the
// loop as soon as it takes less than a piece. (Going through a fresh mapping in the program's
// space instead, as for the other streams, costs 64 frames allocated, zeroed, mapped and
// unmapped on every call, ~9 ms on hvt, however little the socket then takes: nginx served a
// 1 MiB file at 8 MB/s that way.) Only what the socket took is consumed from the source; an
// error after some bytes went returns the count. A blocking socket takes all of `length`, as
// Linux's sendfile does, unless a signal comes.
ErrorOr<size_t> send_to_socket(InodeFile& source, uint64_t from, File& destination, size_t length) {
    Bounce bounce;
    if (!bounce.bytes)
        return ENOMEM;
    size_t done = 0;
    while (done < length) {
        size_t chunk = min(length - done, bounce_size);
        auto got = source.read_at(from + done, vfs::IoBuffer::kernel(bounce.bytes), chunk);
        if (got.is_error())
            return done ? ErrorOr<size_t>(done) : got.error();
        if (got.value() == 0)
            break;
        auto sent = socket_calls(destination)->send_stream(destination, bounce.bytes, got.value());
        if (sent.is_error())
            return done ? ErrorOr<size_t>(done) : sent.error();
        done += sent.value();
        if (sent.value() < got.value())
            break;
    }
    return done;
}

// sendfile to a datagram socket, a pipe, an AF_UNIX socket or the console: those files take
// their bytes from the program's memory only (their write() is the write syscall's), so the
// bytes pass through a mapping made for the call in the program's address space, as if the
// program had read and written them itself. Only what the destination took is consumed from
// the source.
ErrorOr<size_t> send_to_stream(InodeFile& source, uint64_t from, File& destination, size_t length) {
    length = min(length, stream_chunk);
    if (length == 0)
        return static_cast<size_t>(0);
    auto& space = user_address_space();
    uint64_t size = align_up(length, abi::page_size);
    uint64_t staging = TRY(space.map_anonymous(0, size, protection::read | protection::write,
                                               Placement::Anywhere, RegionKind::Anonymous));
    auto sent = [&]() -> ErrorOr<size_t> {
        size_t got = TRY(source.read_at(from, vfs::IoBuffer::user(staging), length));
        if (got == 0)
            return got;
        return destination.write(staging, got);
    }();
    (void)space.unmap(staging, size);
    return sent;
}

ErrorOr<uint64_t> read_offset(UserPointer offset) {
    auto value = TRY(read_user<int64_t>(offset.address));
    if (value < 0)
        return EINVAL;
    return static_cast<uint64_t>(value);
}

} // namespace

ErrorOr<long> sys_sendfile(int out_fd, int in_fd, UserPointer offset, size_t count) {
    auto input = TRY(fd_table::get_reference(in_fd));
    auto output = TRY(fd_table::get_reference(out_fd));
    // sendfile(2): EINVAL for a directory, which cannot be read as a stream of bytes.
    InodeFile* source = TRY(regular_file(*input, false, EINVAL));
    if (!(output->access_mode() == o_wronly || output->access_mode() == o_rdwr))
        return EBADF;
    uint64_t from = offset ? TRY(read_offset(offset)) : source->position();
    size_t length = min<size_t>(count, max_transfer);
    size_t copied;
    if (output->kind() == FileKind::Inode) {
        InodeFile* destination = TRY(regular_file(*output, true));
        if (destination->status_flags() & o_append)
            return EINVAL;
        copied = TRY(copy_range(*source, from, *destination, destination->position(), length));
        destination->set_position(destination->position() + copied);
    } else if (socket_calls(*output) && socket_calls(*output)->is_stream(*output)) {
        copied = TRY(send_to_socket(*source, from, *output, length));
    } else {
        copied = TRY(send_to_stream(*source, from, *output, length));
    }
    if (offset)
        TRY(write_user(offset.address, static_cast<int64_t>(from + copied)));
    else
        source->set_position(from + copied);
    return static_cast<long>(copied);
}

ErrorOr<long> sys_copy_file_range(int in_fd, UserPointer in_offset, int out_fd,
                                  UserPointer out_offset, size_t length, unsigned flags) {
    auto input = TRY(fd_table::get_reference(in_fd));
    auto output = TRY(fd_table::get_reference(out_fd));
    if (flags != 0)
        return EINVAL;
    InodeFile* source = TRY(regular_file(*input, false));
    InodeFile* destination = TRY(regular_file(*output, true));
    if (destination->status_flags() & o_append)
        return EBADF;
    uint64_t from = in_offset ? TRY(read_offset(in_offset)) : source->position();
    uint64_t to = out_offset ? TRY(read_offset(out_offset)) : destination->position();
    length = min<size_t>(length, max_transfer);
    // The same file: the ranges must not overlap (copy_file_range(2)).
    uint64_t from_end, to_end;
    if (!range_end(from, length, from_end) || !range_end(to, length, to_end))
        return EOVERFLOW;
    if (source->inode() == destination->inode() && from < to_end && to < from_end)
        return EINVAL;
    size_t copied = TRY(copy_range(*source, from, *destination, to, length));
    if (in_offset)
        TRY(write_user(in_offset.address, static_cast<int64_t>(from + copied)));
    else
        source->set_position(from + copied);
    if (out_offset)
        TRY(write_user(out_offset.address, static_cast<int64_t>(to + copied)));
    else
        destination->set_position(to + copied);
    return static_cast<long>(copied);
}

} // namespace kernel
