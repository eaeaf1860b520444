// The 9P2000.L client: one call per message, one request in flight at a time (kernel code is
// not preempted, and every transport waits for its response). It owns the fid numbers: each
// fid is allocated by the caller that walks or attaches it and given back when clunked. The
// server's answers are checked as strictly as any other input: a response with the wrong tag,
// type or size, or a count beyond what was asked, is EIO; Rlerror carries Linux's errno.
#pragma once

#include "fs/p9/transport.h"
#include "fs/p9/wire.h"
#include "lib/error_or.h"
#include "lib/string_view.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::p9 {

class Client {
public:
    explicit Client(Transport& transport) : m_transport(transport) {}
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Tversion, then Tattach of the server's export: the root's fid and qid.
    ErrorOr<uint32_t> connect(Qid& root);
    uint32_t message_size() const { return m_message_size; }

    // A fid number not in use; ENFILE when all are.
    ErrorOr<uint32_t> allocate_fid();
    // A number whose walk or attach failed (9P: the new fid is then not created).
    void release_fid(uint32_t fid);
    // Tclunk, and the number is free again (even when the server refuses: the fid is gone).
    void clunk(uint32_t fid);

    // Twalk of `fid` to `new_fid` by one name, or by none (a clone of `fid`).
    ErrorOr<Qid> walk(uint32_t fid, uint32_t new_fid, const StringView* name);
    ErrorOr<Attributes> get_attributes(uint32_t fid);
    ErrorOr<void> set_attributes(uint32_t fid, const AttributeChange& change);
    ErrorOr<FileSystemStatistics> statistics(uint32_t fid);
    // Tlopen: the fid is open with Linux open(2) `flags` from now on.
    ErrorOr<Qid> open(uint32_t fid, uint32_t flags);
    // Tlcreate: `fid`, a directory, becomes the new file, open with `flags`.
    ErrorOr<Qid> create(uint32_t fid, StringView name, uint32_t flags, uint32_t mode);
    ErrorOr<Qid> make_directory(uint32_t directory, StringView name, uint32_t mode);
    ErrorOr<Qid> make_symlink(uint32_t directory, StringView name, StringView target);
    ErrorOr<Qid> make_node(uint32_t directory, StringView name, uint32_t mode, uint32_t major,
                           uint32_t minor);
    // The target, copied into `buffer` (at most `capacity` bytes): its length.
    ErrorOr<size_t> read_link(uint32_t fid, char* buffer, size_t capacity);
    ErrorOr<void> link(uint32_t directory, uint32_t target, StringView name);
    ErrorOr<void> rename(uint32_t old_directory, StringView old_name, uint32_t new_directory,
                         StringView new_name);
    ErrorOr<void> unlink(uint32_t directory, StringView name, uint32_t flags);
    ErrorOr<void> fsync(uint32_t fid);

    // Tread of at most `count` bytes: the data, inside the response buffer (valid until the
    // next call).
    ErrorOr<Bytes> read(uint32_t fid, uint64_t offset, uint32_t count);
    // Twrite of `count` bytes that `fill` copies to the destination it is given: how many the
    // server took.
    template <typename Fill>
    ErrorOr<uint32_t> write(uint32_t fid, uint64_t offset, uint32_t count, Fill fill) {
        Writer& writer = start(MessageType::Twrite);
        writer.u32(fid);
        writer.u64(offset);
        writer.u32(count);
        uint8_t* data = writer.reserve(count);
        if (!data)
            return EINVAL;
        TRY(fill(data));
        Reader reader = TRY(transact(MessageType::Rwrite));
        uint32_t written = reader.u32();
        if (!reader.finished() || written > count)
            return EIO;
        return written;
    }
    // Treaddir: the records, inside the response buffer (valid until the next call).
    ErrorOr<Bytes> read_directory(uint32_t fid, uint64_t offset, uint32_t count);

    // Most data a Tread or Twrite carries in one message.
    uint32_t read_limit() const { return m_message_size - read_overhead; }
    uint32_t write_limit() const { return m_message_size - write_overhead; }

private:
    static constexpr uint16_t tag = 1;
    static constexpr uint32_t fid_count = 1u << 16;

    Writer& start(MessageType type, uint16_t message_tag = tag);
    // Sends what start() began; the response's fields when it is `expected`.
    ErrorOr<Reader> transact(MessageType expected);
    ErrorOr<Qid> qid_reply(MessageType expected);
    ErrorOr<void> empty_reply(MessageType expected);

    Transport& m_transport;
    uint32_t m_message_size = minimum_message_size;
    Writer m_writer{nullptr, 0};
    uint64_t m_fids_in_use[fid_count / 64] = {};
    uint32_t m_next_fid = 0;
};

} // namespace kernel::p9
