#include "oci/signal_names.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ingot {

std::optional<int> parse_signal(const std::string& text) {
    int number = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (error == std::errc() && end == text.data() + text.size())
        return number > 0 && number < NSIG ? std::optional(number) : std::nullopt;
    std::string name = text;
    std::ranges::transform(name, name.begin(), [](unsigned char c) { return std::toupper(c); });
    if (name.starts_with("SIG"))
        name.erase(0, 3);
    if (name.empty())
        return std::nullopt;
    // sigabbrev_np(3) (glibc 2.32) names each signal without "SIG", as kill -l does.
    for (int signal = 1; signal < NSIG; ++signal)
        if (const char* abbreviation = ::sigabbrev_np(signal); abbreviation && name == abbreviation)
            return signal;
    return std::nullopt;
}

} // namespace ingot
