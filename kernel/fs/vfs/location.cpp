#include "fs/vfs/location.h"

#include "lib/string.h"

namespace kernel::vfs {

RefPtr<Location> Location::make(RefPtr<Inode> inode, RefPtr<Location> parent, StringView name) {
    char* copy = new char[name.length + 1];
    if (!copy)
        return nullptr;
    memcpy(copy, name.data, name.length);
    copy[name.length] = '\0';
    auto* location = new Location(move(inode), move(parent), copy, name.length);
    if (!location) {
        delete[] copy;
        return nullptr;
    }
    return RefPtr<Location>::adopt(location);
}

Location::Location(RefPtr<Inode> inode, RefPtr<Location> parent, char* name, size_t name_length)
    : m_inode(move(inode)), m_parent(move(parent)), m_name(name), m_name_length(name_length) {}

Location::~Location() {
    delete[] m_name;
}

ErrorOr<size_t> Location::absolute_path(char* buffer, size_t capacity) const {
    size_t length = 0;
    for (const Location* place = this; place->m_parent; place = place->m_parent.get())
        length += 1 + place->m_name_length;
    if (length == 0)
        length = 1; // "/" itself
    if (length > capacity)
        return ERANGE;
    buffer[0] = '/';
    size_t end = length;
    for (const Location* place = this; place->m_parent; place = place->m_parent.get()) {
        end -= place->m_name_length;
        memcpy(buffer + end, place->m_name, place->m_name_length);
        buffer[--end] = '/';
    }
    return length;
}

} // namespace kernel::vfs
