// One relayed TCP connection: the client's socket and the one to the guest, with a buffer for
// each direction. Edge-triggered: every event runs pump(), which moves bytes until each
// direction waits on the kernel (EAGAIN) or is finished.
#pragma once

#include "net/event_loop.h"
#include "net/owned_fd.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace ingot {

class TcpForwarder;

class TcpRelay final : public EventHandler {
public:
    // `guest` is connecting (non-blocking connect in progress or done).
    TcpRelay(EventLoop& loop, TcpForwarder& owner, OwnedFd client, OwnedFd guest);

    // The connection to the guest's: `events` is for its socket; the client's arrive through
    // m_client_events.
    void handle_events(uint32_t events) override;

private:
    class ClientEvents final : public EventHandler {
    public:
        explicit ClientEvents(TcpRelay& relay) : m_relay(relay) {}
        void handle_events(uint32_t events) override { m_relay.on_client_events(events); }

    private:
        TcpRelay& m_relay;
    };

    // Bytes read from one socket, not yet written to the other.
    struct Direction {
        std::unique_ptr<uint8_t[]> buffer;
        size_t begin = 0;
        size_t end = 0;
        bool source_ended = false; // read returned 0
        bool shut = false;         // the end was passed on: shutdown(SHUT_WR) of the target
    };
    enum class Progress { None, Some, Failed };

    void on_client_events(uint32_t events);
    void pump();
    Progress move(Direction& direction, int from, int to);
    void finish(bool reset_both);

    EventLoop& m_loop;
    TcpForwarder& m_owner;
    OwnedFd m_client;
    OwnedFd m_guest;
    ClientEvents m_client_events{*this};
    bool m_connecting = true;
    bool m_finished = false;
    Direction m_to_guest;
    Direction m_to_client;
};

} // namespace ingot
