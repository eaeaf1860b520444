// The program's .eh_frame and .eh_frame_hdr, found by name in the section headers of the
// program file the payload carries. The CFI is read from that file copy; the addresses it
// describes are where the loader put the program (section address + load bias).
#pragma once

#include "debug/eh_frame.h"

namespace kernel::debug {

// An absent EhFrame when the program has no .eh_frame or its headers do not fit the file.
EhFrame find_program_cfi(const uint8_t* file, size_t size, uint64_t load_bias);

// A loaded object's tables (a library, the interpreter), found through its .eh_frame_hdr
// (PT_GNU_EH_FRAME), in place: `header` holds .eh_frame_hdr and `readable` the loaded bytes
// around it, where the linker puts .eh_frame too (it ends by their end at the latest). ENOENT
// when the header does not parse or points outside them.
ErrorOr<EhFrame> find_loaded_cfi(const CfiBytes& header, const CfiBytes& readable);

} // namespace kernel::debug
