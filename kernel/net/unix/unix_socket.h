// An AF_UNIX socket (man 7 unix), as Linux's net/unix/af_unix.c behaves: stream, datagram and
// seqpacket; names in the file system or abstract; connections queued on a listener until
// accepted; credentials and open files carried with the bytes.
//
// Every operation is non-blocking: EAGAIN where Linux would wait, so that the file layer
// (fs/unix_socket_file.h) decides whether to wait, on readiness() and on the readiness of the
// socket it waits for. A socket lives while referenced: by its file, by a peer connected to it,
// by a listener's queue, by a message it sent that is not yet read.
#pragma once

#include "fs/transfer_limits.h"
#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/intrusive_list.h"
#include "lib/ref_counted.h"
#include "net/unix/unix_address.h"
#include "net/unix/unix_message.h"
#include "sched/readiness.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel {
class File;
}

namespace kernel::net::unix_domain {

enum class SocketType { Stream = 1, Datagram = 2, SeqPacket = 5 }; // SOCK_*

// Linux's defaults: net.core.wmem_default and net.unix.max_dgram_qlen.
inline constexpr size_t default_buffer = 212992;
inline constexpr size_t max_datagram_queue = 10;
// What a queued message costs its sender beyond its bytes: Linux charges an skb's true size,
// so that many small messages exhaust SO_SNDBUF too.
inline constexpr size_t message_overhead = 512;

namespace receive_flag {
inline constexpr int peek = 0x2;       // MSG_PEEK
inline constexpr int wait_all = 0x100; // MSG_WAITALL (streams)
} // namespace receive_flag

// The program's buffers (checked and addressable), from `offset` bytes in: a blocking call
// resumes where its last attempt stopped.
struct Buffers {
    const IoVector* vectors = nullptr;
    size_t count = 0;
    size_t total = 0; // bytes in all of them
    size_t offset = 0;
    size_t remaining() const { return total - offset; }
};

// What send() takes: the bytes, the credentials to carry and the files to pass, moved into
// the first message queued.
struct Outgoing {
    Buffers data;
    Credentials credentials;
    FileRights* rights = nullptr;
};

struct Receipt {
    size_t copied = 0;        // bytes written to the buffers
    size_t full_length = 0;   // a datagram's whole length (MSG_TRUNC); a stream's: as copied
    bool end_of_file = false; // nothing was read because no more can come
    UnixAddress from;         // the sender's name (datagrams)
    Credentials credentials;  // the sender's, of the first message read
    FileRights rights;        // files passed with what was read
};

class Socket : public RefCounted<Socket> {
public:
    // Null when memory is short. `owner`: the creating program's credentials.
    static RefPtr<Socket> create(SocketType type, const Credentials& owner);
    ~Socket();

    SocketType type() const { return m_type; }
    // The file whose socket this is (null before and after): what SCM_RIGHTS passes.
    void set_file(File* file) { m_file = file; }

    // Linux's unix_gc: files in flight whose only references are messages queued on sockets
    // that themselves are reachable only through such messages (a socket sent over itself and
    // closed) would never be released; their queued files are. Run when a socket's file goes.
    static void collect_unreachable();
    bool is_connection_oriented() const { return m_type != SocketType::Datagram; }
    bool is_listening() const { return m_state == State::Listening; }
    bool is_connected() const { return m_state == State::Connected; }

    // Its file is gone (close): unbinds, tells the peer, drops what it had queued and the
    // connections no one accepted.
    void close();

    // Binds an abstract name: EINVAL when already bound, EADDRINUSE when taken.
    ErrorOr<void> bind(const UnixAddress& address);
    // Binds a path whose socket inode the caller created; EINVAL when already bound.
    ErrorOr<void> bind_path(const UnixAddress& address, RefPtr<vfs::Inode> inode);
    // bind with the family alone, and what connect/send do for SO_PASSCRED: an unused abstract
    // name of five hex digits; nothing when already bound.
    ErrorOr<void> autobind();
    // The socket bound to an abstract name (of this type: Linux hashes the type in), or to a
    // path's inode: ECONNREFUSED when none, EPROTOTYPE when of another type (paths).
    static ErrorOr<Socket*> find(const UnixAddress& abstract, SocketType type);
    static ErrorOr<Socket*> find(const vfs::Inode& inode, SocketType type);

    const UnixAddress& local_address() const { return m_address; }
    ErrorOr<UnixAddress> peer_address() const; // ENOTCONN

    // EOPNOTSUPP for datagrams, EINVAL when unbound or connected. A negative or larger
    // backlog is taken as net.core.somaxconn, as Linux does.
    ErrorOr<void> listen(int backlog);
    // A stream or seqpacket connection queued on `listener` (connected at once, as Linux: data
    // may flow before accept): ECONNREFUSED when it is not listening, EAGAIN while its backlog
    // is full, EISCONN/EINVAL for this socket's state, ENOMEM.
    ErrorOr<void> connect(Socket& listener);
    // A datagram socket's default destination: EPERM when `peer` is connected elsewhere.
    ErrorOr<void> connect_datagram(Socket& peer);
    // connect with AF_UNSPEC.
    void disconnect();
    // socketpair: the two connected to each other.
    static void pair(Socket& first, Socket& second);
    // EOPNOTSUPP for datagrams, EINVAL when not listening, EAGAIN when none is waiting.
    ErrorOr<RefPtr<Socket>> accept();
    // SHUT_RD, SHUT_WR, SHUT_RDWR (EINVAL otherwise); a connection's peer learns of it.
    ErrorOr<void> shutdown(int how);

