// The program's .eh_frame and .eh_frame_hdr, found by name in the section headers of the
// program file the payload carries. The CFI is read from that file copy; the addresses it
// describes are where the loader put the program (section address + load bias).
#pragma once

#include "debug/eh_frame.h"

namespace kernel::debug {

// An absent EhFrame when the program has no .eh_frame or its headers do not fit the file.
EhFrame find_program_cfi(const uint8_t* file, size_t size, uint64_t load_bias);

} // namespace kernel::debug
