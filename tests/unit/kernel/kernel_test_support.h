// Include first in kernel tests. The kernel names Linux errno values as enumerators of
// kernel::Errno, which the C library's errno macros would rewrite, and its lib/string.h
// redeclares memcpy & co. without noexcept, which must follow glibc's declarations. So: every
// system header the tests need comes first, the errno macros are dropped, and only then the
// kernel headers. Kernel test files include no system header after this one.
#pragma once

#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#undef EPERM
#undef ENOENT
#undef ESRCH
#undef EINTR
#undef EIO
#undef ENXIO
#undef E2BIG
#undef ENOEXEC
#undef EBADF
#undef ECHILD
#undef EAGAIN
#undef ENOMEM
#undef EACCES
#undef EFAULT
#undef ENOTBLK
#undef EBUSY
#undef EEXIST
#undef EXDEV
#undef ENODEV
#undef ENOTDIR
#undef EISDIR
#undef EINVAL
#undef ENFILE
#undef EMFILE
#undef ENOTTY
#undef ETXTBSY
#undef EFBIG
#undef ENOSPC
#undef ESPIPE
#undef EROFS
#undef EMLINK
#undef EPIPE
#undef EDOM
#undef ERANGE
#undef EDEADLK
#undef ENAMETOOLONG
#undef ENOLCK
#undef ENOSYS
#undef ENOTEMPTY
#undef ELOOP
#undef ENOSTR
#undef ENODATA
#undef ENOLINK
#undef EPROTO
#undef EBADMSG
#undef EOVERFLOW
#undef EBADFD
#undef EILSEQ
#undef EUSERS
#undef ENOTSOCK
#undef EDESTADDRREQ
#undef EMSGSIZE
#undef EPROTOTYPE
#undef ENOPROTOOPT
#undef EPROTONOSUPPORT
#undef ESOCKTNOSUPPORT
#undef ENOTSUP
#undef EPFNOSUPPORT
#undef EAFNOSUPPORT
#undef EADDRINUSE
#undef EADDRNOTAVAIL
#undef ENETDOWN
#undef ENETUNREACH
#undef ENETRESET
#undef ECONNABORTED
#undef ECONNRESET
#undef ENOBUFS
#undef EISCONN
#undef ENOTCONN
#undef ESHUTDOWN
#undef ETOOMANYREFS
#undef ETIMEDOUT
#undef ECONNREFUSED
#undef EHOSTDOWN
#undef EHOSTUNREACH
#undef EALREADY
#undef EINPROGRESS
#undef ESTALE
#undef EDQUOT
#undef ECANCELED
#undef EOWNERDEAD

#include "lib/errno.h"
#include "lib/error_or.h"
#include "mm/frame_allocator.h"

namespace kernel_test {

// The errno of a result, or 0 when it holds a value.
template <typename T> int error_of(const kernel::ErrorOr<T>& result) {
    return result.is_error() ? static_cast<int>(result.error().code()) : 0;
}

// "OK", or the errno's name: comparisons print readably and accept << messages.
template <typename T> std::string outcome(const kernel::ErrorOr<T>& result) {
    return result.is_error() ? kernel::errno_name(error_of(result)) : "OK";
}

#define EXPECT_ERRNO(expression, code)                                                             \
    EXPECT_EQ(kernel_test::outcome(expression), std::string(kernel::errno_name(kernel::code)))
#define ASSERT_OK(expression) ASSERT_EQ(kernel_test::outcome(expression), "OK")
#define EXPECT_OK(expression) EXPECT_EQ(kernel_test::outcome(expression), "OK")

// A host buffer standing in for guest RAM: physical address p is at base() + p. Page aligned
// and heap allocated, so ASan catches anything that strays past its end.
class GuestRam {
public:
    explicit GuestRam(size_t size, uint8_t fill = 0)
        : m_size(size), m_base(static_cast<uint8_t*>(std::aligned_alloc(4096, size))) {
        std::memset(m_base, fill, size);
    }
    ~GuestRam() { std::free(m_base); }
    GuestRam(const GuestRam&) = delete;
    GuestRam& operator=(const GuestRam&) = delete;

    uint8_t* base() const { return m_base; }
    size_t size() const { return m_size; }

private:
    size_t m_size;
    uint8_t* m_base;
};

// The value of an ErrorOr that must hold one (fails the test otherwise and returns T{}).
template <typename T> T value_of(kernel::ErrorOr<T>&& result) {
    if (result.is_error()) {
        ADD_FAILURE() << "unexpected error " << kernel::errno_name(error_of(result));
        return T{};
    }
    return result.release_value();
}

} // namespace kernel_test
