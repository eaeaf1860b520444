#include "lib/zero_page.h"

namespace kernel {

const uint8_t zero_page[zero_page_size] = {};

} // namespace kernel
