#include "fs/locking.h"

#include "lib/utility.h"
#include "sched/scheduler.h"

namespace kernel::locking {

namespace {

WaitQueue waiters;

// Kernel-lifetime tables, built on first use.
file_locks::LockTable& table_of(Table table) {
    static Lifelong<file_locks::LockTable> record_storage, whole_file_storage;
    static file_locks::LockTable& records = record_storage.construct();
    static file_locks::LockTable& whole_file = whole_file_storage.construct();
    return table == Table::Records ? records : whole_file;
}

// Locks went: every waiter looks again.
void released() {
    scheduler::wake_some(waiters, ~size_t(0));
}

} // namespace

const file_locks::Lock* find_conflict(Table table, const vfs::Inode& inode, file_locks::Owner owner,
                                      file_locks::LockType type, uint64_t start, uint64_t end) {
    return table_of(table).find_conflict(inode, owner, type, start, end);
}

ErrorOr<void> lock(Table table, const vfs::Inode& inode, file_locks::Owner owner,
                   file_locks::LockType type, uint64_t start, uint64_t end, bool wait) {
    file_locks::LockTable& locks = table_of(table);
    while (locks.find_conflict(inode, owner, type, start, end)) {
        if (!wait)
            return EAGAIN;
        if (scheduler::block(&waiters, scheduler::no_deadline) == WakeReason::Interrupted)
            return EINTR;
    }
    TRY(locks.set(inode, owner, type, start, end));
    // An unlock, or a lock changed to a weaker one, may let a waiter through.
    released();
    return {};
}

void file_closed(file_locks::Owner file, const vfs::Inode& inode) {
    table_of(Table::Records).release(nullptr, file);
    table_of(Table::WholeFile).release(nullptr, file);
    table_of(Table::Records).release(&inode, file_locks::process_owner);
    released();
}

} // namespace kernel::locking
