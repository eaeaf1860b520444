// `ingot run --hostname NAME --dns ADDR`: who the guest machine is, as Docker's options of the
// same names say. Checked here (one error line, exit 2), carried to the kernel as an
// abi::Identity (hvt) or the kernel command line (qemu).
#pragma once

#include <CLI/CLI.hpp>

#include <ingot/abi/identity.h>

#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct IdentityOptions {
    std::string hostname;         // --hostname NAME
    std::vector<std::string> dns; // --dns ADDR, repeatable
};

void add_identity_options(CLI::App& command, IdentityOptions& options);

// Nothing when neither option is given (the kernel's defaults: hostname "ingot", DNS from the
// network's DHCP lease). Throws UserError for a name that is not an RFC 1123 host name, an
// address that is not IPv4, or more servers than resolv.conf's MAXNS.
std::optional<abi::Identity> plan_identity(const IdentityOptions& options);

// RFC 1123 section 2.1 (RFC 952 relaxed): dot-separated labels of letters, digits and
// hyphens, 1 to 63 characters, neither starting nor ending with a hyphen; at most 64 in all
// (HOST_NAME_MAX).
bool is_valid_hostname(std::string_view name);

} // namespace ingot
