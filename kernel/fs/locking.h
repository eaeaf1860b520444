// The kernel's file locks (fs/file_locks.h) and the threads waiting for them: F_SETLKW,
// F_OFD_SETLKW and flock without LOCK_NB sleep until a conflicting lock goes, or a signal comes
// (EINTR).
#pragma once

#include "fs/file_locks.h"

namespace kernel::locking {

enum class Table { Records, WholeFile };

// A conflicting lock, for F_GETLK; null when there is none.
const file_locks::Lock* find_conflict(Table table, const vfs::Inode& inode, file_locks::Owner owner,
                                      file_locks::LockType type, uint64_t start, uint64_t end);
// Sets or clears a lock; on conflict EAGAIN, or with `wait` sleeps until there is none (EINTR).
ErrorOr<void> lock(Table table, const vfs::Inode& inode, file_locks::Owner owner,
                   file_locks::LockType type, uint64_t start, uint64_t end, bool wait);
// An open file description goes: its own locks, and the process's record locks on its inode
// (closing a file releases them, fcntl(2)).
void file_closed(file_locks::Owner file, const vfs::Inode& inode);

} // namespace kernel::locking
