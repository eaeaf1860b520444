#include "platform/pvh/pvh_volumes.h"

#include "drivers/probe.h"
#include "fs/p9/volume_list.h"
#include "lib/format.h"
#include "lib/log.h"

namespace kernel::pvh {

// Each option names its device by mount tag ("ingot" and the index).
void find_volumes(const CommandLine& command_line) {
    for (size_t i = 0; i < command_line.volume_count; ++i) {
        const VolumeOption& option = command_line.volumes[i];
        char tag[16];
        size_t tag_length = format(tag, sizeof tag, "ingot%u", option.index);
        virtio::P9Device* found = nullptr;
        for (size_t d = 0; d < drivers::p9_device_count() && !found; ++d)
            if (drivers::p9_device(d)->mount_tag() == StringView(tag, tag_length))
                found = drivers::p9_device(d);
        if (!found) {
            klog("volume %u: no virtio-9p device with mount tag %s: not mounted", option.index,
                 tag);
            continue;
        }
        p9::add_volume(*found, StringView(option.path, option.path_length), option.read_only);
    }
}

} // namespace kernel::pvh
