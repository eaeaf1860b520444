#include "linux/machine_identity.h"

#include "lib/string.h"

namespace kernel::identity {

namespace {

char current_hostname[abi::max_hostname_length + 1] = "ingot";
uint32_t servers[abi::max_dns_servers];
size_t server_count = 0;

bool is_letter_or_digit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

} // namespace

bool is_valid_hostname(const char* name, size_t length) {
    if (length == 0 || length > abi::max_hostname_length)
        return false;
    size_t label_length = 0;
    char previous = '.';
    for (size_t i = 0; i < length; ++i) {
        char c = name[i];
        if (c == '.') {
            if (label_length == 0 || previous == '-')
                return false;
            label_length = 0;
        } else {
            if (!is_letter_or_digit(c) && (c != '-' || label_length == 0))
                return false;
            if (++label_length > 63)
                return false;
        }
        previous = c;
    }
    return label_length > 0 && previous != '-';
}

ErrorOr<void> apply(const abi::Identity& identity) {
    if (identity.magic != abi::identity_magic || identity.dns_count > abi::max_dns_servers)
        return EINVAL;
    const char* end = memchr_bounded(identity.hostname, sizeof identity.hostname);
    if (!end)
        return EINVAL;
    size_t length = static_cast<size_t>(end - identity.hostname);
    if (length && !is_valid_hostname(identity.hostname, length))
        return EINVAL;
    for (size_t i = 0; i < identity.dns_count; ++i)
        if (identity.dns[i] == 0)
            return EINVAL;
    const char* name = length ? identity.hostname : default_hostname;
    length = strlen(name);
    memcpy(current_hostname, name, length);
    current_hostname[length] = 0;
    server_count = identity.dns_count;
    for (size_t i = 0; i < server_count; ++i)
        servers[i] = identity.dns[i];
    return {};
}

const char* hostname() {
    return current_hostname;
}

size_t dns_server_count() {
    return server_count;
}

uint32_t dns_server(size_t index) {
    return index < server_count ? servers[index] : 0;
}

} // namespace kernel::identity
