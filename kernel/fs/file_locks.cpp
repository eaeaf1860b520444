#include "fs/file_locks.h"

namespace kernel::file_locks {

const char process_owner_tag = 0;

namespace {

bool overlaps(const Lock& lock, uint64_t start, uint64_t end) {
    return lock.start < end && start < lock.end;
}

} // namespace

LockTable::~LockTable() {
    while (Lock* lock = m_locks.take_first())
        delete lock;
}

const Lock* LockTable::find_conflict(const vfs::Inode& inode, Owner owner, LockType type,
                                     uint64_t start, uint64_t end) {
    if (type == LockType::Unlock)
        return nullptr;
    for (Lock& lock : m_locks) {
        if (lock.inode != &inode || lock.owner == owner || !overlaps(lock, start, end))
            continue;
        if (type == LockType::Write || lock.type == LockType::Write)
            return &lock;
    }
    return nullptr;
}

ErrorOr<void> LockTable::set(const vfs::Inode& inode, Owner owner, LockType type, uint64_t start,
                             uint64_t end) {
    // The owner's locks do not overlap each other, so at most one holds the new range strictly
    // inside and splits in two. Both allocations first: a failure changes nothing.
    bool splits = false;
    for (Lock& lock : m_locks)
        if (lock.inode == &inode && lock.owner == owner && lock.start < start && end < lock.end)
            splits = true;
    Lock* fresh = type == LockType::Unlock ? nullptr : new Lock;
    Lock* right = splits ? new Lock : nullptr;
    if ((type != LockType::Unlock && !fresh) || (splits && !right)) {
        delete fresh;
        delete right;
        return ENOLCK;
    }
    for (Lock& lock : m_locks) {
        if (lock.inode != &inode || lock.owner != owner || !overlaps(lock, start, end))
            continue;
        if (lock.start < start && end < lock.end) {
            right->inode = lock.inode;
            right->owner = lock.owner;
            right->type = lock.type;
            right->start = end;
            right->end = lock.end;
            lock.end = start;
            m_locks.append(*right);
        } else if (lock.start < start) {
            lock.end = start;
        } else if (end < lock.end) {
            lock.start = end;
        } else {
            decltype(m_locks)::remove(lock);
            delete &lock;
        }
    }
    if (fresh) {
        fresh->inode = &inode;
        fresh->owner = owner;
        fresh->type = type;
        fresh->start = start;
        fresh->end = end;
        m_locks.append(*fresh);
    }
    return {};
}

void LockTable::release(const vfs::Inode* inode, Owner owner) {
    for (Lock& lock : m_locks) {
        if (lock.owner != owner || (inode && lock.inode != inode))
            continue;
        decltype(m_locks)::remove(lock);
        delete &lock;
    }
}

} // namespace kernel::file_locks
