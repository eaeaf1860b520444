#include "kernel/kernel_test_support.h"

#include "fs/file.h"
#include "net/unix/unix_socket.h"

namespace {

using kernel::File;
using kernel::IoVector;
using kernel::RefPtr;
using namespace kernel::net::unix_domain;
namespace poll_event = kernel::poll_event;

const Credentials self{1, 0, 0};

// A file passed with SCM_RIGHTS: counts its references and notes when the last goes.
class CountedFile final : public File {
public:
    explicit CountedFile(bool& destroyed) : m_destroyed(destroyed) {}
    ~CountedFile() override { m_destroyed = true; }
    kernel::FileKind kind() const override { return kernel::FileKind::Pipe; }
    uint32_t access_mode() const override { return kernel::o_rdwr; }
    uint32_t poll_events() override { return 0; }
    kernel::ErrorOr<size_t> read(uint64_t, size_t) override { return kernel::EINVAL; }
    kernel::ErrorOr<size_t> write(uint64_t, size_t) override { return kernel::EINVAL; }
    kernel::ErrorOr<void> stat(kernel::LinuxStat&) override { return kernel::EINVAL; }
    kernel::ErrorOr<long> ioctl(uint32_t, uint64_t) override { return kernel::ENOTTY; }
    size_t describe(char*, size_t) override { return 0; }

private:
    bool& m_destroyed;
};

// A socket as its file holds it: closed when the test lets it go.
struct Held {
    explicit Held(SocketType type) : socket(Socket::create(type, self)) {}
    explicit Held(RefPtr<Socket> taken) : socket(std::move(taken)) {}
    ~Held() {
        if (socket)
            socket->close();
    }
    Held(Held&&) = default;
    Socket* operator->() const { return socket.get(); }
    Socket& operator*() const { return *socket; }
    RefPtr<Socket> socket;
};

UnixAddress abstract(const std::string& name) {
    UnixAddress address;
    address.kind = UnixAddress::Kind::Abstract;
    address.name_length = name.size();
    std::memcpy(address.name, name.data(), name.size());
    return address;
}

kernel::ErrorOr<size_t> send_text(Socket& socket, const std::string& text,
                                  Socket* destination = nullptr, FileRights* rights = nullptr) {
    IoVector vector{reinterpret_cast<uint64_t>(text.data()), text.size()};
    Outgoing outgoing{{&vector, 1, text.size(), 0}, self, rights};
    return socket.send(outgoing, destination);
}

struct Received {
    int error = 0;
    std::string text;
    Receipt receipt;
};

Received receive_text(Socket& socket, size_t capacity, int flags = 0) {
    std::string buffer(capacity, '\0');
    IoVector vector{reinterpret_cast<uint64_t>(buffer.data()), capacity};
    auto result = socket.receive({&vector, 1, capacity, 0}, flags);
    Received received;
    if (result.is_error()) {
        received.error = static_cast<int>(result.error().code());
        return received;
    }
    received.receipt = result.release_value();
    received.text = buffer.substr(0, received.receipt.copied);
    return received;
}

std::pair<Held, Held> stream_pair(SocketType type = SocketType::Stream) {
    Held first(type), second(type);
    Socket::pair(*first, *second);
    return {std::move(first), std::move(second)};
}

TEST(UnixSocket, StreamPairCarriesBytesBothWaysAcrossSends) {
    auto [a, b] = stream_pair();
    ASSERT_EQ(kernel_test::value_of(send_text(*a, "hello ")), 6u);
    ASSERT_EQ(kernel_test::value_of(send_text(*a, "world")), 5u);
    EXPECT_EQ(kernel_test::value_of(b->readable_bytes()), 11u);
    EXPECT_TRUE(b->poll_events() & poll_event::in);
    EXPECT_EQ(receive_text(*b, 8).text, "hello wo");
    EXPECT_EQ(receive_text(*b, 8).text, "rld");
    EXPECT_EQ(receive_text(*b, 8).error, kernel::EAGAIN);
    ASSERT_OK(send_text(*b, "back"));
    EXPECT_EQ(receive_text(*a, 100).text, "back");
}

TEST(UnixSocket, PeekLeavesTheBytes) {
    auto [a, b] = stream_pair();
    ASSERT_OK(send_text(*a, "abc"));
    EXPECT_EQ(receive_text(*b, 10, receive_flag::peek).text, "abc");
    EXPECT_EQ(receive_text(*b, 10).text, "abc");
}

TEST(UnixSocket, StreamCloseGivesEndOfFileAndEpipe) {
    auto [a, b] = stream_pair();
    ASSERT_OK(send_text(*a, "last"));
    a->close();
    EXPECT_EQ(receive_text(*b, 10).text, "last");
    Received end = receive_text(*b, 10);
    EXPECT_EQ(end.error, 0);
    EXPECT_TRUE(end.receipt.end_of_file);
    EXPECT_ERRNO(send_text(*b, "x"), EPIPE);
    EXPECT_TRUE(b->poll_events() & poll_event::hang_up);
}

TEST(UnixSocket, ClosingWithUnreadBytesResetsThePeer) {
    auto [a, b] = stream_pair();
    ASSERT_OK(send_text(*b, "never read"));
    a->close();
    EXPECT_TRUE(b->poll_events() & poll_event::error);
    EXPECT_EQ(receive_text(*b, 10).error, kernel::ECONNRESET);
    EXPECT_TRUE(receive_text(*b, 10).receipt.end_of_file);
}

TEST(UnixSocket, ShutdownWriteEndsThePeersReading) {
    auto [a, b] = stream_pair();
    ASSERT_OK(a->shutdown(1));
    EXPECT_ERRNO(send_text(*a, "x"), EPIPE);
    EXPECT_TRUE(receive_text(*b, 4).receipt.end_of_file);
    EXPECT_TRUE(b->poll_events() & poll_event::read_hang_up);
    ASSERT_OK(send_text(*b, "still"));
    EXPECT_EQ(receive_text(*a, 10).text, "still");
    EXPECT_ERRNO(a->shutdown(3), EINVAL);
}

TEST(UnixSocket, StreamSendStopsAtTheSendBufferAndResumesAfterReading) {
    auto [a, b] = stream_pair();
    std::string chunk(4096, 'x');
    size_t sent = 0;
    for (;;) {
        auto result = send_text(*a, chunk);
        if (result.is_error()) {
            EXPECT_EQ(kernel_test::error_of(result), kernel::EAGAIN);
            break;
        }
        sent += result.value();
        ASSERT_LT(sent, 4 * default_buffer);
    }
    EXPECT_GT(sent, default_buffer / 2);
    EXPECT_FALSE(a->poll_events() & poll_event::out);
    while (b->readable_bytes().value())
        receive_text(*b, 65536);
    EXPECT_TRUE(a->poll_events() & poll_event::out);
    ASSERT_OK(send_text(*a, chunk));
}

TEST(UnixSocket, ResumedBuffersContinueWhereTheLastCallStopped) {
    auto [a, b] = stream_pair();
    std::string text = "0123456789";
    IoVector halves[2] = {{reinterpret_cast<uint64_t>(text.data()), 4},
                          {reinterpret_cast<uint64_t>(text.data() + 4), 6}};
    Outgoing outgoing{{halves, 2, 10, 6}, self, nullptr};
    EXPECT_EQ(kernel_test::value_of(a->send(outgoing, nullptr)), 4u);
    std::string into(10, '.');
    IoVector whole{reinterpret_cast<uint64_t>(into.data()), 10};
    Receipt receipt = kernel_test::value_of(b->receive({&whole, 1, 10, 7}, 0));
    EXPECT_EQ(receipt.copied, 3u);
    EXPECT_EQ(into, ".......678");
    ASSERT_OK(send_text(*a, "x"));
    // An empty read returns at once when bytes wait, and waits (EAGAIN) as any read otherwise.
    Receipt empty = kernel_test::value_of(b->receive({&whole, 1, 10, 10}, 0));
    EXPECT_EQ(empty.copied, 0u);
    EXPECT_FALSE(empty.end_of_file);
    receive_text(*b, 10);
    EXPECT_ERRNO(b->receive({&whole, 1, 10, 10}, 0), EAGAIN);
}

TEST(UnixSocket, UnconnectedStreamReportsAndRefuses) {
    Held s(SocketType::Stream);
    EXPECT_EQ(s->poll_events() & poll_event::hang_up, poll_event::hang_up);
    EXPECT_ERRNO(send_text(*s, "x"), ENOTCONN);
    EXPECT_EQ(receive_text(*s, 1).error, kernel::EINVAL);
    EXPECT_ERRNO(s->listen(1), EINVAL); // not bound
    EXPECT_ERRNO(s->peer_address(), ENOTCONN);
    EXPECT_EQ(s->peer_credentials().uid, ~0u);
}

TEST(UnixSocket, ListenConnectAcceptOverAnAbstractName) {
    Held server(SocketType::Stream), client(SocketType::Stream);
    ASSERT_OK(server->bind(abstract("srv")));
    ASSERT_OK(server->listen(4));
    EXPECT_ERRNO(client->connect(*client), ECONNREFUSED); // not listening
    Socket* found = kernel_test::value_of(Socket::find(abstract("srv"), SocketType::Stream));
    EXPECT_EQ(found, server.socket.get());
    EXPECT_ERRNO(Socket::find(abstract("srv"), SocketType::Datagram), ECONNREFUSED);
    EXPECT_ERRNO(Socket::find(abstract("sr"), SocketType::Stream), ECONNREFUSED);
    ASSERT_OK(client->connect(*found));
    EXPECT_ERRNO(client->connect(*found), EISCONN);
    EXPECT_TRUE(server->poll_events() & poll_event::in);
    // Bytes flow before accept.
    ASSERT_OK(send_text(*client, "early"));
    Held accepted(kernel_test::value_of(server->accept()));
    ASSERT_TRUE(accepted.socket);
    EXPECT_EQ(server->accept().is_error(), true);
    EXPECT_EQ(receive_text(*accepted, 10).text, "early");
    EXPECT_TRUE(accepted->local_address() == abstract("srv"));
    EXPECT_TRUE(kernel_test::value_of(client->peer_address()) == abstract("srv"));
    EXPECT_FALSE(kernel_test::value_of(accepted->peer_address()).is_named());
    EXPECT_EQ(client->peer_credentials(), self);
    EXPECT_EQ(accepted->peer_credentials(), self);
}

TEST(UnixSocket, BacklogFullGivesEagainUntilAccepted) {
    Held server(SocketType::SeqPacket);
    ASSERT_OK(server->bind(abstract("backlog")));
    ASSERT_OK(server->listen(0));
    Held first(SocketType::SeqPacket), second(SocketType::SeqPacket);
    ASSERT_OK(first->connect(*server)); // backlog 0 admits one, as Linux's > comparison
    EXPECT_ERRNO(second->connect(*server), EAGAIN);
    Held accepted(kernel_test::value_of(server->accept()));
    ASSERT_OK(second->connect(*server));
}

TEST(UnixSocket, ClosingAListenerResetsConnectionsNeverAccepted) {
    Held client(SocketType::Stream);
    {
        Held server(SocketType::Stream);
        ASSERT_OK(server->bind(abstract("gone")));
        ASSERT_OK(server->listen(5));
        ASSERT_OK(client->connect(*server));
    }
    EXPECT_EQ(receive_text(*client, 4).error, kernel::ECONNRESET);
    EXPECT_ERRNO(send_text(*client, "x"), EPIPE);
    // The name went with it.
    EXPECT_ERRNO(Socket::find(abstract("gone"), SocketType::Stream), ECONNREFUSED);
}

TEST(UnixSocket, AbstractNamesAreTakenOnceAndTheirLengthCounts) {
    Held a(SocketType::Datagram), b(SocketType::Datagram), c(SocketType::Datagram);
    ASSERT_OK(a->bind(abstract("name")));
    EXPECT_ERRNO(b->bind(abstract("name")), EADDRINUSE);
    ASSERT_OK(b->bind(abstract(std::string("name\0", 5))));
    EXPECT_ERRNO(a->bind(abstract("other")), EINVAL);
    ASSERT_OK(c->autobind());
    EXPECT_EQ(c->local_address().name_length, 5u);
    ASSERT_OK(c->autobind()); // already bound: nothing to do
}

TEST(UnixSocket, DatagramsKeepBoundariesAndTruncate) {
    Held a(SocketType::Datagram), b(SocketType::Datagram);
    ASSERT_OK(a->bind(abstract("dgram-a")));
    ASSERT_OK(b->bind(abstract("dgram-b")));
    ASSERT_OK(send_text(*a, "first message", b.socket.get()));
    ASSERT_OK(send_text(*a, "second", b.socket.get()));
    EXPECT_EQ(kernel_test::value_of(b->readable_bytes()), 13u);
    Received one = receive_text(*b, 5);
    EXPECT_EQ(one.text, "first");
    EXPECT_EQ(one.receipt.full_length, 13u);
    EXPECT_TRUE(one.receipt.from == abstract("dgram-a"));
    EXPECT_EQ(receive_text(*b, 100).text, "second");
    EXPECT_EQ(receive_text(*b, 100).error, kernel::EAGAIN);
    EXPECT_ERRNO(send_text(*a, "x"), ENOTCONN);
}

TEST(UnixSocket, DatagramReceiverQueueFillsForStrangers) {
    Held receiver(SocketType::Datagram), sender(SocketType::Datagram);
    size_t queued = 0;
    while (!send_text(*sender, "d", receiver.socket.get()).is_error())
        ++queued;
    EXPECT_EQ(queued, max_datagram_queue + 1);
    EXPECT_ERRNO(send_text(*sender, "d", receiver.socket.get()), EAGAIN);
    ASSERT_OK(sender->connect_datagram(*receiver));
    EXPECT_FALSE(sender->poll_events() & poll_event::out);
    receive_text(*receiver, 1);
    EXPECT_TRUE(sender->poll_events() & poll_event::out);
}

TEST(UnixSocket, DatagramPeerGoneRefusesThenDisconnects) {
    Held a(SocketType::Datagram);
    {
        Held b(SocketType::Datagram);
        ASSERT_OK(a->connect_datagram(*b));
        ASSERT_OK(send_text(*a, "ok"));
    }
    EXPECT_ERRNO(send_text(*a, "x"), ECONNREFUSED);
    EXPECT_ERRNO(send_text(*a, "x"), ENOTCONN);
}

TEST(UnixSocket, DatagramToASocketConnectedElsewhereIsRefused) {
    Held a(SocketType::Datagram), b(SocketType::Datagram), c(SocketType::Datagram);
    ASSERT_OK(b->connect_datagram(*c));
    EXPECT_ERRNO(send_text(*a, "x", b.socket.get()), EPERM);
    EXPECT_ERRNO(a->connect_datagram(*b), EPERM);
    std::string big(default_buffer, 'x');
    EXPECT_ERRNO(send_text(*a, big, c.socket.get()), EMSGSIZE);
}

TEST(UnixSocket, SeqpacketKeepsBoundariesAndEndsWithZero) {
    auto [a, b] = stream_pair(SocketType::SeqPacket);
    ASSERT_OK(send_text(*a, "one"));
    ASSERT_OK(send_text(*a, "two"));
    EXPECT_EQ(receive_text(*b, 100).text, "one");
    Received cut = receive_text(*b, 1);
    EXPECT_EQ(cut.text, "t");
    EXPECT_EQ(cut.receipt.full_length, 3u);
    a->close();
    EXPECT_TRUE(receive_text(*b, 10).receipt.end_of_file);
    EXPECT_ERRNO(send_text(*b, "x"), EPIPE);
    Held lone(SocketType::SeqPacket);
    EXPECT_ERRNO(send_text(*lone, "x"), ENOTCONN);
    EXPECT_EQ(receive_text(*lone, 1).error, kernel::ENOTCONN);
    EXPECT_ERRNO(lone->accept(), EINVAL);
    Held datagram(SocketType::Datagram);
    EXPECT_ERRNO(datagram->listen(1), ENOTSUP);
    EXPECT_ERRNO(datagram->accept(), ENOTSUP);
}

TEST(UnixSocket, RightsTravelWithTheirMessageAndAreKeptInFlight) {
    bool destroyed = false;
    auto* file = new CountedFile(destroyed);
    auto [a, b] = stream_pair();
    {
        FileRights rights = kernel_test::value_of(FileRights::with_capacity(1));
        rights.add(*file);
        ASSERT_OK(send_text(*a, "fd", nullptr, &rights));
        EXPECT_TRUE(rights.is_empty());
    }
    ASSERT_OK(send_text(*a, "more"));
    file->release(); // the sender closes its descriptor: the message keeps the file
    EXPECT_FALSE(destroyed);
    Received peeked = receive_text(*b, 100, receive_flag::peek);
    EXPECT_EQ(peeked.text, "fd"); // reading stops after the message that carried files
    EXPECT_EQ(peeked.receipt.rights.count(), 1u);
    peeked.receipt.rights.clear();
    EXPECT_FALSE(destroyed);
    Received got = receive_text(*b, 100);
    EXPECT_EQ(got.text, "fd");
    ASSERT_EQ(got.receipt.rights.count(), 1u);
    File* received = got.receipt.rights.take(0);
    EXPECT_EQ(received, file);
    EXPECT_EQ(receive_text(*b, 100).text, "more");
    received->release();
    EXPECT_TRUE(destroyed);
}

TEST(UnixSocket, RightsNeverReceivedAreClosedWithTheQueue) {
    bool destroyed = false;
    auto* file = new CountedFile(destroyed);
    Held a(SocketType::Datagram), b(SocketType::Datagram);
    FileRights rights = kernel_test::value_of(FileRights::with_capacity(1));
    rights.add(*file);
    file->release();
    ASSERT_OK(send_text(*a, "x", b.socket.get(), &rights));
    EXPECT_FALSE(destroyed);
    b->close();
    EXPECT_TRUE(destroyed);
}

// A socket's file, as fs/unix_socket_file does it: closing it closes the socket and collects.
class SocketFileStandIn final : public File {
public:
    SocketFileStandIn(SocketType type, bool& destroyed)
        : socket(Socket::create(type, self)), m_destroyed(destroyed) {
        socket->set_file(this);
    }
    ~SocketFileStandIn() override {
        socket->set_file(nullptr);
        socket->close();
        m_destroyed = true;
        Socket::collect_unreachable();
    }
    kernel::FileKind kind() const override { return kernel::FileKind::UnixSocket; }
    uint32_t access_mode() const override { return kernel::o_rdwr; }
    uint32_t poll_events() override { return 0; }
    kernel::ErrorOr<size_t> read(uint64_t, size_t) override { return kernel::EINVAL; }
    kernel::ErrorOr<size_t> write(uint64_t, size_t) override { return kernel::EINVAL; }
    kernel::ErrorOr<void> stat(kernel::LinuxStat&) override { return kernel::EINVAL; }
    kernel::ErrorOr<long> ioctl(uint32_t, uint64_t) override { return kernel::ENOTTY; }
    size_t describe(char*, size_t) override { return 0; }

