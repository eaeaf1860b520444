// Linux errno values: the kernel speaks the Linux ABI, so these are its error vocabulary.
// ENOTSUP is Linux's EOPNOTSUPP (95); EWOULDBLOCK is EAGAIN.
#pragma once

namespace kernel {

#define ENUMERATE_ERRNOS(E)                                                                        \
    E(EPERM, 1)                                                                                    \
    E(ENOENT, 2)                                                                                   \
    E(ESRCH, 3)                                                                                    \
    E(EINTR, 4)                                                                                    \
    E(EIO, 5)                                                                                      \
    E(ENXIO, 6)                                                                                    \
    E(E2BIG, 7)                                                                                    \
    E(ENOEXEC, 8)                                                                                  \
    E(EBADF, 9)                                                                                    \
    E(ECHILD, 10)                                                                                  \
    E(EAGAIN, 11)                                                                                  \
    E(ENOMEM, 12)                                                                                  \
    E(EACCES, 13)                                                                                  \
    E(EFAULT, 14)                                                                                  \
    E(ENOTBLK, 15)                                                                                 \
    E(EBUSY, 16)                                                                                   \
    E(EEXIST, 17)                                                                                  \
    E(EXDEV, 18)                                                                                   \
    E(ENODEV, 19)                                                                                  \
    E(ENOTDIR, 20)                                                                                 \
    E(EISDIR, 21)                                                                                  \
    E(EINVAL, 22)                                                                                  \
    E(ENFILE, 23)                                                                                  \
    E(EMFILE, 24)                                                                                  \
    E(ENOTTY, 25)                                                                                  \
    E(ETXTBSY, 26)                                                                                 \
    E(EFBIG, 27)                                                                                   \
    E(ENOSPC, 28)                                                                                  \
    E(ESPIPE, 29)                                                                                  \
    E(EROFS, 30)                                                                                   \
    E(EMLINK, 31)                                                                                  \
    E(EPIPE, 32)                                                                                   \
    E(EDOM, 33)                                                                                    \
    E(ERANGE, 34)                                                                                  \
    E(EDEADLK, 35)                                                                                 \
    E(ENAMETOOLONG, 36)                                                                            \
    E(ENOLCK, 37)                                                                                  \
    E(ENOSYS, 38)                                                                                  \
    E(ENOTEMPTY, 39)                                                                               \
    E(ELOOP, 40)                                                                                   \
    E(ENOSTR, 60)                                                                                  \
    E(ENODATA, 61)                                                                                 \
    E(ENOLINK, 67)                                                                                 \
    E(EPROTO, 71)                                                                                  \
    E(EBADMSG, 74)                                                                                 \
    E(EOVERFLOW, 75)                                                                               \
    E(EBADFD, 77)                                                                                  \
    E(EILSEQ, 84)                                                                                  \
    E(EUSERS, 87)                                                                                  \
    E(ENOTSOCK, 88)                                                                                \
    E(EDESTADDRREQ, 89)                                                                            \
    E(EMSGSIZE, 90)                                                                                \
    E(EPROTOTYPE, 91)                                                                              \
    E(ENOPROTOOPT, 92)                                                                             \
    E(EPROTONOSUPPORT, 93)                                                                         \
    E(ESOCKTNOSUPPORT, 94)                                                                         \
    E(ENOTSUP, 95)                                                                                 \
    E(EPFNOSUPPORT, 96)                                                                            \
    E(EAFNOSUPPORT, 97)                                                                            \
    E(EADDRINUSE, 98)                                                                              \
    E(EADDRNOTAVAIL, 99)                                                                           \
    E(ENETDOWN, 100)                                                                               \
    E(ENETUNREACH, 101)                                                                            \
    E(ENETRESET, 102)                                                                              \
    E(ECONNABORTED, 103)                                                                           \
    E(ECONNRESET, 104)                                                                             \
    E(ENOBUFS, 105)                                                                                \
    E(EISCONN, 106)                                                                                \
    E(ENOTCONN, 107)                                                                               \
    E(ESHUTDOWN, 108)                                                                              \
    E(ETOOMANYREFS, 109)                                                                           \
    E(ETIMEDOUT, 110)                                                                              \
    E(ECONNREFUSED, 111)                                                                           \
    E(EHOSTDOWN, 112)                                                                              \
    E(EHOSTUNREACH, 113)                                                                           \
    E(EALREADY, 114)                                                                               \
    E(EINPROGRESS, 115)                                                                            \
    E(ESTALE, 116)                                                                                 \
    E(EDQUOT, 122)                                                                                 \
    E(ECANCELED, 125)                                                                              \
    E(EOWNERDEAD, 130)

enum Errno : int {
#define DEFINE_ERRNO(name, value) name = value,
    ENUMERATE_ERRNOS(DEFINE_ERRNO)
#undef DEFINE_ERRNO
};

const char* errno_name(int code);

} // namespace kernel
