#include "platform/pvh/pvh_console.h"

#include "drivers/pc/serial_port.h"
#include "drivers/probe.h"
#include "lib/format.h"
#include "lib/log.h"
#include "lib/utility.h"
#include "platform/platform_interface.h"
#include "platform/pvh/console_framing.h"
#include "platform/pvh/pvh_interrupts.h"
#include "platform/pvh/pvh_state.h"

#include <ingot/abi/pvh_console.h>

#include <stdarg.h>

namespace kernel::pvh {

namespace {

// How long the CPU may sleep before looking at the virtio-console port again: short while
// input streams in, doubling while none comes, so that an idle program costs few wake-ups and
// a host signal still arrives within the longest interval.
constexpr uint64_t shortest_poll_ns = 500000;
constexpr uint64_t longest_poll_ns = 32000000;

Lifelong<pc::SerialPort> serial_storage;
Lifelong<ByteRing> stdin_ring_storage;
Lifelong<ConsoleEncoder> serial_encoder_storage;
Lifelong<ConsoleEncoder> device_encoder_storage;
Lifelong<ConsoleDecoder> decoder_storage;
// Enough for a virtio-console port's receive buffers several times over.
uint8_t stdin_storage[64 * 1024];
uint8_t device_chunk[4096];

pc::SerialPort* serial;
ByteRing* stdin_ring;
ConsoleEncoder* serial_encoder;
ConsoleDecoder* decoder;
// Set while the stream goes over the virtio-console port, with its own encoder: the host
// decodes each channel on its own, each starting on stdout.
virtio::VirtioConsoleDevice* device;
ConsoleEncoder* device_encoder;
bool framed;
uint64_t poll_interval_ns = shortest_poll_ns;
volatile uint64_t pending_signals;

ErrorOr<void> send_serial(const uint8_t* data, size_t length) {
    if (!serial)
        return {};
    size_t done = 0;
    while (done < length)
        done += TRY(serial->write(data + done, length - done));
    return {};
}

// The device frees transmit buffers as the host reads them: a slow host holds the guest here,
// as its full UART would, instead of losing output.
ErrorOr<void> send_device(const uint8_t* data, size_t length) {
    while (length > 0) {
        size_t taken = TRY(device->write(data, length));
        data += taken;
        length -= taken;
        if (length > 0)
            asm volatile("pause");
    }
    return {};
}

void say_ready(ConsoleEncoder& encoder) {
    if (!framed)
        return;
    const uint8_t ready[] = {abi::pvh_console::escape, abi::pvh_console::ready};
    if (&encoder == device_encoder && device) {
        if (send_device(ready, sizeof ready).is_error() || device->flush().is_error())
            fall_back_to_serial("the virtio-console port failed");
    } else {
        (void)send_serial(ready, sizeof ready);
    }
}

void receive_serial_input() {
    uint8_t chunk[64];
    for (;;) {
        size_t room = min(decoder->room(), sizeof chunk);
        size_t taken = room ? serial->read_available(chunk, room) : 0;
        if (taken)
            decoder->feed(chunk, taken);
        if (!room || taken < room)
            break;
    }
    serial->enable_receive_interrupt(decoder->room() != 0);
}

void receive_device_input() {
    if (device->poll_control().is_error() || !device->is_open()) {
        fall_back_to_serial("the virtio-console port closed or failed");
        return;
    }
    bool arrived = false;
    for (;;) {
        size_t room = min(decoder->room(), sizeof device_chunk);
        if (room == 0)
            break;
        auto taken = device->read(device_chunk, room);
        if (taken.is_error()) {
            fall_back_to_serial("the virtio-console port failed");
            return;
        }
        if (taken.value() == 0)
            break;
        decoder->feed(device_chunk, taken.value());
        arrived = true;
    }
    poll_interval_ns = arrived ? shortest_poll_ns : min(poll_interval_ns * 2, longest_poll_ns);
}

} // namespace

// Takes what the channel holds while the stdin ring has room; the rest waits there (in the
// UART, whose receive interrupt stays off until there is room again, or in the device).
void receive_console_input() {
    if (device)
        receive_device_input();
    else if (serial)
        receive_serial_input();
    if (uint64_t arrived = decoder->take_signals())
        pending_signals = pending_signals | arrived;
}

bool console_input_ready() {
    return !stdin_ring->is_empty() || decoder->end_of_input();
}

volatile uint64_t& pending_host_signals() {
    return pending_signals;
}

pc::SerialPort* serial_port() {
    return serial;
}

void initialize_console(const CommandLine& command_line) {
    framed = command_line.framed_console;
    uint8_t* storage = stdin_storage;
    size_t capacity = sizeof stdin_storage;
    stdin_ring = &stdin_ring_storage.construct(storage, capacity);
    serial_encoder = &serial_encoder_storage.construct(framed);
    device_encoder = &device_encoder_storage.construct(framed);
    decoder = &decoder_storage.construct(framed, *stdin_ring);
    uint16_t port = abi::pvh_console::com1_port;
    auto& com1 = serial_storage.construct(port);
    if (!com1.probe())
        return;
    com1.initialize();
    serial = &com1;
    // With a virtio-console port to come, input waits until the kernel knows where it reads.
    if (!command_line.virtio_console)
        say_ready(*serial_encoder);
}

void start_device_console(bool report) {
    const CommandLine& command_line = details().command_line;
    if (!command_line.virtio_console)
        return;
    device = drivers::console_device();
    if (!device) {
        klog("ingot.console=virtio: no virtio-console port %u opened: the console stays on COM1",
             abi::pvh_console::virtio_console_port);
        say_ready(*serial_encoder);
        return;
    }
    if (report)
        klog("boot: the console moves to virtio-console port %u",
             abi::pvh_console::virtio_console_port);
    say_ready(*device_encoder);
}

bool console_is_polled() {
    return device != nullptr;
}

uint64_t console_poll_interval_ns() {
    return poll_interval_ns;
}

void fall_back_to_serial(const char* why) {
    if (!device)
        return;
    device = nullptr;
    klog("%s: the console goes back to COM1", why);
    say_ready(*serial_encoder);
}

const char* console_name() {
    if (!serial && !device)
        return "absent";
    if (device)
        return "virtio-console";
    return framed ? "COM1 framed" : "COM1";
}

void early_log(const char* pattern, ...) {
    char line[256];
    va_list arguments;
    va_start(arguments, pattern);
    size_t length = vformat(line, sizeof line - 1, pattern, arguments);
    va_end(arguments);
    length = min(length, sizeof line - 2);
    line[length++] = '\n';
    (void)console_write(abi::ConsoleStream::KernelLog, line, length);
}

ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length) {
    // The monitor prefixes the kernel's lines on hvt; klog writes whole lines.
    static constexpr char prefix[] = "ingot-kernel: ";
    auto write = [&](ConsoleEncoder& encoder, auto& sink) -> ErrorOr<void> {
        if (stream == abi::ConsoleStream::KernelLog)
            TRY(encoder.write(stream, reinterpret_cast<const uint8_t*>(prefix), sizeof prefix - 1,
                              sink));
        return encoder.write(stream, static_cast<const uint8_t*>(data), length, sink);
    };
    if (device) {
        auto written = write(*device_encoder, send_device);
        if (!written.is_error())
            written = device->flush();
        if (!written.is_error())
            return length;
        // All of it goes to COM1 again: the host may see the part the port took twice.
        fall_back_to_serial("the virtio-console port failed");
    }
    TRY(write(*serial_encoder, send_serial));
    return length;
}

ErrorOr<size_t> console_read(void* data, size_t length) {
    receive_console_input();
    if (stdin_ring->is_empty())
        return decoder->end_of_input() ? ErrorOr<size_t>(0) : ErrorOr<size_t>(EAGAIN);
    size_t taken = stdin_ring->pop(static_cast<uint8_t*>(data), length);
    receive_console_input(); // there is room again
    return taken;
}

void finish_console(int status) {
    if (device) {
        auto finished = device_encoder->write_exit_status(status, send_device);
        if (!finished.is_error())
            finished = device->flush();
        // QEMU ends with the VM at the exit port, dropping what the port still holds: wait
        // until the host has read it all, the exit frame last.
        while (!finished.is_error()) {
            auto drained = device->drained();
            if (drained.is_error()) {
                finished = drained.error();
                break;
            }
            if (drained.value())
                return;
            asm volatile("pause");
        }
        fall_back_to_serial("the virtio-console port failed");
    }
    (void)serial_encoder->write_exit_status(status, send_serial);
}

} // namespace kernel::pvh
