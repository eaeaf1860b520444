// /proc/self/maps, as fs/proc/task_mmu.c's show_map_vma prints a mapping: the header
// "start-end perms offset major:minor inode", then, for a named mapping, spaces to column 73
// and the name ([heap], [stack], a file's path); anonymous memory ends after the inode and a
// space.
#include "fs/synthetic/proc_generators.h"
#include "fs/synthetic/text_layout.h"

namespace kernel::synthetic {

namespace {

// Linux's seq_setwidth(m, 25 + sizeof(void *) * 6 - 1): the header's width before the name.
constexpr size_t name_column = 25 + 8 * 6 - 1;

class MapsWriter final : public MappingVisitor {
public:
    explicit MapsWriter(TextBuffer& text) : m_text(text) {}

    void visit(const MappingFacts& mapping) override {
        size_t start = m_text.length();
        m_text.append("%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ",
                      static_cast<unsigned long long>(mapping.start),
                      static_cast<unsigned long long>(mapping.end), mapping.readable ? 'r' : '-',
                      mapping.writable ? 'w' : '-', mapping.executable ? 'x' : '-',
                      mapping.shared ? 's' : 'p', static_cast<unsigned long long>(mapping.offset),
                      static_cast<unsigned>(device_major(mapping.device)),
                      static_cast<unsigned>(device_minor(mapping.device)),
                      static_cast<unsigned long long>(mapping.inode));
        if (mapping.name && mapping.name[0]) {
            size_t written = m_text.length() - start;
            if (written < name_column)
                append_left(m_text, "", name_column - written);
            m_text.append(" %s", mapping.name);
        }
        m_text.append("\n");
    }

private:
    // Linux's new_decode_dev.
    static uint32_t device_major(uint64_t device) { return (device & 0xfff00) >> 8; }
    static uint32_t device_minor(uint64_t device) {
        return static_cast<uint32_t>((device & 0xff) | ((device >> 12) & 0xfff00));
    }

    TextBuffer& m_text;
};

} // namespace

void generate_maps(const SystemFacts& facts, TextBuffer& text) {
    MapsWriter writer(text);
    facts.for_each_mapping(writer);
}

} // namespace kernel::synthetic
