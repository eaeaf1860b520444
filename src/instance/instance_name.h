// How instances are named, as docker names containers: a 64-hex-digit id, accepted by any
// unique prefix, and a unique name, [a-zA-Z0-9][a-zA-Z0-9_.-]* (moby's RestrictedNameChars),
// generated when --name is not given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

bool is_valid_instance_name(std::string_view name);
// Fails with one line naming the rule.
void check_instance_name(std::string_view name);

std::string generate_instance_id();
// "bold_copper": an adjective and a metal, from `random` (any value).
std::string generated_instance_name(uint64_t random);
// The first 12 digits, as ps shows ids.
std::string short_instance_id(std::string_view id);

struct InstanceKey {
    std::string id;
    std::string name;
};

// Which instance `word` names, in docker's order: a whole id, then a name, then a unique id
// prefix. Fails with one line when none does or a prefix matches several.
const InstanceKey& match_instance(std::string_view word, const std::vector<InstanceKey>& known);

} // namespace ingot
