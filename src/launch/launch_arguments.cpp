#include "launch/launch_arguments.h"

#include <algorithm>
#include <string_view>

namespace ingot {

namespace {

std::string_view variable_name(std::string_view variable) {
    return variable.substr(0, variable.find('='));
}

} // namespace

std::vector<std::string> launch_arguments(const Manifest& image,
                                          const std::vector<std::string>& run_arguments) {
    if (run_arguments.empty())
        return image.arguments;
    std::vector<std::string> arguments{image.arguments.front()};
    arguments.insert(arguments.end(), run_arguments.begin(), run_arguments.end());
    return arguments;
}

std::vector<std::string> merge_environment(const std::vector<std::string>& image,
                                           const std::vector<std::string>& run) {
    std::vector<std::string> merged = image;
    for (const std::string& variable : run) {
        auto slot = std::find_if(merged.begin(), merged.end(), [&](const std::string& existing) {
            return variable_name(existing) == variable_name(variable);
        });
        if (slot == merged.end())
            merged.push_back(variable);
        else
            *slot = variable;
    }
    return merged;
}

RunTimeArguments run_time_arguments(const Manifest& image,
                                    const std::vector<std::string>& arguments,
                                    const std::vector<std::string>& environment) {
    RunTimeArguments told;
    if (arguments != image.arguments)
        told.arguments = arguments;
    // merge_environment only replaces or appends: position i below the image's count is the
    // image's variable i, or one of the same NAME that replaced it.
    for (size_t i = 0; i < environment.size(); ++i)
        if (i >= image.environment.size() || environment[i] != image.environment[i])
            told.environment.push_back(environment[i]);
    return told;
}

std::vector<uint8_t> encode_run_time_arguments(const RunTimeArguments& arguments) {
    if (arguments.empty())
        return {};
    return encode_run_time_arguments(arguments.arguments, arguments.environment);
}

} // namespace ingot
