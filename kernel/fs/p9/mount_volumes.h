// Boot: each volume the platform found (volume_list.h) mounted on its guest directory, which is
// made first (as `mkdir -p`). After the root file system is mounted, before the program starts.
#pragma once

#include "lib/error_or.h"

namespace kernel::p9 {

// Logs the volume that failed and returns its error: the program must not start without a
// volume it was given, or it would write its data into the image's memory instead.
ErrorOr<void> mount_volumes();

} // namespace kernel::p9
