// Which sockets hold each local port, as Linux's bind hash: deciding whether a port is free
// looks at that port's holders only, so binding and choosing an ephemeral port do not walk
// every connection.
#pragma once

#include "lib/intrusive_list.h"
#include "net/tcp/tcp_connection.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::net::tcp {

class TcpPortTable {
public:
    using Holders = IntrusiveList<TcpConnection, &TcpConnection::port_node>;

    TcpPortTable() = default;
    ~TcpPortTable();
    TcpPortTable(const TcpPortTable&) = delete;
    TcpPortTable& operator=(const TcpPortTable&) = delete;

    // Files a bound socket under its local port; false when out of memory.
    bool add(TcpConnection& connection);
    void remove(TcpConnection& connection);
    // The sockets holding `port`, or nullptr when none does.
    Holders* holders(uint16_t port);

private:
    struct Port {
        uint16_t number = 0;
        Holders holders;
        Port* next = nullptr;
    };
    Port*& head(uint16_t port) { return m_heads[port % head_count]; }
    Port* find(uint16_t port);

    // Ports in use are few beside the connections (one listener's port holds all its
    // children): a chain per 64 port numbers at most.
    static constexpr size_t head_count = 1024;
    Port* m_heads[head_count] = {};
};

} // namespace kernel::net::tcp
