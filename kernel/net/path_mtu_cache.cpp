#include "net/path_mtu_cache.h"

#include "lib/utility.h"

namespace kernel::net {

template <typename Address>
bool PathMtuCache<Address>::record(const Address& destination, size_t mtu, uint64_t now) {
    bool locks = mtu < m_minimum;
    mtu = max(mtu, m_minimum);
    Entry* victim = nullptr;
    bool victim_live = false;
    for (auto& entry : m_entries) {
        bool live = entry.mtu != 0 && now < entry.expires;
        if (live && entry.destination == destination) {
            if (mtu >= entry.mtu && (!locks || entry.locked))
                return false;
            entry.mtu = min(entry.mtu, mtu);
            entry.locked = entry.locked || locks;
            entry.expires = now + lifetime_ns;
            return true;
        }
        // A free or expired entry first; else the live one closest to expiry.
        if (!victim || (victim_live && (!live || entry.expires < victim->expires))) {
            victim = &entry;
            victim_live = live;
        }
    }
    victim->destination = destination;
    victim->mtu = mtu;
    victim->expires = now + lifetime_ns;
    victim->locked = locks;
    return true;
}

template <typename Address>
PathMtu PathMtuCache<Address>::lookup(const Address& destination, size_t link_mtu,
                                      uint64_t now) const {
    for (auto& entry : m_entries)
        if (entry.mtu != 0 && now < entry.expires && entry.destination == destination)
            return entry.mtu < link_mtu ? PathMtu{entry.mtu, entry.locked} : PathMtu{link_mtu};
    return {link_mtu};
}

template class PathMtuCache<Ipv4Address>;
template class PathMtuCache<Ipv6Address>;

} // namespace kernel::net
