// /proc/self/mountinfo (fs/proc_namespace.c's show_mountinfo, proc(5)) and /proc/mounts
// (show_vfsmnt, the fstab format), from the kernel's mount table.
#include "fs/synthetic/proc_generators.h"

namespace kernel::synthetic {

namespace {

// Mount ids are Linux-like small numbers; the first mount ("/") is its own parent's child.
constexpr int first_mount_id = 21;

class MountInfoWriter final : public MountVisitor {
public:
    explicit MountInfoWriter(TextBuffer& text) : m_text(text) {}

    void visit(const MountFacts& mount) override {
        int id = first_mount_id + m_count++;
        int parent = id == first_mount_id ? first_mount_id - 1 : first_mount_id;
        const char* options = mount.read_only ? "ro" : "rw";
        m_text.append("%d %d %u:%u / %s %s,relatime - %s %s %s\n", id, parent,
                      static_cast<unsigned>((mount.device >> 8) & 0xfff),
                      static_cast<unsigned>(mount.device & 0xff), mount.path, options, mount.type,
                      mount.source, options);
    }

private:
    TextBuffer& m_text;
    int m_count = 0;
};

class MountsWriter final : public MountVisitor {
public:
    explicit MountsWriter(TextBuffer& text) : m_text(text) {}

    void visit(const MountFacts& mount) override {
        m_text.append("%s %s %s %s,relatime 0 0\n", mount.source, mount.path, mount.type,
                      mount.read_only ? "ro" : "rw");
    }

private:
    TextBuffer& m_text;
};

} // namespace

void generate_mountinfo(const SystemFacts& facts, TextBuffer& text) {
    MountInfoWriter writer(text);
    facts.for_each_mount(writer);
}

void generate_mounts(const SystemFacts& facts, TextBuffer& text) {
    MountsWriter writer(text);
    facts.for_each_mount(writer);
}

} // namespace kernel::synthetic
