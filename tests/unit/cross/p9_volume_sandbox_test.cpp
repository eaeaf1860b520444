// The hvt monitor's vCPU thread serves volumes under its seccomp allowlist: every operation the
// guest's client makes, through the real server, in a forked child with the vCPU thread's
// filter and the volume server's calls installed for real. A call missing from the allowlist
// would end the child with the sandbox's status and name the call.
#include "sandbox/allowlists.h"
#include "sandbox/syscall_filter.h"
#include "vmm/volume/p9_server.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "kernel/kernel_test_support.h"

#include "fs/p9/p9_file_system.h"

namespace {

namespace p9 = kernel::p9;
namespace vfs = kernel::vfs;

class ServerTransport final : public p9::Transport {
public:
    explicit ServerTransport(ingot::P9Server& server) : m_server(server) {}
    uint32_t message_size() const override { return 64 * 1024; }
    uint8_t* request_buffer() override { return m_request; }
    uint8_t* response_buffer() override { return m_response; }
    kernel::ErrorOr<size_t> exchange(size_t length) override {
        return m_server.serve(m_request, length, m_response, sizeof m_response);
    }

private:
    ingot::P9Server& m_server;
    uint8_t m_request[64 * 1024];
    uint8_t m_response[64 * 1024];
};

class Count final : public vfs::DirectoryVisitor {
public:
    bool visit(const vfs::DirectoryEntry&) override { return ++entries, true; }
    int entries = 0;
};

// Each step's failure exits with its own status, so the parent can say which one.
int exercise(vfs::Inode& root, uid_t user) {
    auto file = root.create("file", vfs::NodeType::Regular, 0644, 0);
    if (file.is_error())
        return 10;
    const char text[] = "sealed";
    if (file.value()->write(0, vfs::IoBuffer::kernel(text), 6).is_error())
        return 11;
    if (file.value()->sync().is_error())
        return 12;
    char buffer[8];
    auto again = root.lookup("file");
    if (again.is_error() || again.value()->read(0, vfs::IoBuffer::kernel(buffer), 8).is_error())
        return 13;
    vfs::AttributeChange change;
    change.fields = vfs::AttributeChange::Mode | vfs::AttributeChange::Size |
                    vfs::AttributeChange::ModifyTime | vfs::AttributeChange::Uid;
    change.mode = 0600;
    change.size = 2;
    change.uid = user; // chown to oneself: allowed without privileges
    if (again.value()->change_attributes(change).is_error())
        return 14;
    vfs::Attributes attributes;
    if (again.value()->attributes(attributes).is_error() || attributes.size != 2)
        return 15;
    auto directory = root.create("dir", vfs::NodeType::Directory, 0755, 0);
    if (directory.is_error())
        return 16;
    auto link = directory.value()->create_symlink("link", "../file");
    char target[16];
    if (link.is_error() || link.value()->read_link(target, sizeof target).is_error())
        return 17;
    if (directory.value()->link("hard", *again.value()).is_error())
        return 18;
    if (root.create("fifo", vfs::NodeType::Fifo, 0600, 0).is_error())
        return 19;
    if (directory.value()->rename("hard", root, "moved", 0).is_error())
        return 20;
    Count count;
    uint64_t cookie = 0;
    if (root.read_directory(cookie, count).is_error() || count.entries < 5)
        return 21;
    if (root.remove("moved", false).is_error() ||
        directory.value()->remove("link", false).is_error() || root.remove("dir", true).is_error())
        return 22;
    vfs::FileSystemStatistics statistics;
    if (root.file_system().statistics(statistics).is_error())
        return 23;
    return 0;
}

TEST(P9VolumeSandbox, TheServerWorksUnderTheVcpuThreadsAllowlist) {
    char pattern[] = "/tmp/ingot-p9-sandbox-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    int errors[2];
    ASSERT_EQ(::pipe(errors), 0);
    pid_t child = ::fork();
    if (child == 0) {
        ::dup2(errors[1], 2);
        uid_t user = ::getuid();
        int root = ::open(pattern, O_PATH | O_DIRECTORY | O_CLOEXEC);
        ingot::P9Server server(root, false);
        auto* transport = new ServerTransport(server);
        try {
            ingot::SyscallFilter filter;
            ingot::allow_vcpu_thread_calls(filter);
            ingot::allow_volume_server_calls(filter);
#if defined(__SANITIZE_ADDRESS__)
            // The sanitizer runtime's, not the monitor's: its alternate signal stack, and the
            // pipe UBSan's vptr check probes memory through before it reads a vtable.
            filter.allow("sigaltstack");
            filter.allow("pipe2");
#endif
            filter.install();
        } catch (...) {
            ::_exit(99);
        }
        auto connected = p9::P9FileSystem::connect(*transport, false);
        if (connected.is_error())
            ::_exit(9);
        ::_exit(exercise(*connected.value()->root(), user));
    }
    ::close(errors[1]);
    std::string output;
    char buffer[512];
    for (ssize_t n; (n = ::read(errors[0], buffer, sizeof buffer)) > 0;)
        output.append(buffer, static_cast<size_t>(n));
    ::close(errors[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    std::filesystem::remove_all(pattern);
    ASSERT_TRUE(WIFEXITED(status)) << output;
    EXPECT_EQ(WEXITSTATUS(status), 0) << output;
}

} // namespace
