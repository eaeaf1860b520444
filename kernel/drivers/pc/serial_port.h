// A 16550 UART at a fixed I/O base (COM1 is at 0x3f8), driven by polling or by its receive
// interrupt. Ring 0 only: port I/O.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::pc {

class SerialPort {
public:
    explicit SerialPort(uint16_t base) : m_base(base) {}

    // Whether a UART answers at the base: an absent one reads back 0xff, whatever was written.
    bool probe();
    // 115200 baud, 8N1, FIFOs on, interrupts off. Input that arrived before is kept and comes
    // first from read_available(): call it once before waiting for the receive interrupt.
    void initialize();

    // Waits for the transmitter between bursts. Returns the bytes sent: fewer than `length`,
    // or ETIMEDOUT when none, if the transmitter stops draining.
    ErrorOr<size_t> write(const void* data, size_t length);
    // Takes at most `capacity` received bytes without waiting; what is left stays in the UART.
    size_t read_available(uint8_t* buffer, size_t capacity);
    // Level-triggered while received data is pending, so turn it off while the reader has no
    // room, or the interrupt repeats.
    void enable_receive_interrupt(bool enable);

private:
    uint8_t read_register(uint16_t offset);
    void write_register(uint16_t offset, uint8_t value);

    uint16_t m_base;
    size_t m_transmit_burst = 1;
    // Enabling the FIFOs flushes the receiver, so what it held at initialize() waits here.
    uint8_t m_early_input[16];
    size_t m_early_input_size = 0;
    size_t m_early_input_taken = 0;
};

} // namespace kernel::pc
