// The moment a launch's guest starts, told to whoever waits for it: a detached instance's
// supervisor passes a pipe (ingot launch-plan --started-fd) and counts the instance as started
// when a byte arrives, so that every failure before it (the image, the tap, /dev/kvm, QEMU)
// is a start error and nothing after it is.
#pragma once

namespace ingot {

// The descriptor to write to; it is closed once the guest started. Without one, nothing is
// told.
void set_start_notice_descriptor(int fd);

// Called by a platform once its guest runs: the hvt monitor right before it seals its vCPU
// thread for the first KVM_RUN, QEMU's runner once QEMU's process runs.
void notify_guest_started();

} // namespace ingot
