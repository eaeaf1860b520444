#include "net/unix/unix_socket.h"

#include "fs/file.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::net::unix_domain {

namespace {

// net.core.somaxconn: where listen() clamps a backlog.
constexpr size_t max_backlog = 4096;
// A stream send moves at most this much per message, as Linux's skbs (sk_sndbuf / 2 - 64,
// and no more than 64 KiB).
constexpr size_t max_stream_piece = 64 * 1024;

// Copies `length` bytes from `source` into the buffers, `offset` bytes past their offset.
void scatter(const Buffers& buffers, size_t offset, const uint8_t* source, size_t length) {
    offset += buffers.offset;
    for (size_t i = 0; i < buffers.count && length; ++i) {
        const IoVector& vector = buffers.vectors[i];
        if (offset >= vector.length) {
            offset -= vector.length;
            continue;
        }
        size_t piece = min<size_t>(vector.length - offset, length);
        memcpy(reinterpret_cast<uint8_t*>(vector.base) + offset, source, piece);
        source += piece;
        length -= piece;
        offset = 0;
    }
}

// Copies `length` bytes out of the buffers, `offset` bytes past their offset.
void gather(const Buffers& buffers, size_t offset, uint8_t* destination, size_t length) {
    offset += buffers.offset;
    for (size_t i = 0; i < buffers.count && length; ++i) {
        const IoVector& vector = buffers.vectors[i];
        if (offset >= vector.length) {
            offset -= vector.length;
            continue;
        }
        size_t piece = min<size_t>(vector.length - offset, length);
        memcpy(destination, reinterpret_cast<const uint8_t*>(vector.base) + offset, piece);
        destination += piece;
        length -= piece;
        offset = 0;
    }
}

uint32_t next_autobind_number;

constexpr uint32_t poll_write_band = 0x200; // EPOLLWRBAND, which unix_poll reports with EPOLLOUT

} // namespace

IntrusiveList<Socket, &Socket::m_all_node>& Socket::all_sockets() {
    static IntrusiveList<Socket, &Socket::m_all_node> list;
    return list;
}

Socket* Socket::socket_of(File* file) {
    for (Socket& socket : all_sockets())
        if (file && socket.m_file == file)
            return &socket;
    return nullptr;
}

// The files queued on this socket, and on the connections waiting in its listen queue.
template <typename Visit> void Socket::visit_queued_files(Visit visit) {
    auto visit_queue = [&](Socket& socket) {
        for (Message& message : socket.m_queue.messages())
            for (size_t i = 0; i < message.rights.count(); ++i)
                if (File* file = message.rights.at(i))
                    visit(file);
    };
    visit_queue(*this);
    for (Socket& pending : m_pending)
        visit_queue(pending);
}

Message* Socket::first_message_with_files() {
    auto search = [](Socket& socket) -> Message* {
        for (Message& message : socket.m_queue.messages())
            if (!message.rights.is_empty())
                return &message;
        return nullptr;
    };
    if (Message* found = search(*this))
        return found;
    for (Socket& pending : m_pending)
        if (Message* found = search(pending))
            return found;
    return nullptr;
}

void Socket::collect_unreachable() {
    static bool collecting;
    if (collecting)
        return; // the files it releases close sockets, which ask again
    collecting = true;
    // How many of each socket's file references are messages in flight.
    for (Socket& socket : all_sockets()) {
        socket.m_collector_in_flight = 0;
        socket.m_collector_reachable = false;
    }
    for (Socket& socket : all_sockets())
        socket.visit_queued_files([](File* file) {
            if (Socket* passed = socket_of(file))
                ++passed->m_collector_in_flight;
        });
    // Reachable: a file that something else holds (a descriptor, a call), and whatever is
    // queued on a reachable socket. A socket without a file has an empty queue.
    for (Socket& socket : all_sockets())
        socket.m_collector_reachable =
            socket.m_file && socket.m_file->reference_count() > socket.m_collector_in_flight;
    for (bool grew = true; grew;) {
        grew = false;
        for (Socket& socket : all_sockets()) {
            if (!socket.m_collector_reachable)
                continue;
            socket.visit_queued_files([&](File* file) {
                Socket* passed = socket_of(file);
                if (passed && !passed->m_collector_reachable) {
                    passed->m_collector_reachable = true;
                    grew = true;
                }
            });
        }
    }
    // The rest is garbage: its queued files go, one message at a time, since each release may
    // close sockets and change the lists.
    for (;;) {
        FileRights taken;
        for (Socket& socket : all_sockets()) {
            if (socket.m_collector_reachable || !socket.m_file)
                continue;
            if (Message* message = socket.first_message_with_files()) {
                taken = move(message->rights);
                break;
            }
        }
        if (taken.is_empty())
            break;
        taken.clear();
    }
    collecting = false;
}

