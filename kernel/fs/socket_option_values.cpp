#include "fs/socket_option_values.h"

#include "lib/string.h"
#include "lib/utility.h"
#include "time/clock.h"

namespace kernel::socket_option {

namespace {

struct LinuxTimeval {
    int64_t seconds;
    int64_t microseconds;
};

} // namespace

ErrorOr<int> int_value(const void* value, size_t length) {
    if (length < sizeof(int))
        return EINVAL;
    int result;
    memcpy(&result, value, sizeof result);
    return result;
}

ErrorOr<uint64_t> timeout_value(const void* value, size_t length) {
    if (length < sizeof(LinuxTimeval))
        return EINVAL;
    LinuxTimeval timeout;
    memcpy(&timeout, value, sizeof timeout);
    if (timeout.microseconds < 0 || timeout.microseconds >= 1000000)
        return EDOM;
    if (timeout.seconds < 0)
        return static_cast<uint64_t>(0);
    uint64_t seconds = min<uint64_t>(timeout.seconds, 1ull << 32);
    return seconds * clock::ns_per_second + static_cast<uint64_t>(timeout.microseconds) * 1000;
}

size_t put_int(void* value, int number) {
    memcpy(value, &number, sizeof number);
    return sizeof number;
}

size_t put_timeout(void* value, uint64_t ns) {
    LinuxTimeval timeout{static_cast<int64_t>(ns / clock::ns_per_second),
                         static_cast<int64_t>(ns % clock::ns_per_second / 1000)};
    memcpy(value, &timeout, sizeof timeout);
    return sizeof timeout;
}

} // namespace kernel::socket_option
