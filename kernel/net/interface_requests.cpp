#include "net/interface_requests.h"

#include "lib/errno.h"
#include "lib/string.h"
#include "lib/string_view.h"
#include "lib/utility.h"

namespace kernel::net::interfaces {

namespace {

constexpr uint16_t af_inet = 2;

// Requests that change a link, which dev_ioctl refuses without CAP_NET_ADMIN whatever the
// socket's family: SIOCSIFFLAGS, METRIC, MTU, NAME, HWADDR, ADDMULTI, DELMULTI, PFLAGS,
// HWBROADCAST, TXQLEN, MAP.
constexpr uint32_t link_changes[] = {0x8914, 0x891e, 0x8922, 0x8923, 0x8924, 0x8931,
                                     0x8932, 0x8934, 0x8937, 0x8943, 0x8971};
// And those that change IPv4 addresses or routes, an AF_INET socket's to refuse:
// SIOCADDRT, DELRT, SIOCSIFADDR, DSTADDR, BRDADDR, NETMASK, SIOCDIFADDR.
constexpr uint32_t address_changes[] = {0x890b, 0x890c, 0x8916, 0x8918, 0x891a, 0x891c, 0x8936};

template <size_t N> bool one_of(uint32_t request, const uint32_t (&requests)[N]) {
    for (uint32_t candidate : requests)
        if (candidate == request)
            return true;
    return false;
}

// The union's members, at the start of its 24 bytes.
void put_short(InterfaceRequest& ifreq, uint16_t value) {
    memcpy(ifreq.value, &value, sizeof value);
}
void put_int(InterfaceRequest& ifreq, uint32_t value) {
    memcpy(ifreq.value, &value, sizeof value);
}
// struct sockaddr: the family, then 14 bytes of data.
void put_sockaddr(InterfaceRequest& ifreq, uint16_t family, const uint8_t* data, size_t length) {
    memset(ifreq.value, 0, 16);
    memcpy(ifreq.value, &family, sizeof family);
    memcpy(ifreq.value + 2, data, length);
}
// struct sockaddr_in: the family, the port (none), the address.
void put_ipv4(InterfaceRequest& ifreq, const uint8_t* address) {
    uint8_t data[6] = {0, 0, address[0], address[1], address[2], address[3]};
    put_sockaddr(ifreq, af_inet, data, sizeof data);
}

const Address* first_ipv4(const Facts& facts, int index) {
    for (size_t i = 0; i < facts.address_count; ++i)
        if (facts.addresses[i].index == index && !facts.addresses[i].ipv6)
            return &facts.addresses[i];
    return nullptr;
}

ErrorOr<void> answer_ipv4(uint32_t request, InterfaceRequest& ifreq, const Link& link,
                          const Facts& facts) {
    const Address* address = first_ipv4(facts, link.index);
    if (!address)
        return EADDRNOTAVAIL;
    uint8_t value[4] = {};
    switch (request) {
    case siocgifaddr:
    case siocgifdstaddr: // a link that is not point-to-point has its own address there
        memcpy(value, address->bytes, sizeof value);
        break;
    case siocgifbrdaddr:
        ipv4_broadcast(*address, value);
        break;
    default: // SIOCGIFNETMASK
        ipv4_netmask(address->prefix_length, value);
        break;
    }
    put_ipv4(ifreq, value);
    return {};
}

} // namespace

ErrorOr<void> answer_request(uint32_t request, InterfaceRequest& ifreq, const Facts& facts,
                             bool inet) {
    if (one_of(request, link_changes) || (inet && one_of(request, address_changes)))
        return EPERM;
    if (request == siocgifname) {
        int32_t index;
        memcpy(&index, ifreq.value, sizeof index);
        const Link* link = facts.link(index);
        if (!link)
            return ENODEV;
        memset(ifreq.name, 0, name_size);
        memcpy(ifreq.name, link->name, min(strlen(link->name), name_size - 1));
        return {};
    }
    bool ipv4_request = request == siocgifaddr || request == siocgifdstaddr ||
                        request == siocgifbrdaddr || request == siocgifnetmask;
    bool link_request = request == siocgifflags || request == siocgifmetric ||
                        request == siocgifmtu || request == siocgifhwaddr ||
                        request == siocgifindex || request == siocgiftxqlen ||
                        request == siocgifmap;
    if (!link_request && !(inet && ipv4_request))
        return ENOTTY;
    // Linux ends the name at IFNAMSIZ whatever the program left there.
    ifreq.name[name_size - 1] = 0;
    // An alias ("eth0:1") names its link, as dev_ioctl cuts at the colon; its addresses would
    // carry that label, and no address here has one.
    StringView name(ifreq.name);
    size_t colon = 0;
    while (colon < name.length && name.data[colon] != ':')
        ++colon;
    const Link* link = facts.link(StringView(name.data, colon));
    if (!link)
        return ENODEV;
    if (ipv4_request)
        return colon < name.length ? ErrorOr<void>(Error(EADDRNOTAVAIL))
                                   : answer_ipv4(request, ifreq, *link, facts);
    switch (request) {
    case siocgifflags: // a short: IFF_LOWER_UP and above are netlink's only
        put_short(ifreq, static_cast<uint16_t>(link_flags(*link)));
        break;
    case siocgifmetric:
        put_int(ifreq, 0);
        break;
    case siocgifmtu:
        put_int(ifreq, link->mtu);
        break;
    case siocgifhwaddr:
        put_sockaddr(ifreq, hardware_type(*link), link->mac.bytes, sizeof link->mac.bytes);
        break;
    case siocgifindex:
        put_int(ifreq, static_cast<uint32_t>(link->index));
        break;
    case siocgiftxqlen:
        put_int(ifreq, default_queue_length);
        break;
    default: // SIOCGIFMAP: no memory window, I/O port, IRQ or DMA channel to report
        memset(ifreq.value, 0, sizeof ifreq.value);
        break;
    }
    return {};
}

size_t list_ipv4_addresses(const Facts& facts, InterfaceRequest* entries, size_t capacity) {
    size_t count = 0;
    for (size_t i = 0; i < facts.address_count; ++i) {
        const Address& address = facts.addresses[i];
        const Link* link = facts.link(address.index);
        if (address.ipv6 || !link)
            continue;
        if (entries) {
            if (count == capacity)
                break;
            InterfaceRequest& entry = entries[count];
            memset(&entry, 0, sizeof entry);
            memcpy(entry.name, link->name, min(strlen(link->name), name_size - 1));
            put_ipv4(entry, address.bytes);
        }
        ++count;
    }
    return count;
}

} // namespace kernel::net::interfaces