    // Queues the bytes for the peer, or for `destination` (a datagram's sendto): how many
    // were queued (a stream may take part), EAGAIN when none fit; EPIPE (the caller raises
    // SIGPIPE for streams), ENOTCONN, ECONNREFUSED, EPERM, EMSGSIZE, ENOMEM.
    ErrorOr<size_t> send(const Outgoing& outgoing, Socket* destination);
    // Reads into the buffers: a stream across messages, a datagram one whole (the rest lost
    // unless peeking). EAGAIN when nothing is there yet; ECONNRESET; EINVAL/ENOTCONN when
    // not connected (streams, seqpackets).
    ErrorOr<Receipt> receive(const Buffers& buffers, int flags);

    uint32_t poll_events() const;
    // Tells the socket's file (its threads, poll and epoll) of every change.
    Readiness& readiness() { return m_readiness; }
    // Tells those who wait to send to or connect to this socket (it read, accepted or closed).
    Readiness& space_readiness() { return m_space; }

    // SO_PEERCRED: the peer's credentials when connected, else pid 0 and uid/gid -1.
    Credentials peer_credentials() const { return m_peer_credentials; }
    // SO_ERROR: the pending error, cleared.
    int take_error();
    // FIONREAD: a stream's unread bytes, a datagram socket's next datagram's; EINVAL when
    // listening.
    ErrorOr<size_t> readable_bytes() const;

    bool passes_credentials() const { return m_pass_credentials; }
    void set_passes_credentials(bool on) { m_pass_credentials = on; }
    size_t send_buffer() const { return m_send_buffer; }
    void set_send_buffer(size_t bytes);
    size_t receive_buffer() const { return m_receive_buffer; }
    void set_receive_buffer(size_t bytes) { m_receive_buffer = bytes; }

private:
    enum class State { Unconnected, Listening, Connected };
    static constexpr int shut_receive = 1, shut_send = 2; // RCV_SHUTDOWN, SEND_SHUTDOWN

    Socket(SocketType type, const Credentials& owner);
    void changed();
    void set_peer(Socket* peer);
    bool is_writable() const;
    bool queue_full_for(const Socket& sender) const;
    void free_message(Message& message);
    void drop_queue();
    void release(bool embryo);
    ErrorOr<size_t> send_stream(const Outgoing& outgoing);
    ErrorOr<size_t> send_datagram(const Outgoing& outgoing, Socket* destination);
    ErrorOr<Message*> build_message(const Outgoing& outgoing, size_t offset, size_t length);
    void deliver(Message& message);
    ErrorOr<Receipt> receive_stream(const Buffers& buffers, int flags);
    ErrorOr<Receipt> receive_datagram(const Buffers& buffers, int flags);
    static void peer_changed(ReadinessObserver& self, uint32_t events);

    SocketType m_type;
    File* m_file = nullptr;
    State m_state = State::Unconnected;
    bool m_closed = false;
    int m_shutdown = 0;
    int m_error = 0;
    Credentials m_owner;
    Credentials m_peer_credentials{0, ~0u, ~0u};

    UnixAddress m_address;
    RefPtr<vfs::Inode> m_inode; // the socket file a path name created
    ListNode m_name_node;       // in the table of bound sockets

    RefPtr<Socket> m_peer;
    // On the peer's space readiness: its reading makes room for this socket's sends.
    ReadinessObserver m_peer_observer;

    MessageQueue m_queue;
    size_t m_in_flight = 0; // charges of this socket's messages not yet read
    size_t m_send_buffer = default_buffer;
    size_t m_receive_buffer = default_buffer;
    bool m_pass_credentials = false;

    // A listener's connections, waiting for accept (each holds a reference).
    ListNode m_pending_node;
    IntrusiveList<Socket, &Socket::m_pending_node> m_pending;
    size_t m_pending_count = 0;
    size_t m_backlog = 0;

    Readiness m_readiness;
    Readiness m_space;

    // Every socket, for collect_unreachable(), and its marks.
    ListNode m_all_node;
    size_t m_collector_in_flight = 0;
    bool m_collector_reachable = false;
    static IntrusiveList<Socket, &Socket::m_all_node>& all_sockets();
    static Socket* socket_of(File* file);
    template <typename Visit> void visit_queued_files(Visit visit);
    Message* first_message_with_files();

    using BoundList = IntrusiveList<Socket, &Socket::m_name_node>;
    static BoundList& bound_sockets();
};

} // namespace kernel::net::unix_domain
