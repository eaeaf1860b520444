// The pvh console: the byte stream of include/ingot/abi/pvh_console.h over COM1, or, when the
// command line says `ingot.console=virtio` and the device is there, over a virtio-console
// port. COM1 carries everything until the devices are probed (early boot messages); the port
// then takes over, and gives the stream back to COM1 if the device breaks or the kernel
// itself faults, whose report must not go through the code that may have faulted.
#pragma once

#include <stdint.h>

namespace kernel::pc {
class SerialPort;
}

namespace kernel::pvh {

// COM1 when a UART answers there, else nullptr.
pc::SerialPort* serial_port();
// After the devices are probed: moves the stream to the virtio-console port if the command
// line asks for it and one opened, and says `ready` where input is to come.
void start_device_console(bool report);
// The console is a virtio-console port, which is polled: its input must be looked for at
// ticks and the CPU woken from hlt no later than console_poll_interval_ns().
bool console_is_polled();
uint64_t console_poll_interval_ns();
// Host signals the console delivered: bit n - 1 for signal n.
volatile uint64_t& pending_host_signals();
// For a kernel fault: the rest goes to COM1.
void fall_back_to_serial(const char* why);
// The console's name for the boot log.
const char* console_name();
// Sends the exit frame and waits until the host has everything sent before it.
void finish_console(int status);

} // namespace kernel::pvh