Socket::BoundList& Socket::bound_sockets() {
    static BoundList list;
    return list;
}

RefPtr<Socket> Socket::create(SocketType type, const Credentials& owner) {
    return RefPtr<Socket>::adopt(new Socket(type, owner));
}

Socket::Socket(SocketType type, const Credentials& owner) : m_type(type), m_owner(owner) {
    m_peer_observer.notify = peer_changed;
    m_peer_observer.context = this;
    all_sockets().append(*this);
}

Socket::~Socket() {
    // Normally close() ran already (the file's end, or a listener letting a pending
    // connection go); a socket that never had a file ends the same way.
    release(false);
    IntrusiveList<Socket, &Socket::m_all_node>::remove(*this);
}

void Socket::peer_changed(ReadinessObserver& self, uint32_t) {
    auto& socket = *static_cast<Socket*>(self.context);
    socket.m_readiness.notify(socket.poll_events());
}

void Socket::changed() {
    m_readiness.notify(poll_events());
    m_space.notify(0);
}

void Socket::set_peer(Socket* peer) {
    Readiness::unsubscribe(m_peer_observer);
    m_peer = peer;
    if (peer)
        peer->m_space.subscribe(m_peer_observer);
}

void Socket::free_message(Message& message) {
    if (Socket* sender = message.sender) {
        sender->m_in_flight -= message.charge;
        sender->changed();
        sender->unref();
    }
    delete &message;
}

void Socket::drop_queue() {
    while (Message* message = m_queue.first()) {
        m_queue.remove(*message);
        free_message(*message);
    }
    while (Socket* pending = m_pending.take_first()) {
        --m_pending_count;
        pending->release(true);
        pending->unref();
    }
}

void Socket::close() {
    release(false);
}

// Linux's unix_release_sock: a connection's peer can neither send nor receive any more, and
// learns of a reset when this socket leaves bytes unread or was never accepted.
void Socket::release(bool embryo) {
    if (m_closed)
        return;
    m_closed = true;
    if (m_name_node.is_linked())
        BoundList::remove(*this);
    m_inode.clear();
    RefPtr<Socket> peer = m_peer;
    set_peer(nullptr);
    if (peer && is_connection_oriented()) {
        peer->m_shutdown = shut_receive | shut_send;
        if (!m_queue.is_empty() || embryo)
            peer->m_error = static_cast<int>(ECONNRESET);
        peer->changed();
    }
    drop_queue();
    m_state = State::Unconnected;
    m_shutdown = shut_receive | shut_send;
    changed();
}

ErrorOr<void> Socket::bind(const UnixAddress& address) {
    if (m_address.is_named() || m_closed)
        return EINVAL;
    if (!find(address, m_type).is_error())
        return EADDRINUSE;
    m_address = address;
    bound_sockets().append(*this);
    return {};
}

ErrorOr<void> Socket::bind_path(const UnixAddress& address, RefPtr<vfs::Inode> inode) {
    if (m_address.is_named() || m_closed)
        return EINVAL;
    m_address = address;
    m_inode = move(inode);
    bound_sockets().append(*this);
    return {};
}

ErrorOr<void> Socket::autobind() {
    if (m_address.is_named())
        return {};
    // Linux tries each of the 2^20 names once before it gives up.
    for (uint32_t tries = 0; tries < (1u << 20); ++tries) {
        UnixAddress name = autobind_name(next_autobind_number);
        next_autobind_number = (next_autobind_number + 1) & 0xfffff;
        if (!bind(name).is_error())
            return {};
    }
    return ENOSPC;
}

