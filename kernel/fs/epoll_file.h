// epoll(7): a set of watched files and the list of those that may be ready. Each registration
// subscribes an observer to its file's readiness, which puts it on the ready list, so that
// collecting events costs in proportion to what is ready, not to what is watched.
//
// Level-triggered registrations stay on the list while their events hold; edge-triggered ones
// are reported once per notification; one-shot ones are disabled once reported, until
// EPOLL_CTL_MOD re-arms them. A registration ends when its file's last reference goes.
//
// EPOLLEXCLUSIVE registrations of one file, in several epolls, share its wake-ups: a change
// reaches them in turn only until one whose epoll has a waiting thread takes it, so that
// threads blocked on one listening socket through their own epolls wake one at a time.
#pragma once

#include "fs/file.h"

namespace kernel {

// The x86-64 struct epoll_event, packed as the ABI has it.
struct __attribute__((packed)) EpollEvent {
    uint32_t events;
    uint64_t data;
};
static_assert(sizeof(EpollEvent) == 12);

namespace epoll_flag {
inline constexpr uint32_t exclusive = 1u << 28;
inline constexpr uint32_t wakeup = 1u << 29;
inline constexpr uint32_t one_shot = 1u << 30;
inline constexpr uint32_t edge_triggered = 1u << 31;
inline constexpr uint32_t all = exclusive | wakeup | one_shot | edge_triggered;
} // namespace epoll_flag

class EpollFile final : public File {
public:
    EpollFile() = default;
    ~EpollFile() override;
    EpollFile(const EpollFile&) = delete;
    EpollFile& operator=(const EpollFile&) = delete;

    // EEXIST when (file, fd) is already registered; EINVAL for this epoll itself or for an epoll
    // that watches epolls (so that no cycle can form), and for EPOLLEXCLUSIVE with an epoll or
    // with flags beyond in, out, error, hang-up, edge-triggered and wakeup; ENOMEM.
    ErrorOr<void> add(File& file, int fd, const EpollEvent& event);
    // ENOENT when not registered; EINVAL for EPOLLEXCLUSIVE.
    ErrorOr<void> modify(File& file, int fd, const EpollEvent& event);
    ErrorOr<void> remove(File& file, int fd); // ENOENT
    // Moves up to `capacity` ready events into `events`; returns how many.
    size_t collect(EpollEvent* events, size_t capacity);
    bool watches_epolls() const;
    size_t registrations() const { return m_count; }

    FileKind kind() const override { return FileKind::Epoll; }
    uint32_t access_mode() const override { return o_rdwr; }
    uint32_t poll_events() override;
    Readiness* readiness() override { return &m_readiness; }
    ErrorOr<size_t> read(uint64_t, size_t) override { return EINVAL; }
    ErrorOr<size_t> write(uint64_t, size_t) override { return EINVAL; }
    ErrorOr<void> stat(LinuxStat& stat) override;
    size_t describe(char* buffer, size_t capacity) override;
    ErrorOr<long> ioctl(uint32_t, uint64_t) override { return ENOTTY; }

private:
    struct Entry {
        EpollFile* owner;
        File* file;
        int fd;
        uint32_t events; // requested events and epoll_flag:: bits; 0 once a one-shot fired
        uint64_t data;
        ReadinessObserver observer;
        FileWatch watch;
        ListNode all_node;
        ListNode ready_node;
    };
    using EntryList = IntrusiveList<Entry, &Entry::all_node>;
    using ReadyList = IntrusiveList<Entry, &Entry::ready_node>;

    static void file_changed(ReadinessObserver& observer, uint32_t events);
    static void file_released(FileWatch& watch);
    static uint32_t interest(const Entry& entry);
    Entry* find(File& file, int fd);
    void mark_ready(Entry& entry);
    void destroy(Entry& entry);

    EntryList m_entries;
    ReadyList m_ready;
    size_t m_count = 0;
    Readiness m_readiness;
};

} // namespace kernel
