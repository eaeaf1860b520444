// The values setsockopt takes and getsockopt gives, as every socket family reads and writes
// them (Linux's sock_setsockopt and sock_getsockopt): an int, and a struct timeval for
// SO_RCVTIMEO/SO_SNDTIMEO.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::socket_option {

// An int option: EINVAL when the value is shorter than an int.
ErrorOr<int> int_value(const void* value, size_t length);
// A timeout in ns (0: none): EINVAL when short, EDOM for microseconds out of range; a negative
// time is no wait at all (sock_set_timeout).
ErrorOr<uint64_t> timeout_value(const void* value, size_t length);
// Writes the value; returns its length.
size_t put_int(void* value, int number);
size_t put_timeout(void* value, uint64_t ns);

} // namespace kernel::socket_option