ErrorOr<Socket*> Socket::find(const UnixAddress& abstract, SocketType type) {
    for (Socket& socket : bound_sockets())
        if (!socket.m_inode && socket.m_type == type && socket.m_address == abstract)
            return &socket;
    return ECONNREFUSED;
}

ErrorOr<Socket*> Socket::find(const vfs::Inode& inode, SocketType type) {
    for (Socket& socket : bound_sockets()) {
        if (socket.m_inode.get() != &inode)
            continue;
        if (socket.m_type != type)
            return EPROTOTYPE;
        return &socket;
    }
    return ECONNREFUSED;
}

ErrorOr<UnixAddress> Socket::peer_address() const {
    if (!m_peer)
        return ENOTCONN;
    return m_peer->m_address;
}

ErrorOr<void> Socket::listen(int backlog) {
    if (!is_connection_oriented())
        return ENOTSUP;
    if (!m_address.is_named() || m_state == State::Connected)
        return EINVAL;
    m_backlog = backlog < 0 ? max_backlog : min<size_t>(static_cast<size_t>(backlog), max_backlog);
    if (m_state != State::Listening) {
        m_state = State::Listening;
        m_peer_credentials = m_owner; // Linux's init_peercred at listen
    }
    // A larger backlog may let a waiting connect in.
    changed();
    return {};
}

ErrorOr<void> Socket::connect(Socket& listener) {
    if (listener.m_state != State::Listening || listener.m_closed ||
        (listener.m_shutdown & shut_receive))
        return ECONNREFUSED;
    if (listener.m_pending_count > listener.m_backlog)
        return EAGAIN;
    if (m_state == State::Connected)
        return EISCONN;
    if (m_state != State::Unconnected || m_closed)
        return EINVAL;
    if (m_pass_credentials)
        TRY(autobind());
    RefPtr<Socket> embryo = create(m_type, listener.m_owner);
    if (!embryo)
        return ENOMEM;
    embryo->m_address = listener.m_address;
    embryo->m_send_buffer = listener.m_send_buffer;
    embryo->m_receive_buffer = listener.m_receive_buffer;
    embryo->m_pass_credentials = listener.m_pass_credentials;
    embryo->m_state = State::Connected;
    embryo->m_peer_credentials = m_owner;
    embryo->set_peer(this);
    m_state = State::Connected;
    m_peer_credentials = listener.m_peer_credentials;
    set_peer(embryo.get());
    listener.m_pending.append(*embryo.leak()); // the queue's reference
    ++listener.m_pending_count;
    listener.changed();
    changed();
    return {};
}

ErrorOr<void> Socket::connect_datagram(Socket& peer) {
    if (m_pass_credentials)
        TRY(autobind());
    if (peer.m_peer && peer.m_peer.get() != this)
        return EPERM;
    set_peer(&peer);
    m_state = State::Connected;
    changed();
    return {};
}

void Socket::disconnect() {
    set_peer(nullptr);
    m_state = State::Unconnected;
    changed();
}

void Socket::pair(Socket& first, Socket& second) {
    first.set_peer(&second);
    second.set_peer(&first);
    first.m_state = second.m_state = State::Connected;
    first.m_peer_credentials = first.m_owner;
    second.m_peer_credentials = second.m_owner;
}

ErrorOr<RefPtr<Socket>> Socket::accept() {
    if (!is_connection_oriented())
        return ENOTSUP;
    if (m_state != State::Listening)
        return EINVAL;
    Socket* pending = m_pending.take_first();
    if (!pending)
        return EAGAIN;
    --m_pending_count;
    changed();
    return RefPtr<Socket>::adopt(pending);
}

ErrorOr<void> Socket::shutdown(int how) {
    if (how < 0 || how > 2)
        return EINVAL;
    int mode = how + 1; // SHUT_RD -> RCV_SHUTDOWN, SHUT_WR -> SEND_SHUTDOWN
    m_shutdown |= mode;
    if (m_peer && is_connection_oriented() && !m_peer->m_closed) {
        int peer_mode = 0;
        if (mode & shut_receive)
            peer_mode |= shut_send;
        if (mode & shut_send)
            peer_mode |= shut_receive;
        m_peer->m_shutdown |= peer_mode;
        m_peer->changed();
    }
    changed();
    return {};
}

