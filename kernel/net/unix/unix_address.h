// struct sockaddr_un as bind, connect, sendto and the name-returning calls take and give it
// (man 7 unix): unnamed (no path), a path in the file system, or an abstract name whose first
// byte is NUL and whose every byte up to the address length counts.
#pragma once

#include "lib/error_or.h"
#include "lib/string_view.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::unix_domain {

// offsetof(struct sockaddr_un, sun_path): the family before the name.
inline constexpr size_t path_offset = 2;
inline constexpr size_t path_capacity = 108; // sizeof sun_path

struct UnixAddress {
    enum class Kind { Unnamed, Path, Abstract };

    Kind kind = Kind::Unnamed;
    // Path: the path's characters (no NUL); abstract: the name after its leading NUL.
    uint8_t name[path_capacity] = {};
    size_t name_length = 0;

    bool is_named() const { return kind != Kind::Unnamed; }
    StringView path() const { return {reinterpret_cast<const char*>(name), name_length}; }
    bool operator==(const UnixAddress& other) const;

    // The address as getsockname/getpeername/recvfrom/accept give it, and its length: the
    // family alone for an unnamed socket; family, path and NUL for a path (Linux counts the
    // NUL); family, NUL and the name for an abstract one.
    size_t encode(uint8_t (&raw)[path_offset + path_capacity + 1]) const;
};

// An address a program passed to bind, connect or sendto, `length` bytes, as Linux's
// unix_validate_addr and unix_mkname_bsd read it: EINVAL when no longer than the family alone,
// longer than a struct sockaddr_un or of another family. A path ends at its first NUL.
ErrorOr<UnixAddress> parse_unix_address(const void* raw, size_t length);

// bind with the family alone (length == path_offset): an unnamed bind asking for autobind.
bool is_autobind_request(const void* raw, size_t length);

// The abstract name autobind gives: five hex digits, as Linux's unix_autobind chooses them.
UnixAddress autobind_name(uint32_t number);

} // namespace kernel::net::unix_domain
