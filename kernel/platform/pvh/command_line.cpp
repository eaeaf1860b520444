#include "platform/pvh/command_line.h"

#include "lib/string.h"
#include "linux/machine_identity.h"
#include "loader/manifest.h"

#include <ingot/abi/image.h>
#include <ingot/abi/pvh_console.h>

namespace kernel::pvh {

namespace {

constexpr char virtio_mmio_prefix[] = "virtio_mmio.device=";

enum class TokenKind { Option, Separator, VirtioMmioDevice, Argument };

// The tokens in order, classified. The separator and device tokens are recognized as written:
// VMMs add device tokens unencoded, and the host can pass an argument that looks like one by
// encoding a byte of it.
class Tokens {
public:
    Tokens(const char* text, size_t length) : m_text(text), m_end(text + length) {}

    bool next(TextSpan& token, TokenKind& kind) {
        while (m_text < m_end && *m_text == ' ')
            ++m_text;
        if (m_text == m_end)
            return false;
        const char* start = m_text;
        while (m_text < m_end && *m_text != ' ')
            ++m_text;
        token = {start, static_cast<size_t>(m_text - start)};
        if (starts_with(token, virtio_mmio_prefix))
            kind = TokenKind::VirtioMmioDevice;
        else if (m_after_separator)
            kind = TokenKind::Argument;
        else if (token.length == 2 && starts_with(token, "--"))
            kind = TokenKind::Separator;
        else
            kind = TokenKind::Option;
        if (kind == TokenKind::Separator)
            m_after_separator = true;
        return true;
    }

private:
    static bool starts_with(TextSpan token, const char* prefix) {
        size_t length = strlen(prefix);
        return token.length >= length && memcmp(token.text, prefix, length) == 0;
    }

    const char* m_text;
    const char* m_end;
    bool m_after_separator = false;
};

int hex_value(char digit) {
    if (digit >= '0' && digit <= '9')
        return digit - '0';
    if (digit >= 'a' && digit <= 'f')
        return digit - 'a' + 10;
    if (digit >= 'A' && digit <= 'F')
        return digit - 'A' + 10;
    return -1;
}

// The bytes a token stands for: %XX is the byte 0xXX. A '%' without two hex digits after it, or
// standing for NUL (which no argument or variable can hold), is itself.
class DecodedBytes {
public:
    explicit DecodedBytes(TextSpan token) : m_token(token) {}

    bool next(uint8_t& byte) {
        if (m_position == m_token.length)
            return false;
        const char* at = m_token.text + m_position;
        if (*at == '%' && m_token.length - m_position >= 3) {
            int high = hex_value(at[1]), low = hex_value(at[2]);
            if (high >= 0 && low >= 0 && (high | low) != 0) {
                byte = static_cast<uint8_t>(high << 4 | low);
                m_position += 3;
                return true;
            }
        }
        byte = static_cast<uint8_t>(*at);
        ++m_position;
        return true;
    }

    // The part not decoded yet.
    TextSpan rest() const { return {m_token.text + m_position, m_token.length - m_position}; }

private:
    TextSpan m_token;
    size_t m_position = 0;
};

// Whether the decoded token starts with `prefix`; `rest` is then what follows it, undecoded.
bool decoded_prefix(TextSpan token, const char* prefix, TextSpan& rest) {
    DecodedBytes bytes(token);
    uint8_t byte;
    for (; *prefix; ++prefix) {
        if (!bytes.next(byte) || byte != static_cast<uint8_t>(*prefix))
            return false;
    }
    rest = bytes.rest();
    return true;
}

bool decoded_equals(TextSpan token, const char* string) {
    TextSpan rest;
    return decoded_prefix(token, string, rest) && rest.length == 0;
}

bool parse_stream_kind(uint8_t letter, abi::StreamKind& kind) {
    switch (letter) {
    case 'T':
        kind = abi::StreamKind::Terminal;
        return true;
    case 'P':
        kind = abi::StreamKind::Pipe;
        return true;
    case 'F':
        kind = abi::StreamKind::File;
        return true;
    case 'N':
        kind = abi::StreamKind::Null;
        return true;
    default:
        return false;
    }
}

// All three kinds or none.
void parse_streams(TextSpan value, abi::StreamKind (&streams)[3]) {
    DecodedBytes bytes(value);
    abi::StreamKind kinds[3];
    uint8_t letter;
    for (auto& kind : kinds) {
        if (!bytes.next(letter) || !parse_stream_kind(letter, kind))
            return;
    }
    if (bytes.next(letter))
        return;
    for (int i = 0; i < 3; ++i)
        streams[i] = kinds[i];
}

// Decimal digits only, at most `max`: no sign, no spaces, no empty number.
bool parse_decimal(const char*& at, const char* end, uint32_t max, uint32_t& value) {
    const char* start = at;
    value = 0;
    while (at < end && *at >= '0' && *at <= '9') {
        value = value * 10 + static_cast<uint32_t>(*at - '0');
        if (value > max)
            return false;
        ++at;
    }
    return at != start;
}

// Dotted quad: exactly four decimal octets. Stops at the first byte after it.
bool parse_ipv4(const char*& at, const char* end, net::Ipv4Address& address) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        uint32_t octet;
        if (i > 0 && (at == end || *at++ != '.'))
            return false;
        if (!parse_decimal(at, end, 255, octet))
            return false;
        value = value << 8 | octet;
    }
    address = {value};
    return true;
}

