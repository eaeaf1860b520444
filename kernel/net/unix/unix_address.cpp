#include "net/unix/unix_address.h"

#include "lib/string.h"
#include "net/socket_address.h"

namespace kernel::net::unix_domain {

bool UnixAddress::operator==(const UnixAddress& other) const {
    return kind == other.kind && name_length == other.name_length &&
           memcmp(name, other.name, name_length) == 0;
}

size_t UnixAddress::encode(uint8_t (&raw)[path_offset + path_capacity + 1]) const {
    memset(raw, 0, sizeof raw);
    uint16_t family = af_unix;
    memcpy(raw, &family, sizeof family);
    switch (kind) {
    case Kind::Unnamed:
        return path_offset;
    case Kind::Path:
        memcpy(raw + path_offset, name, name_length);
        return path_offset + name_length + 1;
    case Kind::Abstract:
        memcpy(raw + path_offset + 1, name, name_length);
        return path_offset + 1 + name_length;
    }
    return path_offset;
}

ErrorOr<UnixAddress> parse_unix_address(const void* raw, size_t length) {
    if (length <= path_offset || length > path_offset + path_capacity)
        return EINVAL;
    const auto* bytes = static_cast<const uint8_t*>(raw);
    uint16_t family;
    memcpy(&family, bytes, sizeof family);
    if (family != af_unix)
        return EINVAL;
    UnixAddress address;
    const uint8_t* name = bytes + path_offset;
    size_t name_length = length - path_offset;
    if (name[0] == 0) {
        address.kind = UnixAddress::Kind::Abstract;
        address.name_length = name_length - 1;
        memcpy(address.name, name + 1, address.name_length);
        return address;
    }
    size_t path_length = 0;
    while (path_length < name_length && name[path_length] != 0)
        ++path_length;
    address.kind = UnixAddress::Kind::Path;
    address.name_length = path_length;
    memcpy(address.name, name, path_length);
    return address;
}

bool is_autobind_request(const void* raw, size_t length) {
    if (length != path_offset)
        return false;
    uint16_t family;
    memcpy(&family, raw, sizeof family);
    return family == af_unix;
}

UnixAddress autobind_name(uint32_t number) {
    constexpr char digits[] = "0123456789abcdef";
    UnixAddress address;
    address.kind = UnixAddress::Kind::Abstract;
    address.name_length = 5;
    for (size_t i = 0; i < 5; ++i)
        address.name[i] = digits[(number >> (4 * (4 - i))) & 0xf];
    return address;
}

} // namespace kernel::net::unix_domain
