// QEMU as a child process of ingot.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ingot {

// Runs a short query (`-machine help`) and returns its stdout; throws UserError when the
// command cannot run or fails.
std::string capture_output(const std::vector<std::string>& command);

// QEMU booting the guest: its stdin and stdout are pipes to ingot, its stderr is ingot's.
// It runs in its own process group, so a terminal's Ctrl-C reaches only ingot, which forwards
// it to the program; and it dies with ingot (PR_SET_PDEATHSIG), so it never outlives a killed
// ingot.
class QemuProcess {
public:
    // `inherited_fds` stay open in QEMU (at the same numbers) for it to use, as a tap for
    // -netdev tap,fd=N; every other descriptor of ingot's is close-on-exec.
    explicit QemuProcess(const std::vector<std::string>& command,
                         const std::vector<int>& inherited_fds = {});
    ~QemuProcess(); // kills and reaps a QEMU still running
    QemuProcess(const QemuProcess&) = delete;
    QemuProcess& operator=(const QemuProcess&) = delete;

    int to_guest() const { return m_to_guest; }     // QEMU's stdin, non-blocking
    int from_guest() const { return m_from_guest; } // QEMU's stdout
    pid_t pid() const { return m_pid; }
    void close_to_guest();

    void kill();
    // The wait status (waitpid's) once QEMU has ended.
    int wait();

private:
    pid_t m_pid = -1;
    int m_to_guest = -1;
    int m_from_guest = -1;
};

} // namespace ingot
