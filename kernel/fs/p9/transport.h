// How the 9P client reaches its server: one request, then its response. virtio-9p carries it
// on pvh (QEMU serves the volume), the hvt monitor's VolumeRequest hypercall on hvt, and the
// unit tests an in-memory stand-in in front of the monitor's own server.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::p9 {

class Transport {
public:
    // The largest message either way, between p9::minimum_message_size and
    // p9::maximum_message_size: the client offers it as msize.
    virtual uint32_t message_size() const = 0;
    // Where the client builds each request and finds each response: message_size() bytes each,
    // owned by the transport (a device may need them at known physical addresses).
    virtual uint8_t* request_buffer() = 0;
    virtual uint8_t* response_buffer() = 0;
    // Sends the `length`-byte request and waits for the response: how many bytes of the
    // response buffer it filled. EIO when the transport itself failed.
    virtual ErrorOr<size_t> exchange(size_t length) = 0;

protected:
    ~Transport() = default;
};

} // namespace kernel::p9
