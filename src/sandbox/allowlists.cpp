#include "sandbox/allowlists.h"

#include "net/tap_device.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace ingot {

namespace {

// What every thread of the monitor needs from the C and C++ runtimes.
void allow_runtime_calls(SyscallFilter& filter) {
    // malloc: the heap (brk), large blocks and the arenas of other threads (mmap, munmap,
    // mremap for realloc, madvise when free trims). Never executable memory: the monitor
    // loads no code after set-up, so PROT_EXEC is refused in mmap and mprotect.
    filter.allow("brk");
    filter.allow_if("mmap", {SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)});
    filter.allow_if("mprotect", {SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)});
    filter.allow("munmap");
    filter.allow("mremap");
    filter.allow("madvise");
    // Locks and condition variables (stdio, libstdc++, joining a thread).
    filter.allow("futex");
    // Clocks: the vDSO answers without a system call, except on clock sources it cannot read.
    filter.allow("clock_gettime");
    // stdio asks on a stream's first use what it is: fstat (glibc: newfstatat on the
    // descriptor itself, AT_EMPTY_PATH) and isatty (TCGETS).
    filter.allow_if("newfstatat", {SCMP_A3(SCMP_CMP_EQ, AT_EMPTY_PATH)});
    filter.allow("fstat");
    filter.allow_if("ioctl", {SCMP_A1(SCMP_CMP_EQ, TCGETS)});
    // Messages on stderr (fmt::print, the refusal report).
    filter.allow("write");
    // Closing descriptors (every RAII owner).
    filter.allow("close");
    // Signal masks (glibc blocks signals around thread exit and abort), returning from a
    // handler, and the kernel's restart of a call a signal interrupted.
    filter.allow("rt_sigprocmask");
    filter.allow("rt_sigreturn");
    filter.allow("restart_syscall");
    // abort() (a failed assertion, std::terminate) raises SIGABRT at itself: only its own
    // process is a target.
    filter.allow("getpid");
    filter.allow("gettid");
    filter.allow_if("tgkill", {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(::getpid()))});
    // The ways out: a thread's end and the process's.
    filter.allow("exit");
    filter.allow("exit_group");
}

// The set*id calls glibc's SIGSETXID broadcast runs on every thread when the monitor switches
// to `identity`, pinned to exactly its IDs; nothing without one.
void allow_identity_switch(SyscallFilter& filter,
                           const std::optional<UnprivilegedIdentity>& identity) {
    if (!identity)
        return;
    filter.allow_if("setgroups", {SCMP_A0(SCMP_CMP_EQ, 0)});
    filter.allow_if("setresgid",
                    {SCMP_A0(SCMP_CMP_EQ, identity->gid), SCMP_A1(SCMP_CMP_EQ, identity->gid),
                     SCMP_A2(SCMP_CMP_EQ, identity->gid)});
    filter.allow_if("setresuid",
                    {SCMP_A0(SCMP_CMP_EQ, identity->uid), SCMP_A1(SCMP_CMP_EQ, identity->uid),
                     SCMP_A2(SCMP_CMP_EQ, identity->uid)});
}

} // namespace

