#include "support/demangle.h"

#include <cxxabi.h>

#include <cstdlib>

namespace ingot {

std::string demangle(const char* name) {
    int status = 0;
    char* readable = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    if (status != 0 || !readable)
        return name;
    std::string text = readable;
    std::free(readable);
    return text;
}

} // namespace ingot
