#!/usr/bin/env python3
"""Writes the seed corpus for net_input_fuzz: valid frames of each kind the stack handles
(ARP, ICMP echo, UDP to the bound port, a fragmented datagram, a DHCP offer, TCP SYNs to the
listener over both families; IPv6 with its extension headers, ICMPv6 echo and packet-too-big,
neighbour discovery), in the target's
format: a mode byte (1: DHCP, 0: static address), then records of [control][16-bit length]
[frame]."""
import os
import struct
import sys

OUR_MAC = bytes([0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
PEER_MAC = bytes([0x02, 0, 0, 0, 0, 0x02])
BROADCAST = b"\xff" * 6
OUR_IP = bytes([10, 0, 2, 15])
PEER_IP = bytes([10, 0, 2, 2])


OUR_IP6 = bytes.fromhex("20010db8000000000000000000000015")
PEER_IP6 = bytes.fromhex("20010db8000000000000000000000002")
ROUTER_IP6 = bytes.fromhex("fe800000000000000000000000000001")
ALL_NODES = bytes.fromhex("ff020000000000000000000000000001")
SOLICITED_OURS = bytes.fromhex("ff0200000000000000000001ff000015")
# Duplicate address detection takes a second: bits 1-7 of the control byte are 64 ms each.
AFTER_DAD = 17 << 1


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ethernet(destination, ether_type, payload):
    return destination + PEER_MAC + struct.pack("!H", ether_type) + payload


def ipv4(protocol, payload, destination=OUR_IP, identification=1, flags_offset=0):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), identification,
                         flags_offset, 64, protocol, 0, PEER_IP, destination)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + payload


def udp(source_port, destination_port, payload, destination=OUR_IP):
    length = 8 + len(payload)
    header = struct.pack("!HHHH", source_port, destination_port, length, 0)
    pseudo = PEER_IP + destination + struct.pack("!BBH", 0, 17, length)
    value = checksum(pseudo + header + payload) or 0xFFFF
    return header[:6] + struct.pack("!H", value) + payload


