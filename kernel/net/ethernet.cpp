#include "net/ethernet.h"

#include "lib/string.h"
#include "net/byte_order.h"

namespace kernel::net {

bool parse_ethernet_header(const uint8_t* frame, size_t length, EthernetHeader& header) {
    if (length < ethernet_header_length)
        return false;
    memcpy(header.destination.bytes, frame, 6);
    memcpy(header.source.bytes, frame + 6, 6);
    header.type = load_be16(frame + 12);
    return true;
}

void write_ethernet_header(uint8_t* frame, const EthernetHeader& header) {
    memcpy(frame, header.destination.bytes, 6);
    memcpy(frame + 6, header.source.bytes, 6);
    store_be16(frame + 12, header.type);
}

} // namespace kernel::net
