#include "net/owned_fd.h"
#include "oci/container_state.h"
#include "oci/oci_commands.h"
#include "oci/signal_names.h"
#include "support/error.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace ingot {

namespace {

// The init's children (the QEMU it runs), from /proc/PID/task/*/children (proc(5)).
std::vector<int> children_of(int pid) {
    std::vector<int> children;
    std::error_code error;
    for (const auto& task :
         std::filesystem::directory_iterator(fmt::format("/proc/{}/task", pid), error)) {
        std::ifstream file(task.path() / "children");
        int child;
        while (file >> child)
            children.push_back(child);
    }
    return children;
}

void wait_until_stopped(const ContainerStore& store, const ContainerRecord& record) {
    using namespace std::chrono_literals;
    for (auto deadline = std::chrono::steady_clock::now() + 10s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(10ms))
        if (store.status(record) == ContainerStatus::Stopped)
            return;
    fail("container '{}' did not stop after SIGKILL", record.id);
}

} // namespace

int start_container(const ContainerStore& store, const std::string& id) {
    ContainerRecord record = store.load(id);
    switch (store.status(record)) {
    case ContainerStatus::Running:
        fail("cannot start an already running container");
    case ContainerStatus::Stopped:
        fail("cannot start a container that has stopped");
    case ContainerStatus::Created:
        break;
    }
    // Non-blocking: the open succeeds at once and wakes the init blocked in its own open;
    // the poll below notices an init that died instead of writing.
    OwnedFd fifo(::open(store.fifo_path(id).c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo)
        fail("cannot open '{}': {}", store.fifo_path(id), system_error_text(errno));
    char byte = 0;
    while (true) {
        pollfd ready{fifo.get(), POLLIN, 0};
        ::poll(&ready, 1, 100);
        if (::read(fifo.get(), &byte, 1) == 1)
            break;
        if (!is_running(record.init))
            fail("the container's init ended before it started the program");
    }
    ::unlink(store.fifo_path(id).c_str());
    return 0;
}

int print_state(const ContainerStore& store, const std::string& id) {
    ContainerRecord record = store.load(id);
    fmt::print("{}\n", oci_state(record, store.status(record)).dump(2));
    return 0;
}

int kill_container(const ContainerStore& store, const std::string& id, const std::string& signal,
                   bool all) {
    ContainerRecord record = store.load(id);
    auto number = parse_signal(signal);
    if (!number)
        fail("unknown signal '{}'", signal);
    if (store.status(record) == ContainerStatus::Stopped)
        fail("container not running");
    std::vector<int> targets{record.init.pid};
    if (all)
        for (int child : children_of(record.init.pid))
            targets.push_back(child);
    for (int pid : targets)
        if (::kill(pid, *number) != 0 && errno != ESRCH)
            fail("cannot send signal {} to {}: {}", *number, pid, system_error_text(errno));
    return 0;
}

int delete_container(const ContainerStore& store, const std::string& id, bool force) {
    if (!store.exists(id)) {
        // A create that was interrupted leaves a directory without a record (runc does the
        // same clean-up); --force asks for no error when there is nothing.
        if (is_valid_container_id(id))
            store.remove(id);
        if (force)
            return 0;
        fail("container '{}' does not exist", id);
    }
    ContainerRecord record = store.load(id);
    ContainerStatus status = store.status(record);
    if (status == ContainerStatus::Running && !force)
        fail("cannot delete container {} that is not stopped: running", id);
    // A created container's program never ran: deleting it ends its init (runtime.md,
    // "Delete"), as runc does without --force.
    if (status != ContainerStatus::Stopped) {
        ::kill(record.init.pid, SIGKILL);
        wait_until_stopped(store, record);
    }
    store.remove(id);
    return 0;
}

int print_features() {
    // runc's `features` document (opencontainers/runtime-spec, features.md), holding what
    // ingot-oci honours: bind mounts become volumes, only the network namespace is joined.
    nlohmann::json features = {
        {"ociVersionMin", "1.0.0"},
        {"ociVersionMax", "1.0.2"},
        {"hooks", nlohmann::json::array()},
        {"mountOptions", {"bind", "rbind", "ro", "rw"}},
        {"linux",
         {{"namespaces", {"network"}},
          {"capabilities", nlohmann::json::array()},
          {"cgroup", {{"v1", false}, {"v2", false}, {"systemd", false}, {"systemdUser", false}}},
          {"seccomp", {{"enabled", false}}},
          {"apparmor", {{"enabled", false}}},
          {"selinux", {{"enabled", false}}}}},
        {"annotations", {{"org.ingot.runtime", "unikernel"}}}};
    fmt::print("{}\n", features.dump(4));
    return 0;
}

} // namespace ingot
