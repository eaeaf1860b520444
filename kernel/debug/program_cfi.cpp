#include "debug/program_cfi.h"

#include "loader/elf.h"

namespace kernel::debug {

namespace {

constexpr uint32_t section_no_bits = 8; // SHT_NOBITS: occupies no file bytes

class Sections {
public:
    Sections(const uint8_t* file, size_t size) : m_file(file), m_size(size) {
        if (size < sizeof(elf::Header) || reinterpret_cast<uint64_t>(file) % 8 != 0)
            return;
        const auto& header = *reinterpret_cast<const elf::Header*>(file);
        uint64_t offset = header.section_header_offset;
        if (header.section_header_size != sizeof(elf::SectionHeader) || offset % 8 != 0 ||
            offset > size ||
            header.section_header_count > (size - offset) / sizeof(elf::SectionHeader) ||
            header.section_name_index >= header.section_header_count)
            return;
        m_sections = reinterpret_cast<const elf::SectionHeader*>(file + offset);
        m_count = header.section_header_count;
        m_names = m_sections[header.section_name_index];
        if (!in_file(m_names))
            m_count = 0;
    }

    // The section called `name` as CFI bytes, empty when there is none that fits the file.
    CfiBytes find(const char* name, uint64_t load_bias) const {
        for (size_t i = 0; i < m_count; ++i) {
            const elf::SectionHeader& section = m_sections[i];
            if (section.type != section_no_bits && in_file(section) && has_name(section, name))
                return {m_file + section.offset, section.size, section.address + load_bias};
        }
        return {};
    }

private:
    bool in_file(const elf::SectionHeader& section) const {
        return section.offset <= m_size && section.size <= m_size - section.offset;
    }
    bool has_name(const elf::SectionHeader& section, const char* name) const {
        const auto* names = reinterpret_cast<const char*>(m_file + m_names.offset);
        for (uint64_t i = section.name;; ++i, ++name) {
            if (i >= m_names.size)
                return false;
            if (names[i] != *name)
                return false;
            if (*name == 0)
                return true;
        }
    }

    const uint8_t* m_file;
    size_t m_size;
    const elf::SectionHeader* m_sections = nullptr;
    size_t m_count = 0;
    elf::SectionHeader m_names{};
};

} // namespace

EhFrame find_program_cfi(const uint8_t* file, size_t size, uint64_t load_bias) {
    Sections sections(file, size);
    return EhFrame(sections.find(".eh_frame", load_bias),
                   sections.find(".eh_frame_hdr", load_bias));
}

ErrorOr<EhFrame> find_loaded_cfi(const CfiBytes& header, const CfiBytes& readable) {
    uint64_t frame = TRY(EhFrame::indexed_frame(header));
    if (frame < readable.address || frame - readable.address >= readable.size)
        return ENOENT;
    uint64_t offset = frame - readable.address;
    EhFrame cfi({readable.bytes + offset, readable.size - offset, frame}, header);
    if (!cfi.indexed())
        return ENOENT;
    return cfi;
}

} // namespace kernel::debug
