#include "kernel/net/net_test_support.h"

#include "net/ipv6_address.h"

namespace kernel_test {

using namespace kernel::net;

uint64_t FakeEnvironment::now = 0;
uint32_t FakeEnvironment::random_state = 0;

void FakeEnvironment::fill_random(void* data, size_t length) {
    auto* bytes = static_cast<uint8_t*>(data);
    for (size_t i = 0; i < length; ++i) {
        random_state = random_state * 1103515245u + 12345u;
        bytes[i] = static_cast<uint8_t>(random_state >> 16);
    }
}

bool FakeDevice::transmit(const TransmitFragment* fragments, size_t count,
                          const ChecksumRequest* checksum) {
    EXPECT_TRUE(checksum == nullptr || checksum_offload) << "checksum offload not offered";
    if (transmit_full)
        return false;
    TransmittedFrame frame;
    for (size_t i = 0; i < count; ++i) {
        auto* data = static_cast<const uint8_t*>(fragments[i].data);
        frame.bytes.insert(frame.bytes.end(), data, data + fragments[i].length);
    }
    if (!record_ipv6 && frame.bytes.size() >= 14 && load_be16(frame.bytes.data() + 12) == 0x86dd) {
        ++ipv6_frames_sent;
        return true;
    }
    if (checksum) {
        frame.checksum_requested = true;
        frame.checksum = *checksum;
    }
    sent.push_back(std::move(frame));
    return true;
}

size_t FakeDevice::receive(FrameReceiver& receiver, size_t budget) {
    size_t delivered = 0;
    while (delivered < budget && !incoming.empty()) {
        Incoming next = std::move(incoming.front());
        incoming.pop_front();
        // A heap copy of exactly the frame's size, so ASan sees any read past its end.
        auto copy = std::make_unique<uint8_t[]>(next.frame.size() + 1);
        std::copy(next.frame.begin(), next.frame.end(), copy.get());
        receiver.receive_frame(copy.get(), next.frame.size(), next.checksum_verified);
        ++delivered;
    }
    return delivered;
}

InterfaceConfig static_config() {
    InterfaceConfig config;
    config.address = our_address;
    config.prefix_length = 24;
    config.gateway = gateway_address;
    config.dns = gateway_address;
    return config;
}

Bytes ethernet_frame(MacAddress destination, MacAddress source, uint16_t type,
                     const Bytes& payload) {
    Bytes frame(14);
    std::copy(destination.bytes, destination.bytes + 6, frame.begin());
    std::copy(source.bytes, source.bytes + 6, frame.begin() + 6);
    store_be16(frame.data() + 12, type);
    frame.insert(frame.end(), payload.begin(), payload.end());
    return frame;
}

Bytes arp_packet(uint16_t operation, MacAddress sender_mac, Ipv4Address sender,
                 MacAddress target_mac, Ipv4Address target) {
    Bytes packet(28);
    store_be16(packet.data(), 1);
    store_be16(packet.data() + 2, 0x0800);
    packet[4] = 6;
    packet[5] = 4;
    store_be16(packet.data() + 6, operation);
    std::copy(sender_mac.bytes, sender_mac.bytes + 6, packet.begin() + 8);
    store_be32(packet.data() + 14, sender.value);
    std::copy(target_mac.bytes, target_mac.bytes + 6, packet.begin() + 18);
    store_be32(packet.data() + 24, target.value);
    return packet;
}

Bytes ipv4_packet(const Ipv4Fields& fields, const Bytes& payload) {
    Bytes packet(20);
    packet[0] = 0x45;
    store_be16(packet.data() + 2, static_cast<uint16_t>(20 + payload.size()));
    store_be16(packet.data() + 4, fields.identification);
    store_be16(packet.data() + 6, fields.flags_and_offset);
    packet[8] = fields.time_to_live;
    packet[9] = fields.protocol;
    store_be32(packet.data() + 12, fields.source.value);
    store_be32(packet.data() + 16, fields.destination.value);
    store_be16(packet.data() + 10, internet_checksum(packet.data(), 20));
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

Bytes udp_datagram(Ipv4Address source, Ipv4Address destination, uint16_t source_port,
                   uint16_t destination_port, const Bytes& payload) {
    Bytes datagram(8);
    store_be16(datagram.data(), source_port);
    store_be16(datagram.data() + 2, destination_port);
    auto length = static_cast<uint16_t>(8 + payload.size());
    store_be16(datagram.data() + 4, length);
    datagram.insert(datagram.end(), payload.begin(), payload.end());
    ChecksumAccumulator sum(pseudo_header_sum(source, destination, 17, length));
    sum.add(datagram.data(), datagram.size());
    uint16_t checksum = sum.checksum();
    store_be16(datagram.data() + 6, checksum == 0 ? 0xffff : checksum);
    return datagram;
}

Bytes icmp_message(uint8_t type, uint8_t code, uint32_t rest, const Bytes& data) {
    Bytes message(8);
    message[0] = type;
    message[1] = code;
    store_be32(message.data() + 4, rest);
    message.insert(message.end(), data.begin(), data.end());
    store_be16(message.data() + 2, internet_checksum(message.data(), message.size()));
    return message;
}

Bytes icmp_frame(const Bytes& message, Ipv4Address destination, MacAddress mac_destination) {
    Ipv4Fields fields;
    fields.protocol = 1;
    fields.destination = destination;
    return ethernet_frame(mac_destination, peer_mac, 0x0800, ipv4_packet(fields, message));
}

Bytes error_about(uint8_t protocol, uint16_t local_port, uint16_t remote_port, uint8_t type,
                  uint8_t code, uint32_t rest) {
    Ipv4Fields ours;
    ours.source = our_address;
    ours.destination = peer_address;
    ours.protocol = protocol;
    Bytes transport(20, 0);
    store_be16(transport.data(), local_port);
    store_be16(transport.data() + 2, remote_port);
    Bytes quoted = ipv4_packet(ours, transport);
    quoted.resize(28);
    return icmp_frame(icmp_message(type, code, rest, quoted));
}

Bytes udp_frame(uint16_t source_port, uint16_t destination_port, const Bytes& payload,
                Ipv4Address source, MacAddress source_mac) {
    Ipv4Fields fields;
    fields.source = source;
    return ethernet_frame(our_mac, source_mac, 0x0800,
                          ipv4_packet(fields, udp_datagram(source, our_address, source_port,
                                                           destination_port, payload)));
}

ParsedFrame parse_frame(const Bytes& frame) {
    ParsedFrame parsed;
    if (frame.size() < 14) {
        ADD_FAILURE() << "short frame";
        return parsed;
    }
    std::copy(frame.begin(), frame.begin() + 6, parsed.destination.bytes);
    std::copy(frame.begin() + 6, frame.begin() + 12, parsed.source.bytes);
    parsed.type = load_be16(frame.data() + 12);
    parsed.payload.assign(frame.begin() + 14, frame.end());
    if (parsed.type != 0x0800)
        return parsed;
    const Bytes& ip = parsed.payload;
    if (ip.size() < 20 || internet_checksum(ip.data(), 20) != 0) {
        ADD_FAILURE() << "bad IPv4 header";
        return parsed;
    }
    size_t total = load_be16(ip.data() + 2);
    EXPECT_EQ(total, ip.size());
    parsed.identification = load_be16(ip.data() + 4);
    parsed.flags_and_offset = load_be16(ip.data() + 6);
    parsed.protocol = ip[9];
    parsed.ip_source = {load_be32(ip.data() + 12)};
    parsed.ip_destination = {load_be32(ip.data() + 16)};
    parsed.ip_payload.assign(ip.begin() + 20, ip.begin() + std::min(total, ip.size()));
    return parsed;
}

bool transport_checksum_ok(const ParsedFrame& frame) {
    const Bytes& payload = frame.ip_payload;
    if (frame.protocol == 1)
        return internet_checksum(payload.data(), payload.size()) == 0;
    ChecksumAccumulator sum(pseudo_header_sum(frame.ip_source, frame.ip_destination, frame.protocol,
                                              static_cast<uint16_t>(payload.size())));
    sum.add(payload.data(), payload.size());
    return sum.checksum() == 0;
}

void NetStackTest::meet_peer(Ipv4Address address, MacAddress mac) {
    receive(ethernet_frame(MacAddress::broadcast(), mac, 0x0806,
                           arp_packet(1, mac, address, MacAddress{}, our_address)));
    device.take_sent();
}

Bytes bytes_of(const char* text) {
    return Bytes(text, text + strlen(text));
}

uint16_t transport_checksum6(const Ipv6Address& source, const Ipv6Address& destination,
                             uint8_t protocol, const Bytes& message) {
    return internet_checksum(
        message.data(), message.size(),
        ipv6_pseudo_header_sum(source, destination, protocol, uint32_t(message.size())));
}

Bytes ipv6_frame(const Ipv6Address& source, const Ipv6Address& destination, uint8_t next_header,
                 const Bytes& payload, MacAddress mac_destination, uint8_t hop_limit) {
    Bytes packet(8);
    packet[0] = 0x60;
    store_be16(packet.data() + 4, static_cast<uint16_t>(payload.size()));
    packet[6] = next_header;
    packet[7] = hop_limit;
    packet.insert(packet.end(), source.bytes, source.bytes + 16);
    packet.insert(packet.end(), destination.bytes, destination.bytes + 16);
    packet.insert(packet.end(), payload.begin(), payload.end());
    return ethernet_frame(mac_destination, peer_mac, 0x86dd, packet);
}

Bytes pattern(size_t length) {
    Bytes data(length);
    for (size_t i = 0; i < length; ++i)
        data[i] = static_cast<uint8_t>(i * 13 + 1);
    return data;
}

Bytes peer_neighbour_advertisement6() {
    Bytes advertisement{136, 0, 0, 0, 0x60, 0, 0, 0};
    advertisement.insert(advertisement.end(), peer_address6.bytes, peer_address6.bytes + 16);
    advertisement.insert(advertisement.end(), {2, 1});
    advertisement.insert(advertisement.end(), peer_mac.bytes, peer_mac.bytes + 6);
    store_be16(advertisement.data() + 2,
               transport_checksum6(peer_address6, our_address6, 58, advertisement));
    return ipv6_frame(peer_address6, our_address6, 58, advertisement, our_mac, 255);
}

Sent6 parse6(const TransmittedFrame& frame) {
    Sent6 sent;
    EXPECT_EQ(load_be16(frame.bytes.data() + 12), 0x86dd);
    EXPECT_EQ(parse_ipv6_header(frame.bytes.data() + 14, frame.bytes.size() - 14, sent.header),
              Ipv6HeaderCheck::valid);
    sent.payload.assign(frame.bytes.begin() + 54, frame.bytes.end());
    return sent;
}

void NetStackTest::configure_ipv6_peer() {
    InterfaceConfig config = static_config();
    config.address6 = our_address6;
    config.prefix_length6 = 64;
    stack->configure(config);
    device.take_sent();
    meet_peer();
    settle_ipv6();
    Ipv6Address group = solicited_node_group(our_address6);
    Bytes solicitation{135, 0, 0, 0, 0, 0, 0, 0};
    solicitation.insert(solicitation.end(), our_address6.bytes, our_address6.bytes + 16);
    solicitation.insert(solicitation.end(), {1, 1});
    solicitation.insert(solicitation.end(), peer_mac.bytes, peer_mac.bytes + 6);
    store_be16(solicitation.data() + 2,
               transport_checksum6(peer_address6, group, 58, solicitation));
    receive(ipv6_frame(peer_address6, group, 58, solicitation, multicast_mac(group), 255));
    device.record_ipv6 = true;
    device.take_sent();
}

} // namespace kernel_test
