// probe()'s driver for virtio-9p, the device of a volume on pvh: part of the volumes component
// (abi::component_volumes), whose absence leaves such devices alone
// (components/without_volumes.cpp).
#include "drivers/probe.h"

#include "lib/log.h"
#include "lib/string.h"
#include "mm/kmalloc.h"

namespace kernel::drivers {

namespace {

constexpr size_t most_p9_devices = 8;
virtio::P9Device* the_p9_devices[most_p9_devices];
size_t the_p9_device_count;

} // namespace

bool start_p9_device(virtio::Transport& transport, const char* where, bool report) {
    if (the_p9_device_count == most_p9_devices) {
        klog("%s: virtio-9p, %zu are in use already", where, most_p9_devices);
        return false;
    }
    void* memory = kmalloc(sizeof(virtio::P9Device));
    if (!memory)
        return false;
    auto* device = new (memory) virtio::P9Device();
    if (auto result = device->initialize(transport); result.is_error()) {
        klog("%s: virtio-9p did not start (%s)", where, errno_name(result.error().code()));
        kfree(device);
        return false;
    }
    the_p9_devices[the_p9_device_count++] = device;
    if (report) {
        char tag[virtio::P9Device::max_tag_length + 1] = {};
        memcpy(tag, device->mount_tag().data, device->mount_tag().length);
        klog("%s: virtio-9p, mount tag %s", where, tag);
    }
    return true;
}

size_t p9_device_count() {
    return the_p9_device_count;
}

virtio::P9Device* p9_device(size_t index) {
    return index < the_p9_device_count ? the_p9_devices[index] : nullptr;
}

} // namespace kernel::drivers
