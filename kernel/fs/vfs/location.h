// A place in the tree as a walk reached it: an inode and the directory it was reached from.
// Inodes do not know their parents (one file may have many names, and ".." is never asked of a
// file system), so ".." is the walk's own step back along this chain: across a mount point to
// the directory mounted on, and nowhere from "/" (path_resolution(7)). The chain also names the
// place, for getcwd(2) and /proc/self/fd.
#pragma once

#include "fs/vfs/inode.h"
#include "lib/error_or.h"
#include "lib/ref_counted.h"
#include "lib/string_view.h"

namespace kernel::vfs {

class Location : public RefCounted<Location> {
public:
    // Null when the kernel heap is exhausted. The root of the tree has no parent.
    static RefPtr<Location> make(RefPtr<Inode> inode, RefPtr<Location> parent, StringView name);
    ~Location();

    Inode& inode() const { return *m_inode; }
    const RefPtr<Inode>& inode_reference() const { return m_inode; }
    Location* parent() const { return m_parent.get(); }
    StringView name() const { return StringView(m_name, m_name_length); }

    // "/a/b", as getcwd reports it: the length (no NUL written); ERANGE when it does not fit.
    ErrorOr<size_t> absolute_path(char* buffer, size_t capacity) const;

private:
    Location(RefPtr<Inode> inode, RefPtr<Location> parent, char* name, size_t name_length);

    RefPtr<Inode> m_inode;
    RefPtr<Location> m_parent;
    char* m_name;
    size_t m_name_length;
};

} // namespace kernel::vfs
