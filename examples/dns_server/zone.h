// The zone the DNS example serves, compiled in (an Ingot guest has no file system yet).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace dns {

enum RecordType : std::uint16_t {
    type_a = 1,
    type_ns = 2,
    type_cname = 5,
    type_soa = 6,
    type_txt = 16,
    type_opt = 41,
    type_ixfr = 251,
    type_axfr = 252,
    type_any = 255,
};

struct Soa {
    std::string primary;
    std::string mailbox;
    std::uint32_t serial, refresh, retry, expire, minimum;
};

// One resource record. Names are lower case, absolute, without the final dot ("" is the root).
struct Record {
    std::string owner;
    RecordType type;
    std::uint32_t ttl;
    std::array<std::uint8_t, 4> address{}; // A
    std::string target{};                  // NS, CNAME
    std::vector<std::string> texts{};      // TXT: one or more character strings
    Soa soa{};                             // SOA
};

struct Zone {
    std::string origin;
    std::vector<Record> records;

    const Record& soa() const;                    // the zone's SOA record, at the origin
    bool contains(const std::string& name) const; // at or below the origin
    // Does the name exist: does it own records, or is it an empty non-terminal above some?
    bool name_exists(const std::string& name) const;
};

// example.test: an SOA, an NS, A records (10.0.2.15 for the apex and ns), CNAMEs (www, a
// chain, one leaving the zone) and TXT records.
const Zone& example_zone();

} // namespace dns
