#include "fs/p9/volume_list.h"

#include "lib/string.h"

namespace kernel::p9 {

namespace {

Volume volumes[abi::max_volumes];
size_t count;

} // namespace

bool add_volume(Transport& transport, StringView guest_path, bool read_only) {
    if (count == abi::max_volumes || guest_path.length > abi::volume_path_capacity)
        return false;
    Volume& entry = volumes[count++];
    entry.transport = &transport;
    memcpy(entry.path, guest_path.data, guest_path.length);
    entry.path_length = guest_path.length;
    entry.read_only = read_only;
    return true;
}

size_t volume_count() {
    return count;
}

const Volume& volume(size_t index) {
    return volumes[index];
}

} // namespace kernel::p9