// Leaves `address` alone unless the whole value is one.
bool parse_whole_ipv4(TextSpan value, net::Ipv4Address& address) {
    const char* at = value.text;
    const char* end = value.text + value.length;
    net::Ipv4Address parsed;
    if (!parse_ipv4(at, end, parsed) || at != end)
        return false;
    address = parsed;
    return true;
}

// ADDRESS/PREFIX, the prefix 0 to 32.
bool parse_ipv4_with_prefix(TextSpan value, net::Ipv4Address& address, uint8_t& prefix_length) {
    const char* at = value.text;
    const char* end = value.text + value.length;
    uint32_t prefix;
    if (!parse_ipv4(at, end, address) || at == end || *at++ != '/' ||
        !parse_decimal(at, end, 32, prefix) || at != end)
        return false;
    prefix_length = static_cast<uint8_t>(prefix);
    return true;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Groups of one to four hex digits separated by single colons; `text` may be empty.
bool parse_ipv6_groups(const char* at, const char* end, uint16_t* groups, size_t& count) {
    count = 0;
    if (at == end)
        return true;
    for (;;) {
        if (count == 8)
            return false;
        const char* start = at;
        uint32_t value = 0;
        for (; at < end && *at != ':'; ++at) {
            int digit = hex_digit(*at);
            if (digit < 0 || at - start == 4)
                return false;
            value = value * 16 + static_cast<uint32_t>(digit);
        }
        if (at == start)
            return false;
        groups[count++] = static_cast<uint16_t>(value);
        if (at == end)
            return true;
        if (++at == end)
            return false;
    }
}

// RFC 4291 2.2 text: eight groups, or fewer around one `::` (no dotted-quad tail).
bool parse_ipv6(const char* at, const char* end, net::Ipv6Address& address) {
    const char* gap = nullptr;
    for (const char* p = at; p + 1 < end; ++p)
        if (p[0] == ':' && p[1] == ':') {
            gap = p;
            break;
        }
    uint16_t head[8];
    uint16_t tail[8];
    size_t head_count = 0;
    size_t tail_count = 0;
    if (gap) {
        if (!parse_ipv6_groups(at, gap, head, head_count) ||
            !parse_ipv6_groups(gap + 2, end, tail, tail_count) || head_count + tail_count > 7)
            return false;
    } else if (!parse_ipv6_groups(at, end, head, head_count) || head_count != 8) {
        return false;
    }
    net::Ipv6Address parsed;
    for (size_t i = 0; i < head_count; ++i) {
        parsed.bytes[2 * i] = static_cast<uint8_t>(head[i] >> 8);
        parsed.bytes[2 * i + 1] = static_cast<uint8_t>(head[i]);
    }
    for (size_t i = 0; i < tail_count; ++i) {
        size_t at_group = 8 - tail_count + i;
        parsed.bytes[2 * at_group] = static_cast<uint8_t>(tail[i] >> 8);
        parsed.bytes[2 * at_group + 1] = static_cast<uint8_t>(tail[i]);
    }
    address = parsed;
    return true;
}

// ADDRESS/PREFIX, the prefix 0 to 128.
bool parse_ipv6_with_prefix(TextSpan value, net::Ipv6Address& address, uint8_t& prefix_length) {
    const char* end = value.text + value.length;
    const char* slash = value.text;
    while (slash < end && *slash != '/')
        ++slash;
    const char* at = slash + 1;
    uint32_t prefix;
    if (slash == end || !parse_decimal(at, end, 128, prefix) || at != end ||
        !parse_ipv6(value.text, slash, address))
        return false;
    prefix_length = static_cast<uint8_t>(prefix);
    return true;
}

void reject(TextSpan token, CommandLine& command_line) {
    if (command_line.rejected_option_count < max_rejected_options)
        command_line.rejected_options[command_line.rejected_option_count] = token;
    ++command_line.rejected_option_count;
}

// Whether the token is a network option; a malformed one is rejected and changes nothing.
bool parse_network_option(TextSpan token, CommandLine& command_line) {
    TextSpan value;
    auto& network = command_line.network;
    bool valid;
    if (decoded_prefix(token, "ingot.ip=", value)) {
        net::Ipv4Address address;
        uint8_t prefix_length;
        valid = parse_ipv4_with_prefix(value, address, prefix_length);
        if (valid) {
            network.address = address;
            network.prefix_length = prefix_length;
        }
    } else if (decoded_prefix(token, "ingot.ip6=", value)) {
        net::Ipv6Address address;
        uint8_t prefix_length;
        valid = parse_ipv6_with_prefix(value, address, prefix_length);
        if (valid) {
            network.address6 = address;
            network.prefix_length6 = prefix_length;
        }
    } else if (decoded_prefix(token, "ingot.gw6=", value)) {
        valid = parse_ipv6(value.text, value.text + value.length, network.gateway6);
    } else if (decoded_prefix(token, "ingot.gw=", value)) {
        valid = parse_whole_ipv4(value, network.gateway);
    } else if (decoded_prefix(token, "ingot.dns=", value)) {
        valid = parse_whole_ipv4(value, network.dns);
    } else if (decoded_equals(token, "ingot.dhcp")) {
        valid = network.use_dhcp = true;
    } else {
        return false;
    }
    if (!valid)
        reject(token, command_line);
    return true;
}

// A host name is taken only whole and valid (RFC 1123); a server only as a dotted quad, and
// no more than resolv.conf reads.
bool parse_identity_option(TextSpan token, CommandLine& command_line) {
    TextSpan value;
    auto& machine = command_line.identity;
    bool valid;
    if (decoded_prefix(token, "ingot.hostname=", value)) {
        char name[abi::max_hostname_length + 1];
        DecodedBytes bytes(value);
        size_t length = 0;
        uint8_t byte;
        valid = true;
        while (valid && bytes.next(byte)) {
            valid = length < abi::max_hostname_length;
            if (valid)
                name[length++] = static_cast<char>(byte);
        }
        valid = valid && identity::is_valid_hostname(name, length);
        if (valid) {
            memcpy(machine.hostname, name, length);
            machine.hostname[length] = 0;
        }
    } else if (decoded_prefix(token, "ingot.nameserver=", value)) {
        net::Ipv4Address server;
        valid = machine.dns_count < abi::max_dns_servers && parse_whole_ipv4(value, server) &&
                !server.is_any();
        if (valid)
            machine.dns[machine.dns_count++] = server.value;
    } else {
        return false;
    }
    if (valid)
        machine.magic = abi::identity_magic;
    else
        reject(token, command_line);
    return true;
}

// INDEX:ro|rw:PATH, PATH absolute and fitting; an index given twice is taken once.
bool parse_volume(TextSpan value, CommandLine& command_line) {
    if (command_line.volume_count == abi::max_volumes)
        return false;
    DecodedBytes bytes(value);
    VolumeOption volume{};
    uint8_t byte;
    if (!bytes.next(byte) || byte < '0' || byte >= '0' + abi::max_volumes)
        return false;
    volume.index = byte - '0';
    uint8_t mode[4];
    for (auto& letter : mode)
        if (!bytes.next(letter))
            return false;
    if (mode[0] != ':' || mode[3] != ':' ||
        !((mode[1] == 'r' && mode[2] == 'o') || (mode[1] == 'r' && mode[2] == 'w')))
        return false;
    volume.read_only = mode[2] == 'o';
    while (bytes.next(byte)) {
        if (volume.path_length == abi::volume_path_capacity)
            return false;
        volume.path[volume.path_length++] = static_cast<char>(byte);
    }
    if (volume.path_length == 0 || volume.path[0] != '/')
        return false;
    for (size_t i = 0; i < command_line.volume_count; ++i)
        if (command_line.volumes[i].index == volume.index)
            return false;
    command_line.volumes[command_line.volume_count++] = volume;
    return true;
}

void parse_option(TextSpan token, CommandLine& command_line) {
    TextSpan value;
    if (parse_network_option(token, command_line) || parse_identity_option(token, command_line))
        return;
    if (decoded_prefix(token, "ingot.volume=", value)) {
        if (!parse_volume(value, command_line))
            reject(token, command_line);
        return;
    }
    if (decoded_equals(token, abi::pvh_console::framed_console_option)) {
        command_line.framed_console = true;
    } else if (decoded_equals(token, abi::pvh_console::virtio_console_option)) {
        command_line.framed_console = true;
        command_line.virtio_console = true;
    } else if (decoded_prefix(token, "ingot.streams=", value)) {
        parse_streams(value, command_line.streams);
    } else if (decoded_equals(token, "ingot.trace=syscalls")) {
        command_line.boot_flags |= abi::boot_flag_trace_syscalls;
    } else if (decoded_equals(token, abi::pvh_console::syscall_traps_option)) {
        command_line.boot_flags |= abi::boot_flag_syscall_traps;
    } else if (decoded_equals(token, "ingot.boot_trace")) {
        command_line.boot_flags |= abi::boot_flag_boot_trace;
    }
}

// NAME=VALUE with a non-empty NAME: what the environment can hold.
bool is_variable(TextSpan text) {
    DecodedBytes bytes(text);
    uint8_t byte;
    if (!bytes.next(byte) || byte == '=')
        return false;
    while (bytes.next(byte)) {
        if (byte == '=')
            return true;
    }
    return false;
}

class StringsWriter {
public:
    StringsWriter(uint8_t* buffer, size_t capacity, size_t start)
        : m_buffer(buffer), m_capacity(capacity), m_size(start) {}

    size_t size() const { return m_size; }

    ErrorOr<void> append_decoded(TextSpan token) {
        DecodedBytes bytes(token);
        uint8_t byte;
        while (bytes.next(byte))
            TRY(append(byte));
        return append(0);
    }

    ErrorOr<void> append_string(const char* string) {
        for (; *string; ++string)
            TRY(append(static_cast<uint8_t>(*string)));
        return append(0);
    }

private:
    ErrorOr<void> append(uint8_t byte) {
        if (m_size == m_capacity)
            return E2BIG;
        m_buffer[m_size++] = byte;
        return {};
    }

    uint8_t* m_buffer;
    size_t m_capacity;
    size_t m_size;
};

} // namespace

