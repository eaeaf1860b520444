#include "launch/start_notice.h"

#include <unistd.h>

#include <cerrno>

namespace ingot {

namespace {

int notice_fd = -1;

} // namespace

void set_start_notice_descriptor(int fd) {
    notice_fd = fd;
}

void notify_guest_started() {
    if (notice_fd < 0)
        return;
    // A reader that is gone (the supervisor died) is no reason to stop the guest: EPIPE is
    // ignored, as ingot ignores SIGPIPE while it runs a guest.
    char byte = 1;
    while (write(notice_fd, &byte, 1) < 0 && errno == EINTR) {
    }
    close(notice_fd);
    notice_fd = -1;
}

} // namespace ingot
