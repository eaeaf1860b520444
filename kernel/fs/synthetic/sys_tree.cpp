// /sys: only what programs here read. glibc's get_nprocs reads devices/system/cpu/online;
// Redis warns unless transparent huge pages are off. Mounted read-only, as Docker does.
#include "fs/synthetic/node.h"
#include "fs/synthetic/proc_generators.h"
#include "fs/synthetic/synthetic_trees.h"

namespace kernel::synthetic {

namespace {

constexpr uint64_t sysfs_magic = 0x62656572;

} // namespace

RefPtr<SyntheticFileSystem> make_sys_file_system(const SystemFacts& facts, FileOpener& opener) {
    auto file_system = make_ref<SyntheticFileSystem>(
        "sysfs", "/sys", ChangePolicy{EROFS, EROFS, EROFS, true}, facts, opener);
    if (!file_system || !file_system->root_directory())
        return nullptr;
    file_system->set_magic(sysfs_magic);
    Directory& root = *file_system->root_directory();
    Directory* devices = root.add_directory("devices");
    Directory* system = devices ? devices->add_directory("system") : nullptr;
    Directory* cpu = system ? system->add_directory("cpu") : nullptr;
    Directory* kernel = root.add_directory("kernel");
    Directory* mm = kernel ? kernel->add_directory("mm") : nullptr;
    Directory* huge_pages = mm ? mm->add_directory("transparent_hugepage") : nullptr;
    if (!cpu || !huge_pages)
        return nullptr;
    auto file = [&](const char* name, Generator generator, uint32_t mode) {
        return make_ref<GeneratedFile>(*file_system, name, generator, EROFS, EROFS, mode);
    };
    bool built = cpu->add(file("online", generate_cpu_list, 0444)) &&
                 cpu->add(file("possible", generate_cpu_list, 0444)) &&
                 huge_pages->add(file("enabled", generate_transparent_hugepage, 0644));
    return built ? file_system : nullptr;
}

} // namespace kernel::synthetic
