#include "image/elf_file.h"

#include "support/error.h"

#include <cstring>

namespace ingot {

ElfFile::ElfFile(std::span<const uint8_t> bytes, const std::string& name) {
    elf_version(EV_CURRENT);
    // libelf takes a non-const pointer but only reads with ELF_C_READ_MMAP semantics here.
    m_elf = elf_memory(reinterpret_cast<char*>(const_cast<uint8_t*>(bytes.data())), bytes.size());
    if (!m_elf || elf_kind(m_elf) != ELF_K_ELF || gelf_getclass(m_elf) != ELFCLASS64 ||
        !gelf_getehdr(m_elf, &m_header)) {
        if (m_elf)
            elf_end(m_elf);
        fail("'{}' is a malformed ELF: {}", name, elf_errmsg(-1) ? elf_errmsg(-1) : "bad header");
    }
    size_t count = 0;
    if (elf_getphdrnum(m_elf, &count) != 0 || count == 0 || count > 256) {
        elf_end(m_elf);
        fail("'{}' is a malformed ELF: no usable program headers", name);
    }
    for (size_t i = 0; i < count; ++i) {
        GElf_Phdr header;
        if (!gelf_getphdr(m_elf, static_cast<int>(i), &header)) {
            elf_end(m_elf);
            fail("'{}' is a malformed ELF: program header {} is unreadable", name, i);
        }
        m_program_headers.push_back(header);
    }
}

ElfFile::~ElfFile() {
    elf_end(m_elf);
}

bool ElfFile::has_symbol_table() const {
    Elf_Scn* section = nullptr;
    while ((section = elf_nextscn(m_elf, section))) {
        GElf_Shdr header;
        if (gelf_getshdr(section, &header) && header.sh_type == SHT_SYMTAB)
            return true;
    }
    return false;
}

std::vector<ElfSymbol> ElfFile::code_symbols() const {
    std::vector<ElfSymbol> symbols;
    Elf_Scn* section = nullptr;
    while ((section = elf_nextscn(m_elf, section))) {
        GElf_Shdr header;
        if (!gelf_getshdr(section, &header) || header.sh_type != SHT_SYMTAB ||
            header.sh_entsize == 0)
            continue;
        Elf_Data* data = elf_getdata(section, nullptr);
        if (!data)
            continue;
        size_t count = header.sh_size / header.sh_entsize;
        for (size_t i = 0; i < count; ++i) {
            GElf_Sym symbol;
            if (!gelf_getsym(data, static_cast<int>(i), &symbol) || symbol.st_shndx == SHN_UNDEF ||
                symbol.st_shndx >= SHN_LORESERVE || symbol.st_value == 0)
                continue;
            int type = GELF_ST_TYPE(symbol.st_info);
            if (type == STT_NOTYPE) {
                GElf_Shdr home;
                Elf_Scn* home_section = elf_getscn(m_elf, symbol.st_shndx);
                if (!home_section || !gelf_getshdr(home_section, &home) ||
                    !(home.sh_flags & SHF_EXECINSTR))
                    continue;
            } else if (type != STT_FUNC) {
                continue;
            }
            const char* name = elf_strptr(m_elf, header.sh_link, symbol.st_name);
            if (!name || !*name)
                continue;
            symbols.push_back({symbol.st_value, symbol.st_size, name, type == STT_FUNC});
        }
    }
    return symbols;
}

bool ElfFile::is_position_independent_executable() const {
    Elf_Scn* section = nullptr;
    while ((section = elf_nextscn(m_elf, section))) {
        GElf_Shdr header;
        if (!gelf_getshdr(section, &header) || header.sh_type != SHT_DYNAMIC)
            continue;
        Elf_Data* data = elf_getdata(section, nullptr);
        if (!data || header.sh_entsize == 0)
            return false;
        size_t count = header.sh_size / header.sh_entsize;
        for (size_t i = 0; i < count; ++i) {
            GElf_Dyn entry;
            if (gelf_getdyn(data, static_cast<int>(i), &entry) && entry.d_tag == DT_FLAGS_1 &&
                (entry.d_un.d_val & DF_1_PIE))
                return true;
        }
    }
    return false;
}

bool ElfFile::has_pvh_entry_note() const {
    constexpr uint32_t xen_elfnote_phys32_entry = 18;
    for (const GElf_Phdr& segment : m_program_headers) {
        if (segment.p_type != PT_NOTE)
            continue;
        Elf_Data* data = elf_getdata_rawchunk(m_elf, static_cast<int64_t>(segment.p_offset),
                                              segment.p_filesz, ELF_T_NHDR);
        if (!data)
            continue;
        GElf_Nhdr note;
        size_t offset = 0, name_offset = 0, description_offset = 0;
        while ((offset = gelf_getnote(data, offset, &note, &name_offset, &description_offset))) {
            const char* name = static_cast<const char*>(data->d_buf) + name_offset;
            if (note.n_type == xen_elfnote_phys32_entry && note.n_namesz == 4 &&
                std::memcmp(name, "Xen", 4) == 0 && note.n_descsz >= 4)
                return true;
        }
    }
    return false;
}

std::vector<std::string> ElfFile::imported_symbols() const {
    std::vector<std::string> names;
    Elf_Scn* section = nullptr;
    while ((section = elf_nextscn(m_elf, section))) {
        GElf_Shdr header;
        if (!gelf_getshdr(section, &header) || header.sh_type != SHT_DYNSYM ||
            header.sh_entsize == 0)
            continue;
        Elf_Data* data = elf_getdata(section, nullptr);
        if (!data)
            continue;
        size_t count = header.sh_size / header.sh_entsize;
        for (size_t i = 1; i < count; ++i) {
            GElf_Sym symbol;
            if (!gelf_getsym(data, static_cast<int>(i), &symbol) || symbol.st_shndx != SHN_UNDEF ||
                GELF_ST_BIND(symbol.st_info) == STB_LOCAL)
                continue;
            const char* name = elf_strptr(m_elf, header.sh_link, symbol.st_name);
            if (name && *name)
                names.emplace_back(name);
        }
    }
    return names;
}

std::optional<std::vector<uint8_t>> ElfFile::section_contents(const std::string& name) const {
    size_t names = 0;
    if (elf_getshdrstrndx(m_elf, &names) != 0)
        return std::nullopt;
    Elf_Scn* section = nullptr;
    while ((section = elf_nextscn(m_elf, section))) {
        GElf_Shdr header;
        const char* found =
            gelf_getshdr(section, &header) ? elf_strptr(m_elf, names, header.sh_name) : nullptr;
        if (!found || name != found)
            continue;
        if (header.sh_type == SHT_NOBITS)
            return std::vector<uint8_t>{};
        Elf_Data* data = elf_rawdata(section, nullptr);
        if (!data || !data->d_buf)
            return std::nullopt;
        const auto* bytes = static_cast<const uint8_t*>(data->d_buf);
        return std::vector<uint8_t>(bytes, bytes + data->d_size);
    }
    return std::nullopt;
}

} // namespace ingot
