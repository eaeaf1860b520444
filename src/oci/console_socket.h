// process.terminal: the container's terminal is a pseudo-terminal whose master goes to the
// caller's --console-socket, as runc does: one message on that AF_UNIX socket carrying the
// master in SCM_RIGHTS (unix(7)) and the terminal's name as its bytes. conmon and containerd's
// shim relay it to the user.
#pragma once

#include "net/owned_fd.h"

#include <string>

namespace ingot {

// Opens a pseudo-terminal, sends its master to `socket_path` and returns the slave, which
// becomes the init's stdio. Throws UserError.
OwnedFd send_console(const std::string& socket_path);

// In the init: a session of its own with `terminal` as its controlling terminal and stdio.
void adopt_console(int terminal);

} // namespace ingot
