// The interfaces through ioctl on a socket (man 7 netdevice): the SIOCGIF* requests glibc's
// if_nametoindex and if_indextoname, net-tools' ifconfig and older programs make, answered as
// Linux answers them (net/core/dev_ioctl.c, net/ipv4/devinet.c). A request to change an
// interface answers EPERM, as to a process without CAP_NET_ADMIN: the interfaces are the
// monitor's to configure. Plain logic on the facts it is given, tested on the host; the
// program's memory is linux/interface_ioctl.cpp's.
#pragma once

#include "lib/error_or.h"
#include "net/interface_facts.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::interfaces {

// include/uapi/linux/sockios.h. Every socket request is of ioctl type 0x89.
inline constexpr uint32_t siocgifname = 0x8910, siocgifconf = 0x8912, siocgifflags = 0x8913,
                          siocgifaddr = 0x8915, siocgifdstaddr = 0x8917, siocgifbrdaddr = 0x8919,
                          siocgifnetmask = 0x891b, siocgifmetric = 0x891d, siocgifmtu = 0x8921,
                          siocgifhwaddr = 0x8927, siocgifindex = 0x8933, siocgiftxqlen = 0x8942,
                          siocgifmap = 0x8970;

constexpr bool is_socket_request(uint32_t request) {
    return (request >> 8 & 0xff) == 0x89;
}

// struct ifreq: the interface's name, then a union of a struct sockaddr, the flags (a short),
// an int (index, MTU, metric or queue length) and struct ifmap.
inline constexpr size_t name_size = 16; // IFNAMSIZ
struct InterfaceRequest {
    char name[name_size];
    uint8_t value[24];
};
static_assert(sizeof(InterfaceRequest) == 40);

// Answers `request`, one of type 0x89 other than SIOCGIFCONF, in place: the name (or, for
// SIOCGIFNAME, the index) in `ifreq` says which interface. The IPv4 address requests
// (SIOCGIFADDR, BRDADDR, DSTADDR, NETMASK) are AF_INET's (`inet`): other families answer them
// ENOTTY, as they do requests Linux does not know. ENODEV for an unknown interface,
// EADDRNOTAVAIL for an IPv4 request on one without an IPv4 address.
ErrorOr<void> answer_request(uint32_t request, InterfaceRequest& ifreq, const Facts& facts,
                             bool inet);

// SIOCGIFCONF: an entry (the name and a struct sockaddr_in) for each IPv4 address, in order,
// into `entries` while whole ones fit in `capacity`; returns how many were written, or with
// `entries` null how many there are.
size_t list_ipv4_addresses(const Facts& facts, InterfaceRequest* entries, size_t capacity);

} // namespace kernel::net::interfaces
