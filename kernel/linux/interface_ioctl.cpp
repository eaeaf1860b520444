#include "linux/interface_ioctl.h"

#include "lib/utility.h"
#include "mm/user_memory.h"
#include "net/interface_requests.h"
#include "net/network.h"

namespace kernel {

namespace {

using net::interfaces::InterfaceRequest;

// struct ifconf: the buffer's length in bytes (then the length used), and the buffer.
struct InterfaceList {
    int32_t length;
    uint32_t padding;
    uint64_t buffer;
};
static_assert(sizeof(InterfaceList) == 16);

// SIOCGIFCONF, as dev_ifconf: with no buffer, the length all entries need; else as many whole
// entries as fit, and their length.
ErrorOr<long> list_interfaces(uint64_t argument) {
    auto list = TRY(read_user<InterfaceList>(argument));
    net::interfaces::Facts facts;
    net::interface_facts(facts);
    size_t count;
    if (!list.buffer) {
        count = net::interfaces::list_ipv4_addresses(facts, nullptr, 0);
    } else {
        InterfaceRequest entries[net::interfaces::Facts::max_addresses];
        size_t room = list.length > 0 ? static_cast<size_t>(list.length) / sizeof entries[0] : 0;
        count = net::interfaces::list_ipv4_addresses(facts, entries,
                                                     min(room, sizeof entries / sizeof entries[0]));
        TRY(copy_to_user(list.buffer, entries, count * sizeof entries[0]));
    }
    list.length = static_cast<int32_t>(count * sizeof(InterfaceRequest));
    TRY(write_user(argument, list.length));
    return 0L;
}

} // namespace

ErrorOr<long> interface_ioctl(uint32_t request, uint64_t argument, bool inet) {
    if (request == net::interfaces::siocgifconf)
        return list_interfaces(argument);
    auto ifreq = TRY(read_user<InterfaceRequest>(argument));
    net::interfaces::Facts facts;
    net::interface_facts(facts);
    TRY(net::interfaces::answer_request(request, ifreq, facts, inet));
    TRY(write_user(argument, ifreq));
    return 0L;
}

} // namespace kernel
