// How `ingot run --platform qemu` talks to the kernel on the pvh platform: over the first
// 16550 serial port (COM1, QEMU's stdio), or over a virtio-console port. Booted by hand (plain
// QEMU, Firecracker) the kernel writes stdout, stderr and its log raw to COM1 and reads stdin
// raw from it; with `ingot.console=framed` on its command line, both directions are framed as
// below so that stdout, stderr, end of input, host signals and the full exit status cross one
// byte stream. With `ingot.console=virtio` the same framed stream travels over port
// virtio_console_port of a virtio-console device (virtio 1.x §5.3, multiport) when the kernel
// finds one, in buffers of pages rather than a byte per port I/O; else over COM1 as with
// `ingot.console=framed`. The guest sends `ready` on the one it reads input from.
//
// The kernel command line (PVH start_info cmdline, QEMU -append, Firecracker boot_args):
//
//   [ingot.OPTION[=VALUE] ...] [-- ARGUMENT ...]
//
// Tokens are separated by spaces; in every token %XX stands for the byte 0xXX, so arguments
// may hold spaces, '%' or any other byte. Options:
//   ingot.console=framed        frame COM1 as below
//   ingot.console=virtio        frame a virtio-console port as below (COM1 when there is none)
//   ingot.streams=XYZ           kinds of stdin, stdout, stderr: T terminal, P pipe, F file, N null
//   ingot.env=NAME=VALUE        overrides or extends the image's environment (repeatable)
//   ingot.trace=syscalls        print every system call (as --trace-syscalls on hvt)
//   ingot.syscalls=trap         keep every syscall a trap (as --syscalls trap on hvt)
//   ingot.boot_trace            print the guest's boot timeline on stderr
// Arguments after `--` replace the image's argv[1..]. Tokens the kernel does not know are
// ignored; `virtio_mmio.device=SIZE@BASE:IRQ` tokens (added by Firecracker and QEMU microvm)
// describe virtio-mmio devices and are never passed to the program.
#pragma once

#include <stdint.h>

namespace ingot::abi::pvh_console {

// The console options of the command line, spelled once for the kernel and `ingot run`.
inline constexpr char framed_console_option[] = "ingot.console=framed";
inline constexpr char virtio_console_option[] = "ingot.console=virtio";
// `ingot run --syscalls trap`: abi::boot_flag_syscall_traps.
inline constexpr char syscall_traps_option[] = "ingot.syscalls=trap";

// The virtio-console port (not 0: QEMU keeps port 0 for its `virtconsole`, which drops output
// the host cannot take at once instead of holding the guest back) that carries the stream.
inline constexpr uint32_t virtio_console_port = 1;

// Every special sequence starts with this byte; a literal 0xff is sent as escape, escape.
inline constexpr uint8_t escape = 0xff;

// Guest to host. Output starts on stdout. The guest sends `ready` once its UART is set up
// (setting it up flushes the receiver) or its virtio-console port is open, on the channel it
// will read: the host holds input back until then and sends it there.
inline constexpr uint8_t ready = 'r';
inline constexpr uint8_t to_stdout = 'o';
inline constexpr uint8_t to_stderr = 'e';
// Followed by the exit status as 4 bytes, little endian. The last thing the guest sends.
inline constexpr uint8_t exit_status = 'x';

// Host to guest.
inline constexpr uint8_t end_of_input = 'd';
// Followed by one byte: the signal number the host received (SIGINT, SIGTERM, SIGHUP).
inline constexpr uint8_t host_signal = 's';

// I/O ports of the standard PC devices the kernel uses.
inline constexpr uint16_t com1_port = 0x3f8;
inline constexpr uint16_t debug_exit_port = 0xf4; // QEMU isa-debug-exit, iosize=4

} // namespace ingot::abi::pvh_console
