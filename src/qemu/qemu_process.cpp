#include "qemu/qemu_process.h"

#include "support/error.h"

#include <ingot/signal_names.h>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace ingot {

namespace {

struct Pipe {
    int read_end = -1;
    int write_end = -1;
    Pipe() {
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0)
            fail("cannot create a pipe for QEMU: {}", system_error_text(errno));
        read_end = ends[0];
        write_end = ends[1];
    }
};

std::vector<char*> c_arguments(const std::vector<std::string>& command) {
    std::vector<char*> arguments;
    for (const std::string& argument : command)
        arguments.push_back(const_cast<char*>(argument.c_str()));
    arguments.push_back(nullptr);
    return arguments;
}

// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void exec_child(char* const* arguments, int stdin_fd, int stdout_fd,
                             bool own_process_group, const int* inherited_fds = nullptr,
                             size_t inherited_count = 0) {
    if (own_process_group) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    }
    // ingot blocks the signals it forwards and ignores SIGPIPE; QEMU must get neither.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    if (stdin_fd >= 0)
        ::dup2(stdin_fd, STDIN_FILENO);
    ::dup2(stdout_fd, STDOUT_FILENO);
    for (size_t i = 0; i < inherited_count; ++i)
        ::fcntl(inherited_fds[i], F_SETFD, 0);
    ::execv(arguments[0], arguments);
    ::_exit(127);
}

std::string describe_wait_status(int status) {
    if (WIFSIGNALED(status))
        return fmt::format("was killed by {}", signal_name(WTERMSIG(status)).text);
    return fmt::format("exited with status {}", WEXITSTATUS(status));
}

} // namespace

std::string capture_output(const std::vector<std::string>& command) {
    Pipe output;
    auto arguments = c_arguments(command);
    pid_t pid = ::fork();
    if (pid < 0)
        fail("cannot start '{}': {}", command[0], system_error_text(errno));
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDONLY);
        exec_child(arguments.data(), null, output.write_end, false);
    }
    ::close(output.write_end);
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(output.read_end, buffer, sizeof buffer)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        text.append(buffer, static_cast<size_t>(n));
    }
    ::close(output.read_end);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("'{} {}' {}", command[0], command.size() > 1 ? command[1] : "",
             describe_wait_status(status));
    return text;
}

QemuProcess::QemuProcess(const std::vector<std::string>& command,
                         const std::vector<int>& inherited_fds) {
    Pipe input, output;
    auto arguments = c_arguments(command);
    m_pid = ::fork();
    if (m_pid < 0)
        fail("cannot start QEMU: {}", system_error_text(errno));
    if (m_pid == 0)
        exec_child(arguments.data(), input.read_end, output.write_end, true, inherited_fds.data(),
                   inherited_fds.size());
    ::close(input.read_end);
    ::close(output.write_end);
    m_to_guest = input.write_end;
    m_from_guest = output.read_end;
    // A guest that does not read its input must not stop ingot from relaying its output.
    ::fcntl(m_to_guest, F_SETFL, ::fcntl(m_to_guest, F_GETFL) | O_NONBLOCK);
}

QemuProcess::~QemuProcess() {
    close_to_guest();
    if (m_from_guest >= 0)
        ::close(m_from_guest);
    if (m_pid > 0) {
        kill();
        wait();
    }
}

void QemuProcess::close_to_guest() {
    if (m_to_guest >= 0)
        ::close(m_to_guest);
    m_to_guest = -1;
}

void QemuProcess::kill() {
    if (m_pid > 0)
        ::kill(m_pid, SIGKILL);
}

int QemuProcess::wait() {
    int status = 0;
    while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
    return status;
}

} // namespace ingot
