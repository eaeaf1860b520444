#include "lib/errno.h"

namespace kernel {

const char* errno_name(int code) {
    switch (code) {
#define NAME_ERRNO(name, value)                                                                    \
    case name:                                                                                     \
        return #name;
        ENUMERATE_ERRNOS(NAME_ERRNO)
#undef NAME_ERRNO
    default:
        return "E?";
    }
}

} // namespace kernel
