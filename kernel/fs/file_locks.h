// Advisory file locks: fcntl's record locks (F_SETLK: owned by the process; F_OFD_SETLK: by the
// open file description) and flock's whole-file locks (by the open file description), as
// fcntl(2) and flock(2) describe them. There is one process, so its record locks never
// conflict with each other: only locks of different owners do. Record locks and flock locks
// are apart (Linux's do not interact either).
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/intrusive_list.h"

#include <stdint.h>

namespace kernel::file_locks {

enum class LockType { Read, Write, Unlock };

// Who holds a lock: the process, or an open file description (its address).
using Owner = const void*;
extern const char process_owner_tag;
inline const Owner process_owner = &process_owner_tag;

inline constexpr uint64_t to_end_of_file = ~0ull; // l_len 0: to the end, however it grows

struct Lock {
    ListNode node;
    const vfs::Inode* inode = nullptr;
    Owner owner = nullptr;
    LockType type = LockType::Read;
    uint64_t start = 0, end = 0; // [start, end)
};

class LockTable {
public:
    LockTable() = default;
    LockTable(const LockTable&) = delete;
    LockTable& operator=(const LockTable&) = delete;
    ~LockTable();

    // A lock of another owner on [start, end) of `inode` that `type` cannot coexist with.
    const Lock* find_conflict(const vfs::Inode& inode, Owner owner, LockType type, uint64_t start,
                              uint64_t end);
    // Sets (or with Unlock clears) `owner`'s lock on [start, end), replacing what it held there;
    // the caller checked for conflicts. ENOLCK when the kernel heap is exhausted.
    ErrorOr<void> set(const vfs::Inode& inode, Owner owner, LockType type, uint64_t start,
                      uint64_t end);
    // Every lock of `owner` on `inode`, or on any inode when `inode` is null (a closed file).
    void release(const vfs::Inode* inode, Owner owner);

private:
    IntrusiveList<Lock, &Lock::node> m_locks;
};

} // namespace kernel::file_locks
