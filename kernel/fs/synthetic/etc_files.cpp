#include "fs/synthetic/etc_files.h"

#include "net/ipv6_address.h"

namespace kernel::synthetic {

namespace {

constexpr uint32_t debian_host_address = 0x7f000101; // 127.0.1.1

void append_ipv4(TextBuffer& text, uint32_t address) {
    text.append("%u.%u.%u.%u", address >> 24, (address >> 16) & 0xff, (address >> 8) & 0xff,
                address & 0xff);
}

} // namespace

void generate_hosts(TextBuffer& text, const char* hostname, uint32_t address,
                    const net::Ipv6Address& address6) {
    text.append("127.0.0.1\tlocalhost\n"
                "::1\tlocalhost ip6-localhost ip6-loopback\n"
                "fe00::0\tip6-localnet\n"
                "ff00::0\tip6-mcastprefix\n"
                "ff02::1\tip6-allnodes\n"
                "ff02::2\tip6-allrouters\n");
    append_ipv4(text, address ? address : debian_host_address);
    text.append("\t%s\n", hostname);
    if (!address6.is_any()) {
        char address6_text[net::ipv6_text_size];
        net::format_ipv6(address6, address6_text);
        text.append("%s\t%s\n", address6_text, hostname);
    }
}

void generate_hostname_file(TextBuffer& text, const char* hostname) {
    text.append("%s\n", hostname);
}

void generate_resolv_conf(TextBuffer& text, const uint32_t* servers, size_t count) {
    if (count == 0)
        text.append("# No DNS server is known: give one with ingot run --dns ADDR.\n");
    for (size_t i = 0; i < count; ++i) {
        text.append("nameserver ");
        append_ipv4(text, servers[i]);
        text.append("\n");
    }
}

void generate_host_conf(TextBuffer& text) {
    text.append("multi on\n");
}

void generate_passwd(TextBuffer& text) {
    text.append("root:x:0:0:root:/root:/bin/sh\n"
                "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
}

void generate_group(TextBuffer& text) {
    text.append("root:x:0:\nnogroup:x:65534:\n");
}

} // namespace kernel::synthetic
