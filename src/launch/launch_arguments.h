// The program's argv and environment: the one rule that combines the image's with the run's,
// and what the guest must be told at boot to arrive at the same result.
#pragma once

#include "image/manifest.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ingot {

// Arguments given at run time replace argv[1..]; argv[0] stays the image's, on both
// platforms. None given: the image's argv.
std::vector<std::string> launch_arguments(const Manifest& image,
                                          const std::vector<std::string>& run_arguments);

// The kernel's rule (kernel/loader/manifest.cpp, apply_run_time_arguments): a variable
// replaces the first of the image's with its NAME, in place, else it is added at the end; a
// later one of the same NAME replaces an earlier one.
std::vector<std::string> merge_environment(const std::vector<std::string>& image,
                                           const std::vector<std::string>& run);

// What the guest reads beyond its manifest: the whole argv when it differs from the image's
// (else none), and the variables the image does not hold as they are. The kernel applies them
// to the manifest with the rule above, which gives back the plan's argv and environment.
struct RunTimeArguments {
    std::vector<std::string> arguments;
    std::vector<std::string> environment;
    bool empty() const { return arguments.empty() && environment.empty(); }
};
RunTimeArguments run_time_arguments(const Manifest& image,
                                    const std::vector<std::string>& arguments,
                                    const std::vector<std::string>& environment);

// abi::ArgumentsHeader and the strings, as BootInfo::arguments carries them on hvt; empty
// when there is nothing to tell. Throws UserError for strings the kernel cannot take.
std::vector<uint8_t> encode_run_time_arguments(const RunTimeArguments& arguments);

} // namespace ingot
