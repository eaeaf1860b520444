#include "zone.h"

namespace dns {
namespace {

Record a(std::string owner, std::array<std::uint8_t, 4> address) {
    return Record{.owner = std::move(owner), .type = type_a, .ttl = 300, .address = address};
}
Record name_record(std::string owner, RecordType type, std::string target) {
    return Record{.owner = std::move(owner), .type = type, .ttl = 300, .target = std::move(target)};
}
Record txt(std::string owner, std::vector<std::string> texts) {
    return Record{
        .owner = std::move(owner), .type = type_txt, .ttl = 300, .texts = std::move(texts)};
}

Zone make_example_zone() {
    Zone zone;
    zone.origin = "example.test";
    zone.records = {
        Record{.owner = "example.test",
               .type = type_soa,
               .ttl = 3600,
               .soa = {"ns.example.test", "hostmaster.example.test", 2026112901, 7200, 3600,
                       1209600, 300}},
        name_record("example.test", type_ns, "ns.example.test"),
        a("example.test", {10, 0, 2, 15}),
        txt("example.test", {"v=ingot1 an example zone served by a unikernel"}),
        a("ns.example.test", {10, 0, 2, 15}),
        name_record("www.example.test", type_cname, "example.test"),
        name_record("alias.example.test", type_cname, "www.example.test"),
        name_record("outside.example.test", type_cname, "ingot.invalid"),
        a("multi.example.test", {10, 0, 2, 16}),
        a("multi.example.test", {10, 0, 2, 17}),
        txt("txt.example.test", {"first string", "second string"}),
        a("host.deep.example.test", {10, 0, 2, 18}),
    };
    return zone;
}

bool is_at_or_below(const std::string& name, const std::string& ancestor) {
    if (name.size() == ancestor.size())
        return name == ancestor;
    return name.size() > ancestor.size() &&
           name.compare(name.size() - ancestor.size(), ancestor.size(), ancestor) == 0 &&
           name[name.size() - ancestor.size() - 1] == '.';
}

} // namespace

const Record& Zone::soa() const {
    for (const Record& record : records)
        if (record.type == type_soa)
            return record;
    return records.front();
}

bool Zone::contains(const std::string& name) const {
    return is_at_or_below(name, origin);
}

bool Zone::name_exists(const std::string& name) const {
    for (const Record& record : records)
        if (is_at_or_below(record.owner, name))
            return true;
    return false;
}

const Zone& example_zone() {
    static const Zone zone = make_example_zone();
    return zone;
}

} // namespace dns
