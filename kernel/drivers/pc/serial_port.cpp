#include "drivers/pc/serial_port.h"

#include "arch/x86_64/port_io.h"

namespace kernel::pc {

namespace {

namespace reg {
constexpr uint16_t data = 0;             // receive buffer / transmit holding; divisor low with DLAB
constexpr uint16_t interrupt_enable = 1; // divisor high with DLAB
constexpr uint16_t fifo_control = 2;     // write; interrupt identification on read
constexpr uint16_t line_control = 3;
constexpr uint16_t modem_control = 4;
constexpr uint16_t line_status = 5;
constexpr uint16_t scratch = 7;
} // namespace reg

constexpr uint8_t ier_received_data = 1 << 0;
constexpr uint8_t fcr_enable_and_clear = 0x07;
constexpr uint8_t fcr_trigger_8_bytes = 0x80;
constexpr uint8_t iir_fifos_enabled = 0xc0;
constexpr uint8_t lcr_8n1 = 0x03;
constexpr uint8_t lcr_divisor_latch = 0x80;
// DTR and RTS for the other end; OUT2 gates the UART's interrupt line on PC wiring.
constexpr uint8_t mcr_dtr_rts_out2 = 0x0b;
constexpr uint8_t lsr_data_ready = 1 << 0;
constexpr uint8_t lsr_transmitter_empty = 1 << 5; // THRE: holding register (or FIFO) empty

constexpr uint16_t divisor_115200 = 1;
constexpr size_t fifo_depth = 16;
// At 115200 baud a full FIFO drains in ~1.4 ms; this many status reads take far longer even
// where a port read is cheap, so running out means the transmitter is stuck.
constexpr uint32_t transmit_wait_limit = 1u << 20;

} // namespace

uint8_t SerialPort::read_register(uint16_t offset) {
    return port_io::inb(static_cast<uint16_t>(m_base + offset));
}

void SerialPort::write_register(uint16_t offset, uint8_t value) {
    port_io::outb(static_cast<uint16_t>(m_base + offset), value);
}

// Not the usual loopback test: looped-back bytes queue behind input already received, which
// the test would have to read away and lose.
bool SerialPort::probe() {
    const uint8_t patterns[] = {0x5a, 0xa5};
    for (uint8_t pattern : patterns) {
        write_register(reg::scratch, pattern);
        if (read_register(reg::scratch) != pattern)
            return false;
    }
    return true;
}

void SerialPort::initialize() {
    write_register(reg::interrupt_enable, 0);
    while (m_early_input_size < sizeof m_early_input &&
           (read_register(reg::line_status) & lsr_data_ready))
        m_early_input[m_early_input_size++] = read_register(reg::data);
    write_register(reg::line_control, lcr_divisor_latch);
    write_register(reg::data, divisor_115200 & 0xff);
    write_register(reg::interrupt_enable, divisor_115200 >> 8);
    write_register(reg::line_control, lcr_8n1);
    write_register(reg::fifo_control, fcr_enable_and_clear | fcr_trigger_8_bytes);
    write_register(reg::modem_control, mcr_dtr_rts_out2);
    bool has_fifos = (read_register(reg::fifo_control) & iir_fifos_enabled) == iir_fifos_enabled;
    m_transmit_burst = has_fifos ? fifo_depth : 1;
}

ErrorOr<size_t> SerialPort::write(const void* data, size_t length) {
    auto* bytes = static_cast<const uint8_t*>(data);
    size_t sent = 0;
    while (sent < length) {
        uint32_t waited = 0;
        while (!(read_register(reg::line_status) & lsr_transmitter_empty)) {
            if (++waited == transmit_wait_limit)
                return sent ? ErrorOr<size_t>(sent) : ErrorOr<size_t>(ETIMEDOUT);
        }
        // THRE means the whole FIFO is empty: one status read per burst, not per byte.
        for (size_t burst = 0; burst < m_transmit_burst && sent < length; ++burst)
            write_register(reg::data, bytes[sent++]);
    }
    return sent;
}

size_t SerialPort::read_available(uint8_t* buffer, size_t capacity) {
    size_t taken = 0;
    while (taken < capacity && m_early_input_taken < m_early_input_size)
        buffer[taken++] = m_early_input[m_early_input_taken++];
    while (taken < capacity && (read_register(reg::line_status) & lsr_data_ready))
        buffer[taken++] = read_register(reg::data);
    return taken;
}

void SerialPort::enable_receive_interrupt(bool enable) {
    write_register(reg::interrupt_enable, enable ? ier_received_data : 0);
}

} // namespace kernel::pc
