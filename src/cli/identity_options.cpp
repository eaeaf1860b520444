#include "cli/identity_options.h"

#include "net/address_text.h"
#include "support/error.h"

#include <cstring>

namespace ingot {

bool is_valid_hostname(std::string_view name) {
    if (name.empty() || name.size() > abi::max_hostname_length)
        return false;
    size_t label_length = 0;
    char previous = '.';
    for (char c : name) {
        if (c == '.') {
            if (label_length == 0 || previous == '-')
                return false;
            label_length = 0;
        } else {
            bool letter_or_digit =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!letter_or_digit && (c != '-' || label_length == 0))
                return false;
            if (++label_length > 63)
                return false;
        }
        previous = c;
    }
    return label_length > 0 && previous != '-';
}

void add_identity_options(CLI::App& command, IdentityOptions& options) {
    command
        .add_option("--hostname", options.hostname,
                    "The guest's host name: uname, /etc/hostname, /etc/hosts (default: ingot)")
        ->type_name("NAME");
    command
        .add_option("--dns", options.dns,
                    "A DNS server for the guest's /etc/resolv.conf (repeatable, at most 3; "
                    "default: the DHCP lease's)")
        ->type_name("ADDR")
        ->allow_extra_args(false);
}

std::optional<abi::Identity> plan_identity(const IdentityOptions& options) {
    if (options.hostname.empty() && options.dns.empty())
        return std::nullopt;
    abi::Identity identity{};
    identity.magic = abi::identity_magic;
    if (!options.hostname.empty()) {
        if (!is_valid_hostname(options.hostname))
            fail("--hostname {}: not a host name (RFC 1123: letters, digits and hyphens in "
                 "dot-separated labels of at most 63, no hyphen at a label's ends, at most {} "
                 "in all)",
                 options.hostname, abi::max_hostname_length);
        std::memcpy(identity.hostname, options.hostname.data(), options.hostname.size());
    }
    if (options.dns.size() > abi::max_dns_servers)
        fail("--dns was given {} times: the C libraries read at most {} nameservers "
             "(resolv.conf's MAXNS)",
             options.dns.size(), abi::max_dns_servers);
    for (const std::string& text : options.dns) {
        std::optional<uint32_t> address = parse_ipv4(text);
        if (!address)
            fail("--dns {}: not an IPv4 address", text);
        identity.dns[identity.dns_count++] = *address;
    }
    return identity;
}

} // namespace ingot
