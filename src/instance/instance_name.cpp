#include "instance/instance_name.h"

#include "support/error.h"

#include <sys/random.h>

#include <array>
#include <fmt/format.h>

namespace ingot {

namespace {

bool is_name_character(char c, bool first) {
    bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alphanumeric || (!first && (c == '_' || c == '.' || c == '-'));
}

constexpr std::array adjectives = {"bold",  "brave", "calm",   "eager", "fond",  "gentle",
                                   "happy", "keen",  "lucid",  "merry", "noble", "proud",
                                   "quiet", "sharp", "steady", "swift", "vivid", "witty"};
constexpr std::array metals = {"bismuth", "cobalt", "copper",   "gallium",  "gold",
                               "indium",  "iron",   "nickel",   "osmium",   "platinum",
                               "silver",  "tin",    "titanium", "tungsten", "zinc"};

} // namespace

bool is_valid_instance_name(std::string_view name) {
    if (name.empty() || name.size() > 128)
        return false;
    for (size_t i = 0; i < name.size(); ++i)
        if (!is_name_character(name[i], i == 0))
            return false;
    return true;
}

void check_instance_name(std::string_view name) {
    if (!is_valid_instance_name(name))
        fail("invalid instance name '{}': up to 128 of [a-zA-Z0-9_.-], starting with a letter or "
             "digit",
             name);
}

std::string generate_instance_id() {
    std::array<uint8_t, 32> bytes{};
    size_t filled = 0;
    while (filled < bytes.size()) {
        ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fail("getrandom: {}", system_error_text(errno));
        }
        filled += static_cast<size_t>(got);
    }
    std::string id;
    for (uint8_t byte : bytes)
        id += fmt::format("{:02x}", byte);
    return id;
}

std::string generated_instance_name(uint64_t random) {
    return fmt::format("{}_{}", adjectives[random % adjectives.size()],
                       metals[(random / adjectives.size()) % metals.size()]);
}

std::string short_instance_id(std::string_view id) {
    return std::string(id.substr(0, 12));
}

const InstanceKey& match_instance(std::string_view word, const std::vector<InstanceKey>& known) {
    if (word.empty())
        fail("an instance name or id is required");
    for (const auto& key : known)
        if (key.id == word)
            return key;
    for (const auto& key : known)
        if (key.name == word)
            return key;
    const InstanceKey* found = nullptr;
    for (const auto& key : known)
        if (key.id.starts_with(word)) {
            if (found)
                fail("'{}' is the start of several instances' ids ({} and {}): give more digits",
                     word, short_instance_id(found->id), short_instance_id(key.id));
            found = &key;
        }
    if (!found)
        fail("no such instance: '{}' (see 'ingot ps -a')", word);
    return *found;
}

} // namespace ingot
