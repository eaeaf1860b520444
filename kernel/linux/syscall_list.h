// Every x86-64 Linux syscall, once (numbers and names from the kernel UAPI
// <asm/unistd_64.h>): S(number, name, (parameters)) for those the kernel implements, each by the
// handler `ErrorOr<long> sys_NAME(parameters)` declared from this line, whose parameter types
// (linux/syscall_arguments.h) decode its registers and shape its --trace-syscalls line;
// U(number, name) for the rest, which return ENOSYS (logged once per number).
#pragma once

#define ENUMERATE_SYSCALLS(S, U)                                                                   \
    U(0, read)                                                                                     \
    U(1, write)                                                                                    \
    S(2, open, (UserString path, int flags, unsigned mode))                                        \
    U(3, close)                                                                                    \
    S(4, stat, (UserString path, UserPointer stat))                                                \
    U(5, fstat)                                                                                    \
    S(6, lstat, (UserString path, UserPointer stat))                                               \
    U(7, poll)                                                                                     \
    S(8, lseek, (int fd, long offset, unsigned whence))                                            \
    U(9, mmap)                                                                                     \
    U(10, mprotect)                                                                                \
    U(11, munmap)                                                                                  \
    U(12, brk)                                                                                     \
    U(13, rt_sigaction)                                                                            \
    U(14, rt_sigprocmask)                                                                          \
    U(15, rt_sigreturn)                                                                            \
    U(16, ioctl)                                                                                   \
    S(17, pread64, (int fd, UserPointer buffer, size_t count, long offset))                        \
    S(18, pwrite64, (int fd, UserPointer buffer, size_t count, long offset))                       \
    U(19, readv)                                                                                   \
    U(20, writev)                                                                                  \
    S(21, access, (UserString path, int mode))                                                     \
    U(22, pipe)                                                                                    \
    U(23, select)                                                                                  \
    U(24, sched_yield)                                                                             \
    U(25, mremap)                                                                                  \
    U(26, msync)                                                                                   \
    U(27, mincore)                                                                                 \
    U(28, madvise)                                                                                 \
    U(29, shmget)                                                                                  \
    U(30, shmat)                                                                                   \
    U(31, shmctl)                                                                                  \
    U(32, dup)                                                                                     \
    U(33, dup2)                                                                                    \
    U(34, pause)                                                                                   \
    S(35, nanosleep, (UserPointer request, UserPointer remaining))                                 \
    U(36, getitimer)                                                                               \
    U(37, alarm)                                                                                   \
    U(38, setitimer)                                                                               \
    U(39, getpid)                                                                                  \
    U(40, sendfile)                                                                                \
    U(41, socket)                                                                                  \
    U(42, connect)                                                                                 \
    U(43, accept)                                                                                  \
    U(44, sendto)                                                                                  \
    U(45, recvfrom)                                                                                \
    U(46, sendmsg)                                                                                 \
    U(47, recvmsg)                                                                                 \
    U(48, shutdown)                                                                                \
    U(49, bind)                                                                                    \
    U(50, listen)                                                                                  \
    U(51, getsockname)                                                                             \
    U(52, getpeername)                                                                             \
    U(53, socketpair)                                                                              \
    U(54, setsockopt)                                                                              \
    U(55, getsockopt)                                                                              \
    U(56, clone)                                                                                   \
    U(57, fork)                                                                                    \
    U(58, vfork)                                                                                   \
    U(59, execve)                                                                                  \
    U(60, exit)                                                                                    \
    U(61, wait4)                                                                                   \
    U(62, kill)                                                                                    \
    U(63, uname)                                                                                   \
    U(64, semget)                                                                                  \
    U(65, semop)                                                                                   \
    U(66, semctl)                                                                                  \
    U(67, shmdt)                                                                                   \
    U(68, msgget)                                                                                  \
    U(69, msgsnd)                                                                                  \
    U(70, msgrcv)                                                                                  \
    U(71, msgctl)                                                                                  \
    U(72, fcntl)                                                                                   \
    U(73, flock)                                                                                   \
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
    U(97, getrlimit)                                                                               \
    U(98, getrusage)                                                                               \
    U(99, sysinfo)                                                                                 \
    U(100, times)                                                                                  \
    U(101, ptrace)                                                                                 \
    U(102, getuid)                                                                                 \
    U(103, syslog)                                                                                 \
    U(104, getgid)                                                                                 \
    U(105, setuid)                                                                                 \
    U(106, setgid)                                                                                 \
    U(107, geteuid)                                                                                \
    U(108, getegid)                                                                                \
    U(109, setpgid)                                                                                \
    U(110, getppid)                                                                                \
    U(111, getpgrp)                                                                                \
    U(112, setsid)                                                                                 \
    U(113, setreuid)                                                                               \
    U(114, setregid)                                                                               \
    U(115, getgroups)                                                                              \
    U(116, setgroups)                                                                              \
    U(117, setresuid)                                                                              \
    U(118, getresuid)                                                                              \
    U(119, setresgid)                                                                              \
    U(120, getresgid)                                                                              \
    U(121, getpgid)                                                                                \
    U(122, setfsuid)                                                                               \
    U(123, setfsgid)                                                                               \
    U(124, getsid)                                                                                 \
    U(125, capget)                                                                                 \
    U(126, capset)                                                                                 \
    U(127, rt_sigpending)                                                                          \
    U(128, rt_sigtimedwait)                                                                        \
    U(129, rt_sigqueueinfo)                                                                        \
    U(130, rt_sigsuspend)                                                                          \
    U(131, sigaltstack)                                                                            \
    S(132, utime, (UserString path, UserPointer times))                                            \
    S(133, mknod, (UserString path, unsigned mode, unsigned device))                               \
    U(134, uselib)                                                                                 \
    U(135, personality)                                                                            \
    U(136, ustat)                                                                                  \
    S(137, statfs, (UserString path, UserPointer buffer))                                          \
    S(138, fstatfs, (int fd, UserPointer buffer))                                                  \
    U(139, sysfs)                                                                                  \
    U(140, getpriority)                                                                            \
    U(141, setpriority)                                                                            \
    U(142, sched_setparam)                                                                         \
    U(143, sched_getparam)                                                                         \
    U(144, sched_setscheduler)                                                                     \
    U(145, sched_getscheduler)                                                                     \
    U(146, sched_get_priority_max)                                                                 \
    U(147, sched_get_priority_min)                                                                 \
    U(148, sched_rr_get_interval)                                                                  \
    U(149, mlock)                                                                                  \
    U(150, munlock)                                                                                \
    U(151, mlockall)                                                                               \
    U(152, munlockall)                                                                             \
    U(153, vhangup)                                                                                \
    U(154, modify_ldt)                                                                             \
    U(155, pivot_root)                                                                             \
    U(156, _sysctl)                                                                                \
    U(157, prctl)                                                                                  \
    U(158, arch_prctl)                                                                             \
    U(159, adjtimex)                                                                               \
    U(160, setrlimit)                                                                              \
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
    U(186, gettid)                                                                                 \
    U(187, readahead)                                                                              \
    U(188, setxattr)                                                                               \
    U(189, lsetxattr)                                                                              \
    U(190, fsetxattr)                                                                              \
    U(191, getxattr)                                                                               \
    U(192, lgetxattr)                                                                              \
    U(193, fgetxattr)                                                                              \
    U(194, listxattr)                                                                              \
    U(195, llistxattr)                                                                             \
    U(196, flistxattr)                                                                             \
    U(197, removexattr)                                                                            \
    U(198, lremovexattr)                                                                           \
    U(199, fremovexattr)                                                                           \
    U(200, tkill)                                                                                  \
    S(201, time, (UserPointer seconds))                                                            \
    U(202, futex)                                                                                  \
    U(203, sched_setaffinity)                                                                      \
    U(204, sched_getaffinity)                                                                      \
    U(205, set_thread_area)                                                                        \
    U(206, io_setup)                                                                               \
    U(207, io_destroy)                                                                             \
    U(208, io_getevents)                                                                           \
    U(209, io_submit)                                                                              \
    U(210, io_cancel)                                                                              \
    U(211, get_thread_area)                                                                        \
    U(212, lookup_dcookie)                                                                         \
    U(213, epoll_create)                                                                           \
    U(214, epoll_ctl_old)                                                                          \
    U(215, epoll_wait_old)                                                                         \
    U(216, remap_file_pages)                                                                       \
    S(217, getdents64, (int fd, UserPointer buffer, unsigned count))                               \
    U(218, set_tid_address)                                                                        \
    U(219, restart_syscall)                                                                        \
    U(220, semtimedop)                                                                             \
    U(221, fadvise64)                                                                              \
    U(222, timer_create)                                                                           \
    U(223, timer_settime)                                                                          \
    U(224, timer_gettime)                                                                          \
    U(225, timer_getoverrun)                                                                       \
    U(226, timer_delete)                                                                           \
    U(227, clock_settime)                                                                          \
    S(228, clock_gettime, (int clock, UserPointer time))                                           \
    S(229, clock_getres, (int clock, UserPointer resolution))                                      \
    S(230, clock_nanosleep, (int clock, int flags, UserPointer request, UserPointer remaining))    \
    U(231, exit_group)                                                                             \
    U(232, epoll_wait)                                                                             \
    U(233, epoll_ctl)                                                                              \
    U(234, tgkill)                                                                                 \
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
    U(270, pselect6)                                                                               \
    U(271, ppoll)                                                                                  \
    U(272, unshare)                                                                                \
    U(273, set_robust_list)                                                                        \
    U(274, get_robust_list)                                                                        \
    U(275, splice)                                                                                 \
    U(276, tee)                                                                                    \
    U(277, sync_file_range)                                                                        \
    U(278, vmsplice)                                                                               \
    U(279, move_pages)                                                                             \
    S(280, utimensat, (int directory, UserString path, UserPointer times, int flags))              \
    U(281, epoll_pwait)                                                                            \
    U(282, signalfd)                                                                               \
    U(283, timerfd_create)                                                                         \
    U(284, eventfd)                                                                                \
    S(285, fallocate, (int fd, int mode, long offset, long length))                                \
    U(286, timerfd_settime)                                                                        \
    U(287, timerfd_gettime)                                                                        \
    U(288, accept4)                                                                                \
    U(289, signalfd4)                                                                              \
    U(290, eventfd2)                                                                               \
    U(291, epoll_create1)                                                                          \
    U(292, dup3)                                                                                   \
    U(293, pipe2)                                                                                  \
    U(294, inotify_init1)                                                                          \
    S(295, preadv, (int fd, UserPointer vectors, int count, long offset_low, long offset_high))    \
    S(296, pwritev, (int fd, UserPointer vectors, int count, long offset_low, long offset_high))   \
    U(297, rt_tgsigqueueinfo)                                                                      \
    U(298, perf_event_open)                                                                        \
    U(299, recvmmsg)                                                                               \
    U(300, fanotify_init)                                                                          \
    U(301, fanotify_mark)                                                                          \
    U(302, prlimit64)                                                                              \
    U(303, name_to_handle_at)                                                                      \
    U(304, open_by_handle_at)                                                                      \
    U(305, clock_adjtime)                                                                          \
    S(306, syncfs, (int fd))                                                                       \
    U(307, sendmmsg)                                                                               \
    U(308, setns)                                                                                  \
    U(309, getcpu)                                                                                 \
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
    U(319, memfd_create)                                                                           \
    U(320, kexec_file_load)                                                                        \
    U(321, bpf)                                                                                    \
    U(322, execveat)                                                                               \
    U(323, userfaultfd)                                                                            \
    U(324, membarrier)                                                                             \
    U(325, mlock2)                                                                                 \
    U(326, copy_file_range)                                                                        \
    S(327, preadv2,                                                                                \
      (int fd, UserPointer vectors, int count, long offset_low, long offset_high, int flags))      \
    S(328, pwritev2,                                                                               \
      (int fd, UserPointer vectors, int count, long offset_low, long offset_high, int flags))      \
    U(329, pkey_mprotect)                                                                          \
    U(330, pkey_alloc)                                                                             \
    U(331, pkey_free)                                                                              \
    S(332, statx, (int directory, UserString path, int flags, unsigned mask, UserPointer buffer))  \
    U(333, io_pgetevents)                                                                          \
    U(334, rseq)                                                                                   \
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
    U(435, clone3)                                                                                 \
    S(436, close_range, (unsigned first, unsigned last, unsigned flags))                           \
    U(437, openat2)                                                                                \
    U(438, pidfd_getfd)                                                                            \
    S(439, faccessat2, (int directory, UserString path, int mode, int flags))                      \
    U(440, process_madvise)                                                                        \
    U(441, epoll_pwait2)                                                                           \
    U(442, mount_setattr)                                                                          \
    U(443, quotactl_fd)                                                                            \
    U(444, landlock_create_ruleset)                                                                \
    U(445, landlock_add_rule)                                                                      \
    U(446, landlock_restrict_self)                                                                 \
    U(447, memfd_secret)                                                                           \
    U(448, process_mrelease)                                                                       \
    U(449, futex_waitv)                                                                            \
    U(450, set_mempolicy_home_node)
