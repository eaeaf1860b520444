// `kill ID SIGNAL` as runc takes it: a number, or a name with or without "SIG" (TERM, SIGKILL).
#pragma once

#include <optional>
#include <string>

namespace ingot {

std::optional<int> parse_signal(const std::string& text);

} // namespace ingot
