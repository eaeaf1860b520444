#include "support/stream_kind.h"

#include <sys/stat.h>
#include <unistd.h>

namespace ingot {

abi::StreamKind stream_kind_of(int fd) {
    struct stat status;
    if (::fstat(fd, &status) != 0)
        return abi::StreamKind::Null;
    if (::isatty(fd))
        return abi::StreamKind::Terminal;
    if (S_ISFIFO(status.st_mode) || S_ISSOCK(status.st_mode))
        return abi::StreamKind::Pipe;
    if (S_ISREG(status.st_mode))
        return abi::StreamKind::File;
    return abi::StreamKind::Null;
}

} // namespace ingot