ErrorOr<void> parse_command_line(const char* text, size_t length, CommandLine& command_line) {
    command_line = CommandLine{};
    command_line.text = text;
    command_line.length = length;
    Tokens tokens(text, length);
    TextSpan token;
    TokenKind kind;
    while (tokens.next(token, kind)) {
        if (kind == TokenKind::Option) {
            parse_option(token, command_line);
        } else if (kind == TokenKind::VirtioMmioDevice) {
            if (command_line.virtio_mmio_device_count == max_virtio_mmio_devices)
                return E2BIG;
            command_line.virtio_mmio_devices[command_line.virtio_mmio_device_count++] = token;
        }
    }
    return {};
}

ErrorOr<size_t> encode_run_time_arguments(const CommandLine& command_line, const char* program_name,
                                          uint8_t* buffer, size_t capacity) {
    abi::ArgumentsHeader header{};
    if (capacity < sizeof header)
        return E2BIG;
    StringsWriter strings(buffer, capacity, sizeof header);
    // Arguments first, then variables: the encoding's order, not the command line's.
    Tokens tokens(command_line.text, command_line.length);
    TextSpan token;
    TokenKind kind;
    while (tokens.next(token, kind)) {
        if (kind != TokenKind::Argument)
            continue;
        if (header.argc == 0) {
            TRY(strings.append_string(program_name));
            ++header.argc;
        }
        if (header.argc == max_arguments)
            return E2BIG;
        TRY(strings.append_decoded(token));
        ++header.argc;
    }
    tokens = Tokens(command_line.text, command_line.length);
    while (tokens.next(token, kind)) {
        TextSpan variable;
        if (kind != TokenKind::Option || !decoded_prefix(token, "ingot.env=", variable) ||
            !is_variable(variable))
            continue;
        if (header.envc == max_arguments)
            return E2BIG;
        TRY(strings.append_decoded(variable));
        ++header.envc;
    }
    header.strings_size = static_cast<uint32_t>(strings.size() - sizeof header);
    memcpy(buffer, &header, sizeof header);
    return strings.size();
}

} // namespace kernel::pvh
