#include "net/tcp/tcp_port_table.h"

namespace kernel::net::tcp {

// The table removes every holder before it goes; what is left are the empty ports' records.
TcpPortTable::~TcpPortTable() {
    for (Port*& chain : m_heads) {
        while (Port* port = chain) {
            chain = port->next;
            delete port;
        }
    }
}

TcpPortTable::Port* TcpPortTable::find(uint16_t number) {
    for (Port* port = head(number); port; port = port->next) {
        if (port->number == number)
            return port;
    }
    return nullptr;
}

bool TcpPortTable::add(TcpConnection& connection) {
    uint16_t number = connection.local().port;
    Port* port = find(number);
    if (!port) {
        port = new Port;
        if (!port)
            return false;
        port->number = number;
        port->next = head(number);
        head(number) = port;
    }
    port->holders.append(connection);
    return true;
}

void TcpPortTable::remove(TcpConnection& connection) {
    if (!connection.port_node.is_linked())
        return;
    Holders::remove(connection);
    uint16_t number = connection.local().port;
    for (Port** link = &head(number); *link; link = &(*link)->next) {
        Port* port = *link;
        if (port->number != number)
            continue;
        if (port->holders.is_empty()) {
            *link = port->next;
            delete port;
        }
        return;
    }
}

TcpPortTable::Holders* TcpPortTable::holders(uint16_t number) {
    Port* port = find(number);
    return port ? &port->holders : nullptr;
}

} // namespace kernel::net::tcp
