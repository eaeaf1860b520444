#include "net/tap_device.h"

#include "support/error.h"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ingot {

namespace {

// virtio_net_hdr_v1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers.
constexpr int virtio_net_header_size = 12;

const char* how_to_make_a_tap =
    "`ip tuntap add dev tap0 mode tap user $USER`, then give it an address and bring it up";

OwnedFd open_tun(const std::string& tun_path, const std::string& name) {
    int fd = ::open(tun_path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd >= 0)
        return OwnedFd(fd);
    int error = errno;
    std::string purpose = name.empty() ? std::string("-p needs a tap device")
                                       : fmt::format("--net {} needs a tap device", name);
    if (error == ENOENT || error == ENODEV || error == ENXIO)
        fail("{}, but {} is missing (load the tun driver: `modprobe tun`)", purpose, tun_path);
    if (error == EACCES || error == EPERM)
        fail("{}, but this user may not open {} (run as root)", purpose, tun_path);
    fail("{}, but {} cannot be opened: {}", purpose, tun_path, system_error_text(error));
}

[[noreturn]] void fail_to_attach(const std::string& name, bool existed, int error) {
    if (name.empty()) {
        if (error == EPERM)
            fail("-p needs CAP_NET_ADMIN to create a tap device (run as root, or create one with "
                 "{}, and pass --net tap0 --ip ADDR/PREFIX)",
                 how_to_make_a_tap);
        fail("-p cannot create a tap device: {}", system_error_text(error));
    }
    if (error == EPERM && existed)
        fail("--net {}: this user may not use tap {} (run as root, or recreate it with `ip tuntap "
             "add dev {} mode tap user $USER`)",
             name, name, name);
    if (error == EPERM)
        fail("--net {}: there is no such interface, and creating a tap device needs CAP_NET_ADMIN "
             "(run as root, or create it with `ip tuntap add dev {} mode tap user $USER`)",
             name, name);
    if (error == EBUSY)
        fail("--net {}: tap {} is already in use by another process", name, name);
    if (error == EINVAL && existed)
        fail("--net {}: {} exists but is not a (single-queue) tap device", name, name);
    fail("--net {}: cannot {} tap {}: {}", name, existed ? "open" : "create", name,
         system_error_text(error));
}

void configure(int fd, const std::string& name) {
    int header_size = virtio_net_header_size;
    if (::ioctl(fd, TUNSETVNETHDRSZ, &header_size) < 0)
        fail("tap {}: cannot set the virtio-net header size: {}", name, system_error_text(errno));
    if (::ioctl(fd, TUNSETOFFLOAD, static_cast<unsigned long>(TUN_F_CSUM)) < 0)
        fail("tap {}: cannot set its offloads: {}", name, system_error_text(errno));
}

} // namespace

unsigned long TapDevice::coalescing_offloads() {
    return TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
}

bool TapDevice::enable_coalescing(int fd) {
    return ::ioctl(fd, TUNSETOFFLOAD, coalescing_offloads()) == 0;
}

TapDevice::TapDevice(const std::string& name, const std::string& tun_path)
    : m_fd(open_tun(tun_path, name)) {
    bool existed = !name.empty() && ::if_nametoindex(name.c_str()) != 0;
    ifreq request{};
    std::string pattern = name.empty() ? "ingot%d" : name;
    std::memcpy(request.ifr_name, pattern.data(), std::min<size_t>(pattern.size(), IFNAMSIZ - 1));
    request.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (::ioctl(m_fd.get(), TUNSETIFF, &request) < 0)
        fail_to_attach(name, existed, errno);
    m_name.assign(request.ifr_name, strnlen(request.ifr_name, IFNAMSIZ));
    m_created = !existed;
    configure(m_fd.get(), m_name);
    if (::ioctl(m_fd.get(), TUNGETIFF, &request) < 0)
        fail("tap {}: cannot read its flags: {}", m_name, system_error_text(errno));
    m_persistent = request.ifr_flags & IFF_PERSIST;
    m_index = ::if_nametoindex(m_name.c_str());
    if (m_index == 0)
        fail("tap {}: cannot find its interface index: {}", m_name, system_error_text(errno));
}

} // namespace ingot