void allow_vcpu_thread_calls(SyscallFilter& filter) {
    allow_runtime_calls(filter);
    // The vCPU (its descriptor is the only KVM one left open): KVM_RUN; the registers, special
    // registers and pending events that fault classification and crash reports read; setting
    // registers, special registers (also a TLB flush: reloading CR3) and events to deliver
    // events into the guest.
    for (scmp_datum_t request : std::initializer_list<scmp_datum_t>{
             KVM_RUN, KVM_GET_REGS, KVM_SET_REGS, KVM_GET_SREGS, KVM_SET_SREGS, KVM_GET_VCPU_EVENTS,
             KVM_SET_VCPU_EVENTS})
        filter.allow_if("ioctl", {SCMP_A1(SCMP_CMP_EQ, request)});
    // The console hypercalls: stdin (read), stdout and stderr (write, above).
    filter.allow("read");
    // The network device: frames to and from the tap, header and payload in one call; and
    // the tap's coalescing, turned on at NetSetup for a guest that asks (that value only).
    filter.allow("readv");
    filter.allow("writev");
    filter.allow_if("ioctl", {SCMP_A1(SCMP_CMP_EQ, TUNSETOFFLOAD),
                              SCMP_A2(SCMP_CMP_EQ, TapDevice::coalescing_offloads())});
    // The Poll hypercall waits with the forwarded signals unblocked (ppoll); ConsoleRead asks
    // whether stdin has input (poll with no wait).
    filter.allow("ppoll");
    filter.allow("poll");
    // Forwarded signals that interrupted KVM_RUN are taken while blocked (sigtimedwait).
    filter.allow("rt_sigtimedwait");
    // The event tick and the stop deadline: host timers whose signals interrupt KVM_RUN
    // (made before sealing, armed and deleted after), and sleeps.
    filter.allow("timer_settime");
    filter.allow("timer_gettime");
    filter.allow("timer_delete");
    // Crash reports: glibc's qsort asks for the machine's memory (sysconf(_SC_PHYS_PAGES))
    // before it sorts a large array, as libdw does with the program's symbols.
    filter.allow("sysinfo");
    filter.allow("clock_nanosleep");
    // Crash reports: libdw reads the image's kernel and program from anonymous memory files
    // (no path, nothing opened from the file system), by pread or mmap after fstat.
    filter.allow_if("memfd_create", {SCMP_A1(SCMP_CMP_EQ, MFD_CLOEXEC)});
    filter.allow("pread64");
    filter.allow("lseek");
    filter.allow_if("fcntl", {SCMP_A1(SCMP_CMP_EQ, F_GETFD)});
    // libdw looks for the directory of a file it reads DWARF from (realpath of /proc/self/fd/N,
    // for separate debug files beside it) and does without: it gets EACCES, sees no file.
    filter.fail_with("readlink", EACCES);
}

void allow_volume_server_calls(SyscallFilter& filter) {
    // Walks, opens and creations: openat2 with RESOLVE_BENEATH (plain open and openat stay
    // refused); descriptors duplicated for new fids.
    filter.allow("openat2");
    filter.allow_if("fcntl", {SCMP_A1(SCMP_CMP_EQ, F_DUPFD_CLOEXEC)});
    // Tgetattr and qids: fstatat of a descriptor itself or of a name in a directory, never
    // following a link.
    filter.allow_if("newfstatat", {SCMP_A3(SCMP_CMP_EQ, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)});
    filter.allow_if("newfstatat", {SCMP_A3(SCMP_CMP_EQ, AT_SYMLINK_NOFOLLOW)});
    filter.allow("fstatfs");
    // Data and directories (pread64 and lseek are allowed above).
    filter.allow("pwrite64");
    filter.allow("getdents64");
    filter.allow("fsync");
    filter.allow("fdatasync");
    // Changes, each relative to a directory descriptor of the volume.
    filter.allow("mkdirat");
    filter.allow("symlinkat");
    filter.allow("mknodat");
    filter.allow("readlinkat");
    filter.allow_if("linkat", {SCMP_A4(SCMP_CMP_EQ, 0)});
    filter.allow("renameat");
    filter.allow("renameat2");
    filter.allow("unlinkat");
    // Tsetattr: chmod, truncate and times on an open descriptor; chown of a descriptor itself.
    filter.allow("fchmod");
    filter.allow("ftruncate");
    filter.allow("utimensat");
    filter.allow_if("fchownat", {SCMP_A4(SCMP_CMP_EQ, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)});
}

void allow_console_relay_calls(SyscallFilter& filter, pid_t qemu) {
    allow_runtime_calls(filter);
    // The relay: QEMU's serial pipes, the virtio-console port's socket and ingot's stdin
    // (read, write above), waiting for any of them or for room in a full pipe or socket
    // (poll), the forwarded signals as a descriptor
    // (signalfd4), and the output rate limit's wait.
    filter.allow("read");
    filter.allow("poll");
    filter.allow("signalfd4");
    filter.allow("clock_nanosleep");
    // Stopping QEMU (SIGKILL, QEMU alone) and reaping it.
    filter.allow_if("kill", {SCMP_A0(SCMP_CMP_EQ, static_cast<scmp_datum_t>(qemu))});
    filter.allow("wait4");
}