    RefPtr<Socket> socket;

private:
    bool& m_destroyed;
};

kernel::ErrorOr<size_t> send_file(Socket& from, File& file) {
    FileRights rights = kernel_test::value_of(FileRights::with_capacity(1));
    rights.add(file);
    return send_text(from, "f", nullptr, &rights);
}

TEST(UnixSocket, SocketsReachableOnlyThroughTheirOwnQueuesAreCollected) {
    bool first_gone = false, second_gone = false;
    auto* first = new SocketFileStandIn(SocketType::Stream, first_gone);
    auto* second = new SocketFileStandIn(SocketType::Stream, second_gone);
    Socket::pair(*first->socket, *second->socket);
    // Each end sent over the other, into its own queue: after both descriptors close, only
    // the messages hold the files.
    ASSERT_OK(send_file(*second->socket, *first));
    ASSERT_OK(send_file(*first->socket, *second));
    first->release();
    second->release();
    EXPECT_FALSE(first_gone); // each still in flight: nothing was closed yet
    EXPECT_FALSE(second_gone);
    // As Linux's, a collection runs when some socket's file goes.
    bool bystander_gone = false;
    (new SocketFileStandIn(SocketType::Datagram, bystander_gone))->release();
    EXPECT_TRUE(first_gone);
    EXPECT_TRUE(second_gone);
}

TEST(UnixSocket, FilesInFlightToAnOpenSocketAreNotCollected) {
    bool passed_gone = false, receiver_gone = false, other_gone = false;
    auto* passed = new SocketFileStandIn(SocketType::Datagram, passed_gone);
    auto* receiver = new SocketFileStandIn(SocketType::Datagram, receiver_gone);
    auto* other = new SocketFileStandIn(SocketType::Datagram, other_gone);
    FileRights rights = kernel_test::value_of(FileRights::with_capacity(1));
    rights.add(*passed);
    ASSERT_OK(send_text(*other->socket, "f", receiver->socket.get(), &rights));
    passed->release();
    other->release(); // a collection runs: receiver is open, so what it holds stays
    EXPECT_TRUE(other_gone);
    EXPECT_FALSE(passed_gone);
    Received got = receive_text(*receiver->socket, 4);
    ASSERT_EQ(got.receipt.rights.count(), 1u);
    got.receipt.rights.clear();
    EXPECT_TRUE(passed_gone);
    receiver->release();
}

TEST(UnixSocket, CredentialsGoWithEveryMessage) {
    auto [a, b] = stream_pair(SocketType::Datagram);
    ASSERT_OK(send_text(*a, "c"));
    EXPECT_EQ(receive_text(*b, 1).receipt.credentials, self);
    Held lone(SocketType::Datagram), target(SocketType::Datagram);
    lone->set_passes_credentials(true);
    ASSERT_OK(lone->connect_datagram(*target)); // SO_PASSCRED autobinds
    EXPECT_TRUE(lone->local_address().is_named());
    EXPECT_ERRNO(lone->connect_datagram(*b), EPERM); // b is a's
}

TEST(UnixSocket, BindPathNamesTheInodesSocket) {
    struct FakeInode final : kernel::vfs::Inode {
        kernel::vfs::FileSystem& file_system() override { std::abort(); }
        kernel::vfs::NodeType type() const override { return kernel::vfs::NodeType::Socket; }
        kernel::ErrorOr<void> attributes(kernel::vfs::Attributes&) override { return {}; }
    };
    auto inode = RefPtr<kernel::vfs::Inode>::adopt(new FakeInode);
    Held server(SocketType::Stream), other(SocketType::Stream);
    UnixAddress path;
    path.kind = UnixAddress::Kind::Path;
    path.name_length = 5;
    std::memcpy(path.name, "/sock", 5);
    ASSERT_OK(server->bind_path(path, inode));
    EXPECT_ERRNO(server->bind_path(path, inode), EINVAL);
    EXPECT_EQ(kernel_test::value_of(Socket::find(*inode, SocketType::Stream)), server.socket.get());
    EXPECT_ERRNO(Socket::find(*inode, SocketType::Datagram), EPROTOTYPE);
    // The name is not abstract.
    EXPECT_ERRNO(Socket::find(path, SocketType::Stream), ECONNREFUSED);
    server->close();
    EXPECT_ERRNO(Socket::find(*inode, SocketType::Stream), ECONNREFUSED);
    EXPECT_EQ(inode->reference_count(), 1u); // the socket let its inode go
}

} // namespace
