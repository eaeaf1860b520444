// /proc's layout (proc(5)): the one process's directory and "self", machine-wide files, and
// the /proc/sys values programs read. Writes get procfs's answers: EINVAL for a process's
// files, EIO for the machine's; /proc/sys is read-only, as Docker mounts it.
#include "fs/synthetic/descriptor_directory.h"
#include "fs/synthetic/node.h"
#include "fs/synthetic/proc_generators.h"
#include "fs/synthetic/synthetic_trees.h"
#include "lib/format.h"

namespace kernel::synthetic {

namespace {

constexpr uint64_t proc_super_magic = 0x9fa0;

struct FileEntry {
    const char* name;
    Generator generator;
    uint32_t mode;
};

bool add_files(Directory& directory, const FileEntry* entries, size_t count, Errno write_error,
               Errno open_for_write_error) {
    auto& file_system = directory.synthetic_file_system();
    for (size_t i = 0; i < count; ++i)
        if (!directory.add(make_ref<GeneratedFile>(file_system, entries[i].name,
                                                   entries[i].generator, write_error,
                                                   open_for_write_error, entries[i].mode)))
            return false;
    return true;
}

bool build_process(Directory& process) {
    static const FileEntry files[] = {
        {"maps", generate_maps, 0444},           {"status", generate_status, 0444},
        {"stat", generate_process_stat, 0444},   {"statm", generate_statm, 0444},
        {"cmdline", generate_cmdline, 0444},     {"environ", generate_environ, 0400},
        {"comm", generate_comm, 0644},           {"limits", generate_limits, 0444},
        {"mountinfo", generate_mountinfo, 0444}, {"mounts", generate_mounts, 0444},
        {"cgroup", generate_cgroup, 0444},
    };
    auto& file_system = process.synthetic_file_system();
    return process.add(make_ref<Symlink>(file_system, "exe", generate_exe)) &&
           process.add(make_ref<DescriptorDirectory>(file_system)) &&
           add_files(process, files, sizeof files / sizeof files[0], EINVAL, Errno(0));
}

bool build_net(Directory& proc) {
    Directory* net = proc.add_directory("net");
    static const FileEntry files[] = {
        {"snmp", generate_net_snmp, 0444},         {"netstat", generate_net_netstat, 0444},
        {"dev", generate_net_dev, 0444},           {"route", generate_net_route, 0444},
        {"if_inet6", generate_net_if_inet6, 0444}, {"arp", generate_net_arp, 0444},
        {"tcp", generate_net_tcp, 0444},           {"tcp6", generate_net_tcp6, 0444},
        {"udp", generate_net_udp, 0444},           {"udp6", generate_net_udp6, 0444}};
    return net && add_files(*net, files, sizeof files / sizeof files[0], EIO, Errno(0));
}

bool build_sys(Directory& proc) {
    Directory* sys = proc.add_directory("sys");
    if (!sys)
        return false;
    Directory* kernel = sys->add_directory("kernel");
    Directory* vm = sys->add_directory("vm");
    Directory* net = sys->add_directory("net");
    Directory* core = net ? net->add_directory("core") : nullptr;
    Directory* fs = sys->add_directory("fs");
    if (!kernel || !vm || !core || !fs)
        return false;
    static const FileEntry kernel_files[] = {
        {"hostname", generate_hostname, 0644},
        {"osrelease", generate_osrelease, 0444},
        {"ostype", generate_ostype, 0444},
        {"pid_max", generate_pid_max, 0644},
    };
    static const FileEntry vm_files[] = {{"overcommit_memory", generate_overcommit_memory, 0644}};
    static const FileEntry core_files[] = {{"somaxconn", generate_somaxconn, 0644}};
    static const FileEntry fs_files[] = {{"file-max", generate_file_max, 0644}};
    return add_files(*kernel, kernel_files, 4, EROFS, EROFS) &&
           add_files(*vm, vm_files, 1, EROFS, EROFS) &&
           add_files(*core, core_files, 1, EROFS, EROFS) &&
           add_files(*fs, fs_files, 1, EROFS, EROFS);
}

} // namespace

RefPtr<SyntheticFileSystem> make_proc_file_system(const SystemFacts& facts, FileOpener& opener) {
    auto file_system = make_ref<SyntheticFileSystem>(
        "proc", "/proc", ChangePolicy{ENOENT, ENOENT, EPERM, false}, facts, opener);
    if (!file_system || !file_system->root_directory())
        return nullptr;
    file_system->set_magic(proc_super_magic);
    Directory& root = *file_system->root_directory();
    char pid[12];
    format(pid, sizeof pid, "%d", facts.pid());
    StringView pid_name = file_system->keep_name(pid);
    if (pid_name.is_empty())
        return nullptr;
    Directory* process = root.add_directory(pid_name);
    static const FileEntry files[] = {
        {"cpuinfo", generate_cpuinfo, 0444},         {"meminfo", generate_meminfo, 0444},
        {"stat", generate_system_stat, 0444},        {"uptime", generate_uptime, 0444},
        {"loadavg", generate_loadavg, 0444},         {"version", generate_version, 0444},
        {"filesystems", generate_filesystems, 0444},
    };
    bool built = process && build_process(*process) &&
                 root.add(make_ref<Symlink>(*file_system, "self", generate_pid)) &&
                 root.add(make_ref<Symlink>(*file_system, "mounts", "self/mounts")) &&
                 add_files(root, files, sizeof files / sizeof files[0], EIO, Errno(0)) &&
                 build_net(root) && build_sys(root);
    return built ? file_system : nullptr;
}

} // namespace kernel::synthetic
