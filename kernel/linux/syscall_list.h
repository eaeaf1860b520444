// Every x86-64 Linux syscall, once (numbers and names from the kernel UAPI
// <asm/unistd_64.h>): S(number, name, (parameters)) for those the kernel implements, each by the
// handler `ErrorOr<long> sys_NAME(parameters)` declared from this line, whose parameter types
// (linux/syscall_arguments.h) decode its registers and shape its --trace-syscalls line;
// U(number, name) for the rest, which return ENOSYS (logged once per number).
#pragma once

#define ENUMERATE_SYSCALLS(S, U)                                                                   \
    S(0, read, (int fd, UserPointer buffer, size_t count))                                         \
    S(1, write, (int fd, UserPointer buffer, size_t count))                                        \
    S(2, open, (UserString path, int flags, unsigned mode))                                        \
    S(3, close, (int fd))                                                                          \
    S(4, stat, (UserString path, UserPointer stat))                                                \
    S(5, fstat, (int fd, UserPointer stat))                                                        \
    S(6, lstat, (UserString path, UserPointer stat))                                               \
    S(7, poll, (UserPointer fds, unsigned count, int timeout))                                     \
    S(8, lseek, (int fd, long offset, unsigned whence))                                            \
    S(9, mmap,                                                                                     \
      (uint64_t address, size_t length, unsigned protection, unsigned flags, int fd,               \
       uint64_t offset))                                                                           \
    S(10, mprotect, (uint64_t address, size_t length, unsigned protection))                        \
    S(11, munmap, (uint64_t address, size_t length))                                               \
    S(12, brk, (uint64_t address))                                                                 \
    S(13, rt_sigaction,                                                                            \
      (int signal, UserPointer action, UserPointer old_action, size_t mask_size))                  \
    S(14, rt_sigprocmask, (int how, UserPointer set, UserPointer old_set, size_t mask_size))       \
    S(15, rt_sigreturn, (SyscallFrame & frame))                                                    \
    S(16, ioctl, (int fd, unsigned request, uint64_t argument))                                    \
    S(17, pread64, (int fd, UserPointer buffer, size_t count, long offset))                        \
    S(18, pwrite64, (int fd, UserPointer buffer, size_t count, long offset))                       \
    S(19, readv, (int fd, UserPointer vectors, uint64_t count))                                    \
    S(20, writev, (int fd, UserPointer vectors, uint64_t count))                                   \
    S(21, access, (UserString path, int mode))                                                     \
    S(22, pipe, (UserPointer fds))                                                                 \
    S(23, select,                                                                                  \
      (int count, UserPointer readable, UserPointer writable, UserPointer exceptional,             \
       UserPointer timeout))                                                                       \
    S(24, sched_yield, ())                                                                         \
    S(25, mremap,                                                                                  \
      (uint64_t address, size_t old_length, size_t new_length, unsigned long flags,                \
       uint64_t new_address))                                                                      \
    S(26, msync, (uint64_t address, size_t length, int flags))                                     \
    U(27, mincore)                                                                                 \
    S(28, madvise, (uint64_t address, size_t length, int advice))                                  \
    U(29, shmget)                                                                                  \
    U(30, shmat)                                                                                   \
    U(31, shmctl)                                                                                  \
    S(32, dup, (int fd))                                                                           \
    S(33, dup2, (int old_fd, int new_fd))                                                          \
    S(34, pause, ())                                                                               \
    S(35, nanosleep, (UserPointer request, UserPointer remaining))                                 \
    S(36, getitimer, (int which, UserPointer value))                                               \
    S(37, alarm, (unsigned seconds))                                                               \
    S(38, setitimer, (int which, UserPointer value, UserPointer old_value))                        \
    S(39, getpid, ())                                                                              \
    S(40, sendfile, (int out_fd, int in_fd, UserPointer offset, size_t count))                     \
    S(41, socket, (int family, int type, int protocol))                                            \
    S(42, connect, (int fd, UserSocketAddress address, int length))                                \
    S(43, accept, (int fd, UserPointer address, UserPointer length))                               \
    S(44, sendto,                                                                                  \
      (int fd, UserPointer buffer, size_t length, unsigned flags, UserSocketAddress address,       \
       int address_length))                                                                        \
    S(45, recvfrom,                                                                                \
      (int fd, UserPointer buffer, size_t length, unsigned flags, UserPointer address,             \
       UserPointer address_length))                                                                \
    S(46, sendmsg, (int fd, UserPointer message, unsigned flags))                                  \
    S(47, recvmsg, (int fd, UserPointer message, unsigned flags))                                  \
    S(48, shutdown, (int fd, int how))                                                             \
    S(49, bind, (int fd, UserSocketAddress address, int length))                                   \
    S(50, listen, (int fd, int backlog))                                                           \
    S(51, getsockname, (int fd, UserPointer address, UserPointer length))                          \
    S(52, getpeername, (int fd, UserPointer address, UserPointer length))                          \
    S(53, socketpair, (int family, int type, int protocol, UserPointer fds))                       \
    S(54, setsockopt, (int fd, int level, int name, UserPointer value, int length))                \
    S(55, getsockopt, (int fd, int level, int name, UserPointer value, UserPointer length))        \
    S(56, clone,                                                                                   \
      (SyscallFrame & frame, uint64_t flags, uint64_t stack, UserPointer parent_tid,               \
       UserPointer child_tid, uint64_t tls))                                                       \
    U(57, fork)                                                                                    \
    U(58, vfork)                                                                                   \
    U(59, execve)                                                                                  \
    S(60, exit, (int status))                                                                      \
    S(61, wait4, (int pid, UserPointer status, int options, UserPointer usage))                    \
    S(62, kill, (int pid, int signal))                                                             \
    S(63, uname, (UserPointer name))                                                               \
    U(64, semget)                                                                                  \
    U(65, semop)                                                                                   \
    U(66, semctl)                                                                                  \
    U(67, shmdt)                                                                                   \
    U(68, msgget)                                                                                  \
    U(69, msgsnd)                                                                                  \
    U(70, msgrcv)                                                                                  \
    U(71, msgctl)                                                                                  \
    S(72, fcntl, (int fd, int command, uint64_t argument))                                         \
    S(73, flock, (int fd, int operation))                                                          \
    S(74, fsync, (int fd))                                                                         \
    S(75, fdatasync, (int fd))                                                                     \
    S(76, truncate, (UserString path, long length))                                                \
    S(77, ftruncate, (int fd, long length))                                                        \
    U(78, getdents)                                                                                \
    S(79, getcwd, (UserPointer buffer, size_t size))                                               \
    S(80, chdir, (UserString path))                                                                \
    S(81, fchdir, (int fd))                                                                        \
    S(82, rename, (UserString old_path, UserString new_path))                                      \
    S(83, mkdir, (UserString path, unsigned mode))                                                 \
    S(84, rmdir, (UserString path))                                                                \
    S(85, creat, (UserString path, unsigned mode))                                                 \
    S(86, link, (UserString old_path, UserString new_path))                                        \
    S(87, unlink, (UserString path))                                                               \
    S(88, symlink, (UserString target, UserString path))                                           \
    S(89, readlink, (UserString path, UserPointer buffer, int size))                               \
    S(90, chmod, (UserString path, unsigned mode))                                                 \
    S(91, fchmod, (int fd, unsigned mode))                                                         \
    S(92, chown, (UserString path, unsigned user, unsigned group))                                 \
    S(93, fchown, (int fd, unsigned user, unsigned group))                                         \
    S(94, lchown, (UserString path, unsigned user, unsigned group))                                \
    S(95, umask, (unsigned mask))                                                                  \
    S(96, gettimeofday, (UserPointer time, UserPointer zone))                                      \
    S(97, getrlimit, (unsigned resource, UserPointer limit))                                       \
    S(98, getrusage, (int who, UserPointer usage))                                                 \
    S(99, sysinfo, (UserPointer info))                                                             \
    S(100, times, (UserPointer buffer))                                                            \
    U(101, ptrace)                                                                                 \
    S(102, getuid, ())                                                                             \
    U(103, syslog)                                                                                 \
    S(104, getgid, ())                                                                             \
    S(105, setuid, (unsigned uid))                                                                 \
    S(106, setgid, (unsigned gid))                                                                 \
    S(107, geteuid, ())                                                                            \
    S(108, getegid, ())                                                                            \
    U(109, setpgid)                                                                                \
    S(110, getppid, ())                                                                            \
    S(111, getpgrp, ())                                                                            \
    S(112, setsid, ())                                                                             \
    U(113, setreuid)                                                                               \
    U(114, setregid)                                                                               \
    S(115, getgroups, (int size, UserPointer groups))                                              \
    U(116, setgroups)                                                                              \
    U(117, setresuid)                                                                              \
    S(118, getresuid, (UserPointer real, UserPointer effective, UserPointer saved))                \
    U(119, setresgid)                                                                              \
    S(120, getresgid, (UserPointer real, UserPointer effective, UserPointer saved))                \
    S(121, getpgid, (int pid))                                                                     \
    U(122, setfsuid)                                                                               \
    U(123, setfsgid)                                                                               \
    S(124, getsid, (int pid))                                                                      \
    U(125, capget)                                                                                 \
    U(126, capset)                                                                                 \
    S(127, rt_sigpending, (UserPointer set, size_t mask_size))                                     \
    U(128, rt_sigtimedwait)                                                                        \
    U(129, rt_sigqueueinfo)                                                                        \
    S(130, rt_sigsuspend, (UserPointer mask, size_t mask_size))                                    \
    S(131, sigaltstack, (SyscallFrame & frame, UserPointer stack, UserPointer old_stack))          \
    S(132, utime, (UserString path, UserPointer times))                                            \
    S(133, mknod, (UserString path, unsigned mode, unsigned device))                               \
    U(134, uselib)                                                                                 \
    U(135, personality)                                                                            \
    U(136, ustat)                                                                                  \
    S(137, statfs, (UserString path, UserPointer buffer))                                          \
    S(138, fstatfs, (int fd, UserPointer buffer))                                                  \
    U(139, sysfs)                                                                                  \
    S(140, getpriority, (int which, int who))                                                      \
    S(141, setpriority, (int which, int who, int nice))                                            \
    U(142, sched_setparam)                                                                         \
    S(143, sched_getparam, (int pid, UserPointer parameters))                                      \
    U(144, sched_setscheduler)                                                                     \
    S(145, sched_getscheduler, (int pid))                                                          \
    U(146, sched_get_priority_max)                                                                 \
    U(147, sched_get_priority_min)                                                                 \
    U(148, sched_rr_get_interval)                                                                  \
    S(149, mlock, (uint64_t address, size_t length))                                               \
    S(150, munlock, (uint64_t address, size_t length))                                             \
    S(151, mlockall, (int flags))                                                                  \
    S(152, munlockall, ())                                                                         \
    U(153, vhangup)                                                                                \
    U(154, modify_ldt)                                                                             \
    U(155, pivot_root)                                                                             \
    U(156, _sysctl)                                                                                \
    S(157, prctl,                                                                                  \
      (int option, unsigned long argument2, unsigned long argument3, unsigned long argument4,      \
       unsigned long argument5))                                                                   \
    S(158, arch_prctl, (int code, uint64_t address))                                               \
    U(159, adjtimex)                                                                               \
    S(160, setrlimit, (unsigned resource, UserPointer limit))                                      \
    U(161, chroot)                                                                                 \
    S(162, sync, ())                                                                               \
    U(163, acct)                                                                                   \
    U(164, settimeofday)                                                                           \
    U(165, mount)                                                                                  \
    U(166, umount2)                                                                                \
    U(167, swapon)                                                                                 \
    U(168, swapoff)                                                                                \
    U(169, reboot)                                                                                 \
    U(170, sethostname)                                                                            \
    U(171, setdomainname)                                                                          \
    U(172, iopl)                                                                                   \
    U(173, ioperm)                                                                                 \
    U(174, create_module)                                                                          \
    U(175, init_module)                                                                            \
    U(176, delete_module)                                                                          \
    U(177, get_kernel_syms)                                                                        \
    U(178, query_module)                                                                           \
    U(179, quotactl)                                                                               \
    U(180, nfsservctl)                                                                             \
    U(181, getpmsg)                                                                                \
    U(182, putpmsg)                                                                                \
    U(183, afs_syscall)                                                                            \
    U(184, tuxcall)                                                                                \
    U(185, security)                                                                               \
    S(186, gettid, ())                                                                             \
    S(187, readahead, (int fd, long offset, size_t count))                                         \
    S(188, setxattr,                                                                               \
      (UserString path, UserString name, UserPointer value, size_t size, int flags))               \
    S(189, lsetxattr,                                                                              \
      (UserString path, UserString name, UserPointer value, size_t size, int flags))               \
    S(190, fsetxattr, (int fd, UserString name, UserPointer value, size_t size, int flags))        \
    S(191, getxattr, (UserString path, UserString name, UserPointer value, size_t size))           \
    S(192, lgetxattr, (UserString path, UserString name, UserPointer value, size_t size))          \
    S(193, fgetxattr, (int fd, UserString name, UserPointer value, size_t size))                   \
    S(194, listxattr, (UserString path, UserPointer list, size_t size))                            \
    S(195, llistxattr, (UserString path, UserPointer list, size_t size))                           \
    S(196, flistxattr, (int fd, UserPointer list, size_t size))                                    \
    S(197, removexattr, (UserString path, UserString name))                                        \
    S(198, lremovexattr, (UserString path, UserString name))                                       \
    S(199, fremovexattr, (int fd, UserString name))                                                \
    S(200, tkill, (int tid, int signal))                                                           \
    S(201, time, (UserPointer seconds))                                                            \
    S(202, futex,                                                                                  \
      (UserPointer address, int operation, unsigned value, UserPointer timeout,                    \
       UserPointer address2, unsigned value3))                                                     \
    S(203, sched_setaffinity, (int pid, unsigned size, UserPointer mask))                          \
    S(204, sched_getaffinity, (int pid, unsigned size, UserPointer mask))                          \
    U(205, set_thread_area)                                                                        \
    U(206, io_setup)                                                                               \
    U(207, io_destroy)                                                                             \
    U(208, io_getevents)                                                                           \
    U(209, io_submit)                                                                              \
    U(210, io_cancel)                                                                              \
    U(211, get_thread_area)                                                                        \
    U(212, lookup_dcookie)                                                                         \
    S(213, epoll_create, (int size))                                                               \
    U(214, epoll_ctl_old)                                                                          \
    U(215, epoll_wait_old)                                                                         \
    U(216, remap_file_pages)                                                                       \
    S(217, getdents64, (int fd, UserPointer buffer, unsigned count))                               \
    S(218, set_tid_address, (UserPointer address))                                                 \
    U(219, restart_syscall)                                                                        \
    U(220, semtimedop)                                                                             \
    S(221, fadvise64, (int fd, long offset, long length, int advice))                              \
    U(222, timer_create)                                                                           \
    U(223, timer_settime)                                                                          \
    U(224, timer_gettime)                                                                          \
    U(225, timer_getoverrun)                                                                       \
    U(226, timer_delete)                                                                           \
    U(227, clock_settime)                                                                          \
    S(228, clock_gettime, (int clock, UserPointer time))                                           \
    S(229, clock_getres, (int clock, UserPointer resolution))                                      \
    S(230, clock_nanosleep, (int clock, int flags, UserPointer request, UserPointer remaining))    \
    S(231, exit_group, (int status))                                                               \
    S(232, epoll_wait, (int fd, UserPointer events, int max_events, int timeout))                  \
    S(233, epoll_ctl, (int fd, int operation, int target, UserPointer event))                      \
    S(234, tgkill, (int group, int tid, int signal))                                               \
    S(235, utimes, (UserString path, UserPointer times))                                           \
    U(236, vserver)                                                                                \
    U(237, mbind)                                                                                  \
    U(238, set_mempolicy)                                                                          \
    U(239, get_mempolicy)                                                                          \
    U(240, mq_open)                                                                                \
    U(241, mq_unlink)                                                                              \
    U(242, mq_timedsend)                                                                           \
    U(243, mq_timedreceive)                                                                        \
    U(244, mq_notify)                                                                              \
    U(245, mq_getsetattr)                                                                          \
    U(246, kexec_load)                                                                             \
    U(247, waitid)                                                                                 \
    U(248, add_key)                                                                                \
    U(249, request_key)                                                                            \
    U(250, keyctl)                                                                                 \
    U(251, ioprio_set)                                                                             \
    U(252, ioprio_get)                                                                             \
    U(253, inotify_init)                                                                           \
    U(254, inotify_add_watch)                                                                      \
    U(255, inotify_rm_watch)                                                                       \
    U(256, migrate_pages)                                                                          \
    S(257, openat, (int directory, UserString path, int flags, unsigned mode))                     \
    S(258, mkdirat, (int directory, UserString path, unsigned mode))                               \
    S(259, mknodat, (int directory, UserString path, unsigned mode, unsigned device))              \
    S(260, fchownat, (int directory, UserString path, unsigned user, unsigned group, int flags))   \
    S(261, futimesat, (int directory, UserString path, UserPointer times))                         \
    S(262, newfstatat, (int directory, UserString path, UserPointer stat, int flags))              \
    S(263, unlinkat, (int directory, UserString path, int flags))                                  \
    S(264, renameat,                                                                               \
      (int old_directory, UserString old_path, int new_directory, UserString new_path))            \
    S(265, linkat,                                                                                 \
      (int old_directory, UserString old_path, int new_directory, UserString new_path, int flags)) \
    S(266, symlinkat, (UserString target, int directory, UserString path))                         \
    S(267, readlinkat, (int directory, UserString path, UserPointer buffer, int size))             \
    S(268, fchmodat, (int directory, UserString path, unsigned mode))                              \
    S(269, faccessat, (int directory, UserString path, int mode))                                  \
    S(270, pselect6,                                                                               \
      (int count, UserPointer readable, UserPointer writable, UserPointer exceptional,             \
       UserPointer timeout, UserPointer mask))                                                     \
    S(271, ppoll,                                                                                  \
      (UserPointer fds, unsigned count, UserPointer timeout, UserPointer mask, size_t mask_size))  \
    U(272, unshare)                                                                                \
    S(273, set_robust_list, (UserPointer head, size_t length))                                     \
    U(274, get_robust_list)                                                                        \
    U(275, splice)                                                                                 \
    U(276, tee)                                                                                    \
    U(277, sync_file_range)                                                                        \
    U(278, vmsplice)                                                                               \
    U(279, move_pages)                                                                             \
    S(280, utimensat, (int directory, UserString path, UserPointer times, int flags))              \
    S(281, epoll_pwait,                                                                            \
      (int fd, UserPointer events, int max_events, int timeout, UserPointer mask,                  \
       size_t mask_size))                                                                          \
    U(282, signalfd)                                                                               \
    U(283, timerfd_create)                                                                         \
    S(284, eventfd, (unsigned initial))                                                            \
    S(285, fallocate, (int fd, int mode, long offset, long length))                                \
    U(286, timerfd_settime)                                                                        \
    U(287, timerfd_gettime)                                                                        \
    S(288, accept4, (int fd, UserPointer address, UserPointer length, int flags))                  \
    U(289, signalfd4)                                                                              \
    S(290, eventfd2, (unsigned initial, int flags))                                                \
    S(291, epoll_create1, (int flags))                                                             \
    S(292, dup3, (int old_fd, int new_fd, int flags))                                              \
    S(293, pipe2, (UserPointer fds, int flags))                                                    \
    U(294, inotify_init1)                                                                          \
    S(295, preadv, (int fd, UserPointer vectors, int count, long offset_low, long offset_high))    \
    S(296, pwritev, (int fd, UserPointer vectors, int count, long offset_low, long offset_high))   \
    U(297, rt_tgsigqueueinfo)                                                                      \
    U(298, perf_event_open)                                                                        \
    U(299, recvmmsg)                                                                               \
    U(300, fanotify_init)                                                                          \
    U(301, fanotify_mark)                                                                          \
    S(302, prlimit64, (int pid, unsigned resource, UserPointer new_limit, UserPointer old_limit))  \
    U(303, name_to_handle_at)                                                                      \
    U(304, open_by_handle_at)                                                                      \
    U(305, clock_adjtime)                                                                          \
    S(306, syncfs, (int fd))                                                                       \
    U(307, sendmmsg)                                                                               \
    U(308, setns)                                                                                  \
    S(309, getcpu, (UserPointer cpu, UserPointer node, UserPointer cache))                         \
    U(310, process_vm_readv)                                                                       \
    U(311, process_vm_writev)                                                                      \
    U(312, kcmp)                                                                                   \
    U(313, finit_module)                                                                           \
    U(314, sched_setattr)                                                                          \
    U(315, sched_getattr)                                                                          \
    S(316, renameat2,                                                                              \
      (int old_directory, UserString old_path, int new_directory, UserString new_path,             \
       unsigned flags))                                                                            \
    U(317, seccomp)                                                                                \
    S(318, getrandom, (UserPointer buffer, size_t length, unsigned flags))                         \
    S(319, memfd_create, (UserString name, unsigned flags))                                        \
    U(320, kexec_file_load)                                                                        \
    U(321, bpf)                                                                                    \
    U(322, execveat)                                                                               \
    U(323, userfaultfd)                                                                            \
    U(324, membarrier)                                                                             \
    U(325, mlock2)                                                                                 \
    S(326, copy_file_range,                                                                        \
      (int in_fd, UserPointer in_offset, int out_fd, UserPointer out_offset, size_t length,        \
       unsigned flags))                                                                            \
    S(327, preadv2,                                                                                \
      (int fd, UserPointer vectors, int count, long offset_low, long offset_high, int flags))      \
    S(328, pwritev2,                                                                               \
      (int fd, UserPointer vectors, int count, long offset_low, long offset_high, int flags))      \
    U(329, pkey_mprotect)                                                                          \
    U(330, pkey_alloc)                                                                             \
    U(331, pkey_free)                                                                              \
    S(332, statx, (int directory, UserString path, int flags, unsigned mask, UserPointer buffer))  \
    U(333, io_pgetevents)                                                                          \
    S(334, rseq, (UserPointer area, unsigned length, int flags, unsigned signature))               \
    U(424, pidfd_send_signal)                                                                      \
    U(425, io_uring_setup)                                                                         \
    U(426, io_uring_enter)                                                                         \
    U(427, io_uring_register)                                                                      \
    U(428, open_tree)                                                                              \
    U(429, move_mount)                                                                             \
    U(430, fsopen)                                                                                 \
    U(431, fsconfig)                                                                               \
    U(432, fsmount)                                                                                \
    U(433, fspick)                                                                                 \
    U(434, pidfd_open)                                                                             \
    S(435, clone3, (SyscallFrame & frame, UserPointer arguments, size_t size))                     \
    S(436, close_range, (unsigned first, unsigned last, unsigned flags))                           \
    U(437, openat2)                                                                                \
    U(438, pidfd_getfd)                                                                            \
    S(439, faccessat2, (int directory, UserString path, int mode, int flags))                      \
    U(440, process_madvise)                                                                        \
    S(441, epoll_pwait2,                                                                           \
      (int fd, UserPointer events, int max_events, UserPointer timeout, UserPointer mask,          \
       size_t mask_size))                                                                          \
    U(442, mount_setattr)                                                                          \
    U(443, quotactl_fd)                                                                            \
    U(444, landlock_create_ruleset)                                                                \
    U(445, landlock_add_rule)                                                                      \
    U(446, landlock_restrict_self)                                                                 \
    U(447, memfd_secret)                                                                           \
    U(448, process_mrelease)                                                                       \
    U(449, futex_waitv)                                                                            \
    U(450, set_mempolicy_home_node)
