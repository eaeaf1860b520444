#include "fs/epoll_file.h"

#include "lib/format.h"
#include "lib/string.h"

namespace kernel {

EpollFile::~EpollFile() {
    while (Entry* entry = m_entries.first())
        destroy(*entry);
}

// What the registration reports: its requested events, plus error and hang-up, which Linux
// reports whether asked for or not; nothing while disabled.
uint32_t EpollFile::interest(const Entry& entry) {
    uint32_t requested = entry.events & ~epoll_flag::all;
    if (!requested)
        return 0;
    return requested | poll_event::error | poll_event::hang_up;
}

// Through the file's watches, not this epoll's entries: epoll_ctl stays cheap however many
// files an epoll watches.
EpollFile::Entry* EpollFile::find(File& file, int fd) {
    for (auto& watch : file.watches()) {
        if (watch.file_released != file_released)
            continue;
        auto& entry = *static_cast<Entry*>(watch.context);
        if (entry.owner == this && entry.fd == fd)
            return &entry;
    }
    return nullptr;
}

void EpollFile::mark_ready(Entry& entry) {
    if (!entry.ready_node.is_linked())
        m_ready.append(entry);
    m_readiness.notify(poll_event::in | poll_event::read_normal);
}

void EpollFile::file_changed(ReadinessObserver& observer, uint32_t events) {
    auto& entry = *static_cast<Entry*>(observer.context);
    if (!(events & interest(entry)))
        return;
    bool waited_on = entry.owner->m_readiness.has_observers();
    entry.owner->mark_ready(entry);
    // Linux's ep_poll_callback: an exclusive registration takes the wake-up for itself when a
    // thread was waiting on this epoll and the change is only the input or only the output it
    // asked for (or neither, an error or hang-up); otherwise the next one hears of it too.
    uint32_t in_out = events & (poll_event::in | poll_event::out);
    bool wanted = in_out == 0 || ((in_out == poll_event::in || in_out == poll_event::out) &&
                                  (entry.events & in_out));
    observer.claimed = waited_on && wanted;
}

void EpollFile::file_released(FileWatch& watch) {
    auto& entry = *static_cast<Entry*>(watch.context);
    entry.owner->destroy(entry);
}

void EpollFile::destroy(Entry& entry) {
    Readiness::unsubscribe(entry.observer);
    File::unwatch(entry.watch);
    EntryList::remove(entry);
    ReadyList::remove(entry);
    --m_count;
    delete &entry;
}

bool EpollFile::watches_epolls() const {
    for (auto& entry : const_cast<EntryList&>(m_entries)) {
        if (entry.file->kind() == FileKind::Epoll)
            return true;
    }
    return false;
}

ErrorOr<void> EpollFile::add(File& file, int fd, const EpollEvent& event) {
    if (&file == this)
        return EINVAL;
    if (file.kind() == FileKind::Epoll && static_cast<EpollFile&>(file).watches_epolls())
        return EINVAL;
    if (find(file, fd))
        return EEXIST;
    if (event.events & epoll_flag::exclusive) {
        // Linux's EPOLLEXCLUSIVE_OK_BITS: no one-shot, no epoll as the target.
        constexpr uint32_t allowed = poll_event::in | poll_event::out | poll_event::error |
                                     poll_event::hang_up | epoll_flag::wakeup |
                                     epoll_flag::edge_triggered | epoll_flag::exclusive;
        if ((event.events & ~allowed) || file.kind() == FileKind::Epoll)
            return EINVAL;
    }
    auto* entry = new Entry{this, &file, fd, event.events, event.data, {}, {}, {}, {}};
    if (!entry)
        return ENOMEM;
    entry->observer.notify = file_changed;
    entry->observer.context = entry;
    entry->observer.exclusive = (event.events & epoll_flag::exclusive) != 0;
    entry->watch.file_released = file_released;
    entry->watch.context = entry;
    m_entries.append(*entry);
    ++m_count;
    file.watch(entry->watch);
    if (Readiness* readiness = file.readiness())
        readiness->subscribe(entry->observer);
    if (file.poll_events() & interest(*entry))
        mark_ready(*entry);
    return {};
}

ErrorOr<void> EpollFile::modify(File& file, int fd, const EpollEvent& event) {
    if (event.events & epoll_flag::exclusive)
        return EINVAL;
    Entry* entry = find(file, fd);
    if (!entry)
        return ENOENT;
    if (entry->events & epoll_flag::exclusive)
        return EINVAL;
    entry->events = event.events;
    entry->data = event.data;
    // As Linux does, a modification looks at the file again: what holds now is reported even
    // for an edge-triggered registration.
    if (file.poll_events() & interest(*entry))
        mark_ready(*entry);
    return {};
}

ErrorOr<void> EpollFile::remove(File& file, int fd) {
    Entry* entry = find(file, fd);
    if (!entry)
        return ENOENT;
    destroy(*entry);
    return {};
}

size_t EpollFile::collect(EpollEvent* events, size_t capacity) {
    size_t count = 0;
    ReadyList still_ready; // level-triggered: back on the list, behind the others
    while (count < capacity) {
        Entry* entry = m_ready.take_first();
        if (!entry)
            break;
        uint32_t ready = entry->file->poll_events() & interest(*entry);
        if (!ready)
            continue;
        events[count++] = {ready, entry->data};
        if (entry->events & epoll_flag::one_shot)
            entry->events &= epoll_flag::all;
        else if (!(entry->events & epoll_flag::edge_triggered))
            still_ready.append(*entry);
    }
    while (Entry* entry = still_ready.take_first())
        m_ready.append(*entry);
    return count;
}

uint32_t EpollFile::poll_events() {
    for (auto& entry : m_ready) {
        if (entry.file->poll_events() & interest(entry))
            return poll_event::in | poll_event::read_normal;
        ReadyList::remove(entry);
    }
    return 0;
}

size_t EpollFile::describe(char* buffer, size_t capacity) {
    return format_within(buffer, capacity, "anon_inode:[eventpoll]");
}

ErrorOr<void> EpollFile::stat(LinuxStat& stat) {
    memset(&stat, 0, sizeof stat);
    stat.st_mode = 0600; // an anonymous inode has no file type
    stat.st_nlink = 1;
    stat.st_blksize = 4096;
    return {};
}

} // namespace kernel
