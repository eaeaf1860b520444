#include "drivers/virtio/mmio_command_line.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel::virtio {

namespace {

constexpr char prefix[] = "virtio_mmio.device=";
constexpr size_t prefix_length = sizeof prefix - 1;

class Cursor {
public:
    Cursor(const char* text, size_t length) : m_text(text), m_end(text + length) {}

    bool at_end() const { return m_text == m_end; }

    bool take(char expected) {
        if (at_end() || *m_text != expected)
            return false;
        ++m_text;
        return true;
    }

    // An unsigned number in C notation (strtoull with base 0): false if there are no digits
    // or it overflows.
    bool take_number(uint64_t& value, bool decimal_only = false) {
        unsigned base = 10;
        if (!decimal_only && take('0')) {
            base = 8;
            if (take('x') || take('X'))
                base = 16;
            else if (digit_value(8) < 0) {
                value = 0; // a lone "0"
                return true;
            }
        }
        value = 0;
        bool any = false;
        for (int digit; (digit = digit_value(base)) >= 0; ++m_text, any = true) {
            if (__builtin_mul_overflow(value, base, &value) ||
                __builtin_add_overflow(value, static_cast<uint64_t>(digit), &value))
                return false;
        }
        return any;
    }

    // Linux's memparse suffixes, either case.
    bool take_size_suffix(uint64_t& value) {
        if (at_end())
            return true;
        unsigned shift;
        switch (*m_text) {
        case 'k':
        case 'K':
            shift = 10;
            break;
        case 'm':
        case 'M':
            shift = 20;
            break;
        case 'g':
        case 'G':
            shift = 30;
            break;
        default:
            return true;
        }
        ++m_text;
        if (value > (~0ull >> shift))
            return false;
        value <<= shift;
        return true;
    }

private:
    // The value of the next character as a digit of `base`, or -1.
    int digit_value(unsigned base) const {
        if (at_end())
            return -1;
        char c = *m_text;
        int digit = -1;
        if (c >= '0' && c <= '9')
            digit = c - '0';
        else if (c >= 'a' && c <= 'f')
            digit = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            digit = c - 'A' + 10;
        return digit >= 0 && static_cast<unsigned>(digit) < base ? digit : -1;
    }

    const char* m_text;
    const char* m_end;
};

} // namespace

bool is_virtio_mmio_token(const char* token, size_t length) {
    return length >= prefix_length && memcmp(token, prefix, prefix_length) == 0;
}

ErrorOr<MmioWindow> parse_virtio_mmio_token(const char* token, size_t length) {
    if (!is_virtio_mmio_token(token, length))
        return EINVAL;
    Cursor cursor(token + prefix_length, length - prefix_length);
    MmioWindow window{};
    uint64_t irq, id, end;
    if (!cursor.take_number(window.size) || !cursor.take_size_suffix(window.size) ||
        !cursor.take('@') || !cursor.take_number(window.base) || !cursor.take(':') ||
        !cursor.take_number(irq, true))
        return EINVAL;
    if (cursor.take(':') && !cursor.take_number(id, true))
        return EINVAL;
    if (!cursor.at_end() || window.size == 0 || irq > 0xffffffff ||
        !range_end(window.base, window.size, end))
        return EINVAL;
    window.irq = static_cast<uint32_t>(irq);
    return window;
}

} // namespace kernel::virtio