void allow_user_network_thread_calls(SyscallFilter& filter,
                                     const std::optional<UnprivilegedIdentity>& identity) {
    allow_runtime_calls(filter);
    // The loop: waiting on libslirp's sockets, the frames' socket and the stop request (an
    // eventfd, read when it fires).
    filter.allow("poll");
    filter.allow("read");
    // The guest's connections and datagrams as the host's own, IPv4 only: a socket per
    // connection or flow (ping: an unprivileged ICMP datagram socket), made non-blocking
    // (F_GETFL, F_SETFL), connected out, and accepted on a published port; options
    // (SO_REUSEADDR, SO_OOBINLINE, TCP_NODELAY), a connection's outcome (SO_ERROR), its
    // addresses, and the bytes waiting on a UDP socket (FIONREAD).
    filter.allow_if("socket", {SCMP_A0(SCMP_CMP_EQ, AF_INET)});
    filter.allow_if("fcntl", {SCMP_A1(SCMP_CMP_EQ, F_GETFL)});
    filter.allow_if("fcntl", {SCMP_A1(SCMP_CMP_EQ, F_SETFL)});
    filter.allow("connect");
    filter.allow("accept");
    filter.allow("accept4");
    filter.allow("bind");
    filter.allow("listen");
    filter.allow("setsockopt");
    filter.allow("getsockopt");
    filter.allow("getsockname");
    filter.allow("getpeername");
    filter.allow_if("ioctl", {SCMP_A1(SCMP_CMP_EQ, FIONREAD)});
    filter.allow("shutdown");
    // Data: TCP reads into its buffer's two parts (readv), sends, datagrams both ways, and
    // the frames to and from the monitor (recvfrom, sendmsg).
    filter.allow("readv");
    filter.allow("writev");
    filter.allow("sendto");
    filter.allow("recvfrom");
    filter.allow("sendmsg");
    filter.allow("recvmsg");
    // DNS to 10.0.2.3 goes to the resolver /etc/resolv.conf names; this thread, which parses
    // the guest's packets, may not read the user's files, so libslirp falls back to the
    // host's loopback (it caches nothing it failed to open, so it never stats the file).
    filter.fail_with("openat", EACCES);
    allow_identity_switch(filter, identity);
}

void allow_proxy_thread_calls(SyscallFilter& filter,
                              const std::optional<UnprivilegedIdentity>& identity) {
    allow_runtime_calls(filter);
    // The event loop: waiting, (un)registering sockets, its stop request (an eventfd).
    filter.allow("epoll_wait");
    filter.allow("epoll_pwait");
    filter.allow("epoll_ctl");
    filter.allow("read");
    // TCP: accepting a client, a connection to the guest for it (IPv4 only), the relay's
    // sends and receives, half-close, options (TCP_NODELAY, SO_LINGER for a reset,
    // SO_BINDTODEVICE to the tap) and the connection's outcome (SO_ERROR).
    filter.allow("accept4");
    filter.allow_if("socket", {SCMP_A0(SCMP_CMP_EQ, AF_INET)});
    filter.allow("connect");
    filter.allow("sendto");
    filter.allow("recvfrom");
    filter.allow("shutdown");
    filter.allow("setsockopt");
    filter.allow("getsockopt");
    // UDP: datagrams with their destination address (IP_PKTINFO) from and to the host side.
    filter.allow("recvmsg");
    filter.allow("sendmsg");
    // free() trimming this thread's own heap (glibc gives a thread other than the main one an
    // arena of its own) first asks /proc/sys/vm/overcommit_memory whether it may shrink it
    // (check_may_shrink_heap), and does without: it gets EACCES and keeps the pages mapped.
    // Opening stays refused; it fails instead of ending ingot once relays freed enough.
    filter.fail_with("openat", EACCES);
    allow_identity_switch(filter, identity);
}

} // namespace ingot