# A TCP SYN with the options a Linux client sends (MSS, SACK permitted, timestamps, window
# scale); `pseudo` is the pseudo header's addresses and protocol/length part.
def tcp_syn(source_port, destination_port, pseudo_addresses, pseudo_tail, fastopen=None,
            payload=b""):
    """A SYN; `fastopen` is a Fast Open cookie (b"" asks for one) and `payload` its data."""
    options = struct.pack("!BBH", 2, 4, 1460) + bytes([4, 2, 8, 10]) \
        + struct.pack("!II", 12345, 0) + bytes([1, 3, 3, 7])
    if fastopen is not None:
        option = bytes([34, 2 + len(fastopen)]) + fastopen
        options += bytes([1] * ((4 - len(option) % 4) % 4)) + option
    header = struct.pack("!HHIIBBHHH", source_port, destination_port, 1000, 0,
                         (5 + len(options) // 4) << 4, 0x02, 65535, 0, 0) + options
    value = checksum(pseudo_addresses + pseudo_tail(len(header + payload)) + header + payload)
    return header[:16] + struct.pack("!H", value) + header[18:] + payload


def tcp_syn4(source_port, destination_port, fastopen=None, payload=b""):
    return tcp_syn(source_port, destination_port, PEER_IP + OUR_IP,
                   lambda length: struct.pack("!BBH", 0, 6, length), fastopen, payload)


def tcp_syn6(source_port, destination_port):
    return tcp_syn(source_port, destination_port, PEER_IP6 + OUR_IP6,
                   lambda length: struct.pack("!IxxxB", length, 6))


def icmp_echo(payload):
    message = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + payload
    return message[:2] + struct.pack("!H", checksum(message)) + message[4:]


def udp6(source_port, destination_port, payload, source=PEER_IP6, destination=OUR_IP6):
    length = 8 + len(payload)
    header = struct.pack("!HHHH", source_port, destination_port, length, 0)
    pseudo = source + destination + struct.pack("!IxxxB", length, 17)
    value = checksum(pseudo + header + payload) or 0xFFFF
    return header[:6] + struct.pack("!H", value) + payload


def ipv6(next_header, payload, source=PEER_IP6, destination=OUR_IP6, hop_limit=64):
    return struct.pack("!IHBB", 6 << 28, len(payload), next_header, hop_limit) + source \
        + destination + payload


def icmpv6(type_, body, source=PEER_IP6, destination=OUR_IP6):
    message = struct.pack("!BBH", type_, 0, 0) + body
    pseudo = source + destination + struct.pack("!IxxxB", len(message), 58)
    return message[:2] + struct.pack("!H", checksum(pseudo + message)) + message[4:]


def icmpv6_error(type_, code, quoted, source=PEER_IP6, destination=OUR_IP6):
    message = struct.pack("!BBHI", type_, code, 0, 0) + quoted
    pseudo = source + destination + struct.pack("!IxxxB", len(message), 58)
    return message[:2] + struct.pack("!H", checksum(pseudo + message)) + message[4:]


def ethernet6(packet, destination=OUR_MAC, source=PEER_MAC):
    return destination + source + struct.pack("!H", 0x86DD) + packet


def multicast_mac(group):
    return b"\x33\x33" + group[12:]


def nd(type_, body, source=PEER_IP6, destination=OUR_IP6):
    packet = ipv6(58, icmpv6(type_, body, source, destination), source, destination, 255)
    return ethernet6(packet, multicast_mac(destination) if destination[0] == 0xFF else OUR_MAC)


def fragments6(next_header, whole, size, identification):
    """`whole` (the fragmentable part) cut into fragments of `size` bytes (a multiple of 8)."""
    pieces = []
    for offset in range(0, len(whole), size):
        more = offset + size < len(whole)
        header = struct.pack("!BBHI", next_header, 0, offset | int(more), identification)
        pieces.append(ethernet6(ipv6(44, header + whole[offset:offset + size])))
    return pieces


def ipv6_seeds():
    echo = icmpv6(128, struct.pack("!HH", 0x1234, 1) + b"ping6 data")
    long_echo = icmpv6(128, struct.pack("!HH", 0x1234, 2) + bytes(range(256)) * 12)
    long_udp = udp6(4000, 7, bytes(range(256)) * 10)
    solicitation = nd(135, b"\0" * 4 + OUR_IP6 + bytes([1, 1]) + PEER_MAC,
                      destination=SOLICITED_OURS)
    advertisement = nd(136, b"\x60\0\0\0" + PEER_IP6 + bytes([2, 1]) + PEER_MAC)
    prefix = struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 3600, 1800, 0) \
        + bytes.fromhex("20010db8000100000000000000000000")
    router = nd(134, struct.pack("!BBHII", 64, 0, 1800, 0, 0) + prefix
                + struct.pack("!BBHI", 5, 1, 0, 1400) + bytes([1, 1]) + PEER_MAC,
                source=ROUTER_IP6, destination=ALL_NODES)
    quoted = ipv6(17, b"\0" * 8, OUR_IP6, bytes.fromhex("20010db8009900000000000000000001"))
    too_big = icmpv6(2, struct.pack("!I", 1300) + quoted)
    # Hop-by-hop (PadN), destination options (Pad1s), routing (no segments left), then UDP.
    chain = bytes([60, 0, 1, 4, 0, 0, 0, 0, 43, 0, 0, 0, 0, 0, 0, 0, 17, 0, 4, 0, 0, 0, 0, 0])
    return {
        "ping6": record(solicitation, AFTER_DAD) + record(ethernet6(ipv6(58, echo)), 1),
        "neighbour_solicitation": record(solicitation, AFTER_DAD),
        "echo_then_advertisement": record(ethernet6(ipv6(58, echo)), AFTER_DAD)
        + record(advertisement),
        "router_advertisement": record(router, AFTER_DAD),
        "packet_too_big": record(ethernet6(ipv6(58, too_big)), AFTER_DAD),
        "extension_headers": record(
            ethernet6(ipv6(0, chain + udp6(4000, 7, b"over six"))), AFTER_DAD),
        # UDP over IPv6 to the dual-stack listener, which answers once the peer is known.
        "udp6": record(solicitation, AFTER_DAD)
        + record(ethernet6(ipv6(17, udp6(4000, 7, b"hello six"))), 1),
        "udp6_closed_port": record(ethernet6(ipv6(17, udp6(4000, 9, b"x"))), AFTER_DAD),
        # TCP over IPv6 to the dual-stack listener on 80, and to a closed port (a reset).
        "tcp6_syn": record(solicitation, AFTER_DAD)
        + record(ethernet6(ipv6(6, tcp_syn6(40000, 80)))),
        "tcp6_closed_port": record(ethernet6(ipv6(6, tcp_syn6(40000, 81))), AFTER_DAD),
        # Packet too big about a segment of the IPv6 client's, to 2001:db8::2 port 80.
        "tcp6_packet_too_big": record(ethernet6(ipv6(58, icmpv6(2, struct.pack("!I", 1280) + ipv6(
            6, struct.pack("!HHI", 49152, 80, 0) + b"\0" * 12, OUR_IP6, PEER_IP6)))), AFTER_DAD),
        "udp6_zero_checksum": record(ethernet6(ipv6(17, struct.pack("!HHHH", 4000, 7, 9, 0)
                                                    + b"z")), AFTER_DAD),
        # Port unreachable about a datagram to the IPv6 connected socket's peer, 2001:db8::2 53.
        "icmpv6_port_unreachable": record(ethernet6(ipv6(58, icmpv6_error(
            1, 4, ipv6(17, udp6(49152, 53, b"q", OUR_IP6, PEER_IP6), OUR_IP6, PEER_IP6)))),
            AFTER_DAD),
        "ipv6_fragment": record(ethernet6(ipv6(44, bytes([17, 0, 0, 1, 0, 0, 0, 9]) + b"\0" * 8)),
                                AFTER_DAD),
        "unknown_option": record(ethernet6(ipv6(60, bytes([58, 0, 0x80, 4, 0, 0, 0, 0]) + echo)),
                                 AFTER_DAD),
        # A long ping in three fragments, answered in fragments; a long datagram to the UDP
        # echo listener with its fragments out of order.
        "ipv6_fragmented_ping": record(solicitation, AFTER_DAD)
        + b"".join(record(piece) for piece in fragments6(58, long_echo, 1232, 7)),
        "udp6_fragments_reordered": record(solicitation, AFTER_DAD)
        + b"".join(record(piece) for piece in reversed(fragments6(17, long_udp, 1232, 8))),
    }


def arp_request():
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, PEER_MAC, PEER_IP, b"\0" * 6,
                       OUR_IP)


