#include "loader/payload.h"

#include "mm/physical_memory.h"

extern "C" char __kernel_end[];

namespace kernel {

namespace {

uint64_t payload_location = 0;

} // namespace

uint64_t payload_after_kernel() {
    return align_up(kernel_to_physical(__kernel_end), static_cast<uint64_t>(abi::page_size));
}

void set_payload_location(uint64_t physical) {
    payload_location = physical;
}

const abi::PayloadHeader* find_payload(uint64_t& physical) {
    physical = payload_location;
    if (!physical)
        return nullptr;
    const auto* header = physical_to_kernel<const abi::PayloadHeader>(physical);
    if (header->magic != abi::payload_magic || header->version != abi::payload_version)
        return nullptr;
    return header;
}

} // namespace kernel