int Socket::take_error() {
    int error = m_error;
    m_error = 0;
    return error;
}

ErrorOr<size_t> Socket::readable_bytes() const {
    if (m_state == State::Listening)
        return EINVAL;
    if (m_type == SocketType::Datagram) {
        auto* first = const_cast<MessageQueue&>(m_queue).first();
        return first ? first->length : 0;
    }
    return m_queue.unread_bytes();
}

void Socket::set_send_buffer(size_t bytes) {
    m_send_buffer = bytes;
    changed();
}

// unix_writable: at most a quarter of the send buffer in flight, and never a listener.
bool Socket::is_writable() const {
    return m_state != State::Listening && m_in_flight * 4 <= m_send_buffer;
}

// unix_recvq_full: a datagram receiver not connected back to its sender takes at most
// max_dgram_qlen (+1, as Linux compares) messages.
bool Socket::queue_full_for(const Socket& sender) const {
    return this != &sender && m_peer.get() != &sender && m_queue.count() > max_datagram_queue;
}

uint32_t Socket::poll_events() const {
    uint32_t events = 0;
    if (m_error)
        events |= poll_event::error;
    if (m_shutdown == (shut_receive | shut_send))
        events |= poll_event::hang_up;
    if (m_shutdown & shut_receive)
        events |= poll_event::read_hang_up | poll_event::in | poll_event::read_normal;
    if (!m_queue.is_empty() || !m_pending.is_empty())
        events |= poll_event::in | poll_event::read_normal;
    if (is_connection_oriented() && m_state == State::Unconnected)
        events |= poll_event::hang_up;
    bool writable = is_writable();
    // unix_dgram_poll: a connected datagram socket whose peer's queue is full cannot send.
    if (writable && m_type != SocketType::Stream && m_peer && m_peer->queue_full_for(*this))
        writable = false;
    if (writable)
        events |= poll_event::out | poll_event::write_normal | poll_write_band;
    return events;
}

ErrorOr<Message*> Socket::build_message(const Outgoing& outgoing, size_t offset, size_t length) {
    Message* message = Message::create(length);
    if (!message)
        return ENOMEM;
    gather(outgoing.data, offset, message->data, length);
    message->credentials = outgoing.credentials;
    if (outgoing.rights)
        message->rights = move(*outgoing.rights);
    message->charge = length + message_overhead;
    message->sender = this;
    ref();
    m_in_flight += message->charge;
    return message;
}

void Socket::deliver(Message& message) {
    m_queue.append(message);
    changed();
}

ErrorOr<size_t> Socket::send(const Outgoing& outgoing, Socket* destination) {
    if (m_type == SocketType::Stream)
        return send_stream(outgoing);
    return send_datagram(outgoing, destination);
}

// unix_stream_sendmsg: pieces of at most half the send buffer, each charged to this socket
// until read; EPIPE once either side has shut the direction down.
ErrorOr<size_t> Socket::send_stream(const Outgoing& outgoing) {
    if (!m_peer)
        return ENOTCONN;
    if (m_shutdown & shut_send)
        return EPIPE;
    // Nothing to send queues nothing, files included, as Linux's loop.
    size_t sent = 0;
    while (sent < outgoing.data.remaining()) {
        Socket& peer = *m_peer;
        if (peer.m_closed || (peer.m_shutdown & shut_receive))
            return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(EPIPE);
        if (m_in_flight >= m_send_buffer)
            return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(EAGAIN);
        size_t piece_limit = min(max_stream_piece, m_send_buffer / 2 - 64);
        size_t piece = min(outgoing.data.remaining() - sent, piece_limit);
        auto message = build_message(outgoing, sent, piece);
        if (message.is_error())
            return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(message.error());
        peer.deliver(*message.value());
        sent += piece;
    }
    return sent;
}

