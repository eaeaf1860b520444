// C++ symbol names as people read them.
#pragma once

#include <string>

namespace ingot {

// The demangled name, or the name itself when it is not a mangled C++ name.
std::string demangle(const char* name);

} // namespace ingot
