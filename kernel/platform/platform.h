// What the rest of the kernel needs from the machine it runs on. One implementation per
// platform (hvt: the Ingot monitor's hypercalls), chosen at build time.
#pragma once

#include "lib/error_or.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/hypercall.h>

#include <stddef.h>
#include <stdint.h>

namespace kernel::platform {

void initialize(const abi::BootInfo& boot_info);

// `data` must be kernel memory (the image or the direct map), not the program's.
ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length);
// Returns 0 at end of input; EAGAIN when nothing is ready.
ErrorOr<size_t> console_read(void* data, size_t length);
// Blocks until an event in `interest` or the timeout; returns the ready events.
uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns);
[[noreturn]] void exit(int status);
[[noreturn]] void crash(const abi::CrashArgs& crash);

abi::StreamKind stream_kind(int fd);

} // namespace kernel::platform