// unix_dgram_sendmsg (and seqpacket's, which only adds the connection).
ErrorOr<size_t> Socket::send_datagram(const Outgoing& outgoing, Socket* destination) {
    if (m_type == SocketType::SeqPacket) {
        if (int error = take_error())
            return static_cast<Errno>(error);
        if (m_state != State::Connected)
            return ENOTCONN;
        destination = nullptr;
    }
    Socket* other = destination ? destination : m_peer.get();
    if (!other)
        return ENOTCONN;
    if (m_pass_credentials)
        TRY(autobind());
    size_t length = outgoing.data.remaining();
    if (length > m_send_buffer - 32)
        return EMSGSIZE;
    if (m_in_flight >= m_send_buffer)
        return EAGAIN;
    if (other->m_peer && other->m_peer.get() != this)
        return EPERM;
    if (other->m_closed) {
        if (m_type == SocketType::SeqPacket)
            return EPIPE;
        if (other == m_peer.get()) {
            set_peer(nullptr);
            m_state = State::Unconnected;
        }
        return ECONNREFUSED;
    }
    if (other->m_shutdown & shut_receive)
        return EPIPE;
    if (other->queue_full_for(*this))
        return EAGAIN;
    Message* message = TRY(build_message(outgoing, 0, length));
    other->deliver(*message);
    return length;
}

ErrorOr<Receipt> Socket::receive(const Buffers& buffers, int flags) {
    if (m_type == SocketType::Stream)
        return receive_stream(buffers, flags);
    return receive_datagram(buffers, flags);
}

// unix_stream_read_generic: bytes across messages, stopping after one that carried files (they
// go with the bytes read) and, with SO_PASSCRED, at a change of sender credentials.
ErrorOr<Receipt> Socket::receive_stream(const Buffers& buffers, int flags) {
    if (m_state != State::Connected)
        return EINVAL;
    bool peek = flags & receive_flag::peek;
    size_t total = buffers.remaining();
    Receipt receipt;
    // Linux answers an empty read at once when bytes wait, and as any read when none do.
    if (total == 0 && !m_queue.is_empty())
        return receipt;
    bool first = true;
    bool consumed = false;
    for (Message& message : m_queue.messages()) {
        if (total == 0 || receipt.copied == total)
            break;
        if (first)
            receipt.credentials = message.credentials;
        else if (m_pass_credentials && !(message.credentials == receipt.credentials))
            break;
        first = false;
        size_t chunk = min(message.unread(), total - receipt.copied);
        scatter(buffers, receipt.copied, message.data + message.consumed, chunk);
        receipt.copied += chunk;
        bool carried_rights = !message.rights.is_empty();
        if (peek) {
            if (carried_rights) {
                receipt.rights = TRY(message.rights.duplicate());
                break;
            }
            continue;
        }
        if (carried_rights)
            receipt.rights = move(message.rights);
        m_queue.consume(message, chunk);
        consumed = true;
        if (message.unread())
            break;
        m_queue.remove(message);
        free_message(message);
        if (carried_rights)
            break;
    }
    receipt.full_length = receipt.copied;
    if (consumed)
        changed();
    if (receipt.copied)
        return receipt;
    if (int error = take_error())
        return static_cast<Errno>(error);
    if (m_shutdown & shut_receive) {
        receipt.end_of_file = true;
        return receipt;
    }
    return EAGAIN;
}

// unix_dgram_recvmsg: one message, the part that does not fit lost (MSG_TRUNC tells).
ErrorOr<Receipt> Socket::receive_datagram(const Buffers& buffers, int flags) {
    if (m_type == SocketType::SeqPacket && m_state != State::Connected)
        return ENOTCONN;
    Message* message = m_queue.first();
    Receipt receipt;
    if (!message) {
        if (int error = take_error())
            return static_cast<Errno>(error);
        if (m_shutdown & shut_receive) {
            receipt.end_of_file = true;
            return receipt;
        }
        return EAGAIN;
    }
    receipt.copied = min(buffers.remaining(), message->length);
    receipt.full_length = message->length;
    scatter(buffers, 0, message->data, receipt.copied);
    if (message->sender)
        receipt.from = message->sender->m_address;
    receipt.credentials = message->credentials;
    if (flags & receive_flag::peek) {
        receipt.rights = TRY(message->rights.duplicate());
        return receipt;
    }
    receipt.rights = move(message->rights);
    m_queue.remove(*message);
    free_message(*message);
    changed();
    return receipt;
}

} // namespace kernel::net::unix_domain
