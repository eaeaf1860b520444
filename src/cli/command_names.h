// Naming ingot's commands in errors: the list, and the one nearest to a mistyped word.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ingot {

// Levenshtein distance: insertions, deletions and substitutions, each costing 1.
size_t edit_distance(std::string_view a, std::string_view b);

// The command with the smallest edit distance to `word` (the first of equals); `commands` is
// not empty.
std::string nearest_command(std::string_view word, const std::vector<std::string>& commands);

// "build, run or inspect".
std::string command_list(const std::vector<std::string>& commands);

} // namespace ingot
