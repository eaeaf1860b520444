// A problem the user can act on: printed as one line, exit status 2.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace ingot {

class UserError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <typename... Arguments>
[[noreturn]] void fail(fmt::format_string<Arguments...> pattern, Arguments&&... arguments) {
    throw UserError(fmt::format(pattern, std::forward<Arguments>(arguments)...));
}

// errno as words, for messages about system calls the tool made.
std::string system_error_text(int error_number);

} // namespace ingot
