#include "image/name_service_switch.h"

#include <array>
#include <utility>

namespace ingot {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

// glibc's interfaces that go through a database (nss/databases.def and the get*ent families;
// the reentrant _r forms are matched after their suffix is cut off).
constexpr std::array<std::pair<std::string_view, std::string_view>, 45> database_of_function = {{
    {"getpwnam", "passwd"},
    {"getpwuid", "passwd"},
    {"getpwent", "passwd"},
    {"fgetpwent", "passwd"},
    {"getpw", "passwd"},
    {"getgrnam", "group"},
    {"getgrgid", "group"},
    {"getgrent", "group"},
    {"initgroups", "initgroups"},
    {"getgrouplist", "initgroups"},
    {"getspnam", "shadow"},
    {"getspent", "shadow"},
    {"getsgnam", "gshadow"},
    {"getsgent", "gshadow"},
    {"getaddrinfo", "hosts"},
    {"getnameinfo", "hosts"},
    {"gethostbyname", "hosts"},
    {"gethostbyname2", "hosts"},
    {"gethostbyaddr", "hosts"},
    {"gethostent", "hosts"},
    {"getnetbyname", "networks"},
    {"getnetbyaddr", "networks"},
    {"getnetent", "networks"},
    {"getprotobyname", "protocols"},
    {"getprotobynumber", "protocols"},
    {"getprotoent", "protocols"},
    {"getservbyname", "services"},
    {"getservbyport", "services"},
    {"getservent", "services"},
    {"getrpcbyname", "rpc"},
    {"getrpcbynumber", "rpc"},
    {"getrpcent", "rpc"},
    {"ether_hostton", "ethers"},
    {"ether_ntohost", "ethers"},
    {"setnetgrent", "netgroup"},
    {"getnetgrent", "netgroup"},
    {"innetgr", "netgroup"},
    {"getaliasbyname", "aliases"},
    {"getaliasent", "aliases"},
    {"getpublickey", "publickey"},
    {"getsecretkey", "publickey"},
    {"rcmd", "hosts"},
    {"rexec", "hosts"},
    {"ruserok", "hosts"},
    {"getlogin", "passwd"},
}};

} // namespace

std::map<std::string, std::vector<std::string>> parse_nsswitch_conf(std::string_view text) {
    std::map<std::string, std::vector<std::string>> databases;
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (size_t comment = line.find('#'); comment != std::string_view::npos)
            line = line.substr(0, comment);
        size_t colon = line.find(':');
        if (colon == std::string_view::npos)
            continue;
        std::string_view name = line.substr(0, colon);
        while (!name.empty() && is_space(name.front()))
            name.remove_prefix(1);
        while (!name.empty() && is_space(name.back()))
            name.remove_suffix(1);
        if (name.empty())
            continue;
        std::vector<std::string> services;
        std::string_view rest = line.substr(colon + 1);
        size_t i = 0;
        while (i < rest.size()) {
            if (is_space(rest[i])) {
                ++i;
            } else if (rest[i] == '[') { // an action such as [NOTFOUND=return], spaces allowed
                size_t close = rest.find(']', i);
                i = close == std::string_view::npos ? rest.size() : close + 1;
            } else {
                size_t start = i;
                while (i < rest.size() && !is_space(rest[i]) && rest[i] != '[')
                    ++i;
                services.emplace_back(rest.substr(start, i - start));
            }
        }
        // The first line for a database is the one glibc uses.
        databases.emplace(std::string(name), std::move(services));
    }
    return databases;
}

std::set<std::string> name_service_databases(const std::vector<std::string>& imported_symbols) {
    std::set<std::string> databases;
    for (std::string_view symbol : imported_symbols) {
        if (symbol.ends_with("_r"))
            symbol.remove_suffix(2);
        for (const auto& [function, database] : database_of_function) {
            if (symbol != function)
                continue;
            databases.emplace(database);
            // glibc falls back to the group database when nsswitch.conf has no initgroups line.
            if (database == "initgroups")
                databases.emplace("group");
        }
    }
    return databases;
}

bool is_built_in_name_service(std::string_view service) {
    return service == "files" || service == "dns";
}

} // namespace ingot
