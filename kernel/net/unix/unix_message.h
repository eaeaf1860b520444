// What AF_UNIX sockets queue for each other: messages carrying bytes, the sender's credentials
// (SCM_CREDENTIALS) and open files (SCM_RIGHTS). A datagram or seqpacket message is read whole;
// a stream's messages are read across, the bytes of one partly consumed (man 7 unix).
#pragma once

#include "lib/error_or.h"
#include "lib/intrusive_list.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {
class File;
}

namespace kernel::net::unix_domain {

class Socket;

// struct ucred.
struct Credentials {
    int32_t pid = 0;
    uint32_t uid = 0;
    uint32_t gid = 0;
    bool operator==(const Credentials&) const = default;
};
static_assert(sizeof(Credentials) == 12);

// SCM_MAX_FD: the most files one message may carry.
inline constexpr size_t max_rights = 253;

// Files in flight: one reference each, kept until the receiver takes them or the message is
// dropped (Linux keeps passed files open while in flight, and closes those never received).
class FileRights {
public:
    FileRights() = default;
    ~FileRights() { clear(); }
    FileRights(FileRights&& other) : m_files(other.m_files), m_count(other.m_count) {
        other.m_files = nullptr;
        other.m_count = 0;
    }
    FileRights& operator=(FileRights&& other);
    FileRights(const FileRights&) = delete;
    FileRights& operator=(const FileRights&) = delete;

    // Room for `count` files, each set by add(); ENOMEM.
    static ErrorOr<FileRights> with_capacity(size_t count);
    // Takes a reference on `file`.
    void add(File& file);
    // Another reference on each (MSG_PEEK leaves the message's own); ENOMEM.
    ErrorOr<FileRights> duplicate() const;
    size_t count() const { return m_count; }
    bool is_empty() const { return m_count == 0; }
    File* at(size_t index) const { return m_files[index]; }
    // Hands the reference on file `index` to the caller.
    File* take(size_t index);
    void clear();

private:
    File** m_files = nullptr;
    size_t m_count = 0;
    size_t m_capacity = 0;
};

struct Message {
    Message() = default;
    ~Message() { delete[] data; }
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;

    // A message of `length` bytes (not yet filled); null when memory is short.
    static Message* create(size_t length);
    size_t unread() const { return length - consumed; }

    ListNode node;
    uint8_t* data = nullptr;
    size_t length = 0;
    size_t consumed = 0; // stream: bytes already read
    // What the sender is charged while the message waits (its SO_SNDBUF accounting).
    size_t charge = 0;
    Socket* sender = nullptr; // the socket that sent it; its owner manages the reference
    Credentials credentials;
    FileRights rights;
};

// Messages in arrival order, with their unread bytes counted.
class MessageQueue {
public:
    MessageQueue() = default;
    MessageQueue(const MessageQueue&) = delete;
    MessageQueue& operator=(const MessageQueue&) = delete;

    bool is_empty() const { return m_count == 0; }
    size_t count() const { return m_count; }
    size_t unread_bytes() const { return m_unread; }
    Message* first() { return m_messages.first(); }
    IntrusiveList<Message, &Message::node>& messages() { return m_messages; }

    void append(Message& message);
    void remove(Message& message);
    // Marks `bytes` of `message` read (a stream's partial read).
    void consume(Message& message, size_t bytes);

private:
    IntrusiveList<Message, &Message::node> m_messages;
    size_t m_count = 0;
    size_t m_unread = 0;
};

} // namespace kernel::net::unix_domain
