// What the stand-in TcpLayer (fake_tcp_layer.cpp) saw, for tests that check the stack routes
// TCP to it. Plain data, no system headers: the fuzz target links it too.
#pragma once

#include "net/address.h"
#include "net/ip_output.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel_test {

struct FakeTcpLog {
    kernel::net::IpOutput* ip = nullptr; // what the stack gave the TcpLayer
    size_t segments = 0;
    kernel::net::Ipv4Address last_source;
    kernel::net::Ipv4Address last_destination;
    uint8_t last_segment[2048] = {};
    size_t last_length = 0;
    bool last_checksum_verified = false;

    size_t icmp_errors = 0;
    kernel::net::Ipv4Address last_icmp_remote;
    int last_icmp_error = 0;
    size_t last_icmp_quoted_length = 0;

    size_t timer_runs = 0;
};

// Reset whenever a TcpLayer is constructed.
FakeTcpLog& fake_tcp_log();

} // namespace kernel_test