def dhcp_offer():
    message = bytearray(240)
    message[0:3] = bytes([2, 1, 6])
    message[4:8] = b"\x12\x34\x56\x78"
    message[16:20] = bytes([10, 0, 2, 42])
    message[28:34] = OUR_MAC
    message[236:240] = bytes([0x63, 0x82, 0x53, 0x63])
    message += bytes([53, 1, 2, 54, 4, 10, 0, 2, 2, 1, 4, 255, 255, 255, 0, 3, 4, 10, 0, 2, 1,
                      6, 4, 10, 0, 2, 3, 51, 4, 0, 0, 14, 16, 255])
    return bytes(message)


def record(frame, control=0):
    return bytes([control]) + struct.pack("!H", len(frame)) + frame


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    datagram = udp(4000, 7, bytes(range(256)) * 8)
    first, second = datagram[:1480], datagram[1480:]
    seeds = {
        "arp": record(ethernet(BROADCAST, 0x0806, arp_request())),
        "ping": record(ethernet(OUR_MAC, 0x0800, ipv4(1, icmp_echo(b"ping data 0123")))),
        "udp": record(ethernet(OUR_MAC, 0x0800, ipv4(17, udp(4000, 7, b"hello")))),
        "udp_closed_port": record(ethernet(OUR_MAC, 0x0800, ipv4(17, udp(4000, 9, b"x")))),
        "tcp_syn": record(ethernet(OUR_MAC, 0x0800, ipv4(6, tcp_syn4(40000, 80)))),
        # Fast Open: a cookie request, and a cookie (not the stack's) with data.
        "tcp_fastopen_request": record(ethernet(OUR_MAC, 0x0800, ipv4(6, tcp_syn4(40001, 80, b"")))),
        "tcp_fastopen_data": record(ethernet(OUR_MAC, 0x0800, ipv4(6, tcp_syn4(
            40002, 80, bytes(range(8)), b"GET / HTTP/1.0\r\n\r\n")))),
        "udp_broadcast": record(ethernet(BROADCAST, 0x0800, ipv4(
            17, udp(67, 68, bytes(300), b"\xff" * 4), b"\xff" * 4))),
        "fragments": record(ethernet(OUR_MAC, 0x0800, ipv4(17, second, identification=7,
                                                           flags_offset=1480 // 8)))
        + record(ethernet(OUR_MAC, 0x0800, ipv4(17, first, identification=7,
                                               flags_offset=0x2000)), control=2),
        "arp_then_ping": record(ethernet(BROADCAST, 0x0806, arp_request()))
        + record(ethernet(OUR_MAC, 0x0800, ipv4(1, icmp_echo(b"abc"))), control=1),
    }
    seeds.update(ipv6_seeds())
    static = {name: b"\0" + content for name, content in seeds.items()}
    static["dhcp_offer"] = b"\1" + record(ethernet(BROADCAST, 0x0800, ipv4(
        17, udp(67, 68, dhcp_offer(), b"\xff" * 4), b"\xff" * 4)))
    for name, content in static.items():
        with open(os.path.join(out, name), "wb") as seed:
            seed.write(content)


if __name__ == "__main__":
    main()
