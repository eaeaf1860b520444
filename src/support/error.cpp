#include "support/error.h"

#include <cstring>

namespace ingot {

std::string system_error_text(int error_number) {
    return std::strerror(error_number);
}

} // namespace ingot
