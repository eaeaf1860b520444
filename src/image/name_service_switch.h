// glibc's Name Service Switch as far as building an image needs it: which databases a program
// may consult (from the functions it imports) and which services /etc/nsswitch.conf names for
// them (nsswitch.conf(5)). glibc loads each service other than its built-in "files" and "dns"
// (built into libc.so.6 since glibc 2.34) as libnss_SERVICE.so.2 at run time, with dlopen: no
// DT_NEEDED names it.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

// database -> services in their order, e.g. "passwd" -> {"files", "systemd"}. Comments and
// action items such as "[NOTFOUND=return]" are dropped; a malformed line is ignored, as glibc
// ignores it.
std::map<std::string, std::vector<std::string>> parse_nsswitch_conf(std::string_view text);

// The databases the functions among `imported_symbols` consult (getpwnam -> passwd,
// getaddrinfo -> hosts, initgroups -> initgroups and group, ...).
std::set<std::string> name_service_databases(const std::vector<std::string>& imported_symbols);

// Services glibc 2.34+ carries inside libc.so.6, loading nothing for them.
bool is_built_in_name_service(std::string_view service);

} // namespace ingot
