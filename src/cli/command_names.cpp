#include "cli/command_names.h"

#include <algorithm>
#include <numeric>

namespace ingot {

size_t edit_distance(std::string_view a, std::string_view b) {
    // One row of the Wagner-Fischer table at a time.
    std::vector<size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), size_t{0});
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            diagonal = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
        }
    }
    return row[b.size()];
}

std::string nearest_command(std::string_view word, const std::vector<std::string>& commands) {
    return *std::min_element(commands.begin(), commands.end(),
                             [&](const std::string& a, const std::string& b) {
                                 return edit_distance(word, a) < edit_distance(word, b);
                             });
}

std::string command_list(const std::vector<std::string>& commands) {
    std::string text;
    for (size_t i = 0; i < commands.size(); ++i) {
        if (i > 0)
            text += i + 1 == commands.size() ? " or " : ", ";
        text += commands[i];
    }
    return text;
}

} // namespace ingot
