#include "launch/launch.h"
#include "launch/resolve_launch.h"
#include "oci/console_socket.h"
#include "oci/container_init.h"
#include "oci/container_network.h"
#include "oci/oci_commands.h"
#include "oci/oci_config.h"
#include "oci/oci_launch.h"
#include "support/error.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace ingot {

namespace {

// hvt, Ingot's own monitor, where KVM can be opened and answers; QEMU otherwise (TCG when it must),
// so that a host without KVM still runs containers, slowly.
std::string choose_platform() {
    const char* device = std::getenv("INGOT_KVM_DEVICE");
    int fd = ::open(device ? device : "/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return "qemu";
    bool kvm = ::ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
    ::close(fd);
    return kvm ? "hvt" : "qemu";
}

// Written whole or not at all: the caller reads it as soon as create exits.
void write_pid_file(const std::string& path, int pid) {
    std::string temporary = path + ".ingot-oci.new";
    {
        std::ofstream file(temporary, std::ios::trunc);
        file << pid;
        if (!file.flush())
            fail("cannot write --pid-file '{}'", path);
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        fail("cannot write --pid-file '{}': {}", path, system_error_text(errno));
}

} // namespace

int create_container(const ContainerStore& store, const CreateOptions& options,
                     const RuntimeLog& log) {
    if (!is_valid_container_id(options.id))
        fail("invalid container id '{}': use letters, digits, '_', '+', '-' and '.'", options.id);
    if (store.exists(options.id))
        fail("container '{}' already exists", options.id);
    std::string bundle = std::filesystem::absolute(options.bundle).lexically_normal().string();
    if (bundle.size() > 1 && bundle.ends_with("/"))
        bundle.pop_back();
    OciConfig config = read_oci_config(bundle);
    // runc's rule: a terminal goes to the console socket, and only a terminal does.
    if (config.terminal && options.console_socket.empty())
        fail("process.terminal is true: --console-socket is needed");
    if (!config.terminal && !options.console_socket.empty())
        fail("--console-socket is only for process.terminal true");
    // In the container's namespace before anything is resolved: the network plan takes over
    // its interface, and the init, forked below, inherits it.
    bool own_namespace = enter_network_namespace(config);
    LaunchSettings settings = oci_launch_settings(config, bundle, choose_platform());
    // The engine's interface there (podman's eth0, which its -p forwards to) becomes the
    // guest's, with its address, gateway and MAC. Never one of the host's own.
    if (own_namespace)
        if (auto interface = container_interface())
            settings.network.interface = *interface;
    LaunchPlan plan = resolve_launch(settings);

    store.create(options.id);
    int child = -1;
    try {
        OwnedFd terminal;
        if (config.terminal)
            terminal = send_console(options.console_socket);
        child = ::fork();
        if (child < 0)
            fail("cannot fork the container's init: {}", system_error_text(errno));
        if (child == 0)
            run_container_init(plan, store.fifo_path(options.id), terminal ? terminal.get() : -1,
                               log);
        ContainerRecord record;
        record.id = options.id;
        record.bundle = bundle;
        record.created = rfc3339_now();
        record.annotations = config.annotations;
        auto identity = identify_process(child);
        if (!identity)
            fail("the container's init ended before it was recorded");
        record.init = *identity;
        store.save(record);
        if (!options.pid_file.empty())
            write_pid_file(options.pid_file, child);
    } catch (...) {
        if (child > 0) {
            ::kill(child, SIGKILL);
            ::waitpid(child, nullptr, 0);
        }
        store.remove(options.id);
        throw;
    }
    return 0;
}

} // namespace ingot
