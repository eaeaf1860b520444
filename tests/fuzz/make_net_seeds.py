#!/usr/bin/env python3
"""Writes the seed corpus for net_input_fuzz: valid frames of each kind the stack handles
(ARP, ICMP echo, UDP to the bound port, a fragmented datagram, a DHCP offer), in the target's
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


def icmp_echo(payload):
    message = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + payload
    return message[:2] + struct.pack("!H", checksum(message)) + message[4:]


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
        "udp_broadcast": record(ethernet(BROADCAST, 0x0800, ipv4(
            17, udp(67, 68, bytes(300), b"\xff" * 4), b"\xff" * 4))),
        "fragments": record(ethernet(OUR_MAC, 0x0800, ipv4(17, second, identification=7,
                                                           flags_offset=1480 // 8)))
        + record(ethernet(OUR_MAC, 0x0800, ipv4(17, first, identification=7,
                                               flags_offset=0x2000)), control=2),
        "arp_then_ping": record(ethernet(BROADCAST, 0x0806, arp_request()))
        + record(ethernet(OUR_MAC, 0x0800, ipv4(1, icmp_echo(b"abc"))), control=1),
    }
    static = {name: b"\0" + content for name, content in seeds.items()}
    static["dhcp_offer"] = b"\1" + record(ethernet(BROADCAST, 0x0800, ipv4(
        17, udp(67, 68, dhcp_offer(), b"\xff" * 4), b"\xff" * 4)))
    for name, content in static.items():
        with open(os.path.join(out, name), "wb") as seed:
            seed.write(content)


if __name__ == "__main__":
    main()
