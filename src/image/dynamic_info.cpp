#include "image/dynamic_info.h"

#include "image/elf_file.h"
#include "support/error.h"

#include <elf.h>

#include <cstring>
#include <string_view>

namespace ingot {
namespace {

// Longer paths than PATH_MAX cannot be opened anyway; a string this long is a broken file.
constexpr size_t longest_string = 4096;

// The file bytes behind [address, address + size) of the loaded image: the dynamic loader
// reaches DT_STRTAB through the mapped segments, so the range must lie within one PT_LOAD's
// file-backed part.
std::span<const uint8_t> loaded_range(std::span<const uint8_t> bytes,
                                      const std::vector<GElf_Phdr>& segments, uint64_t address,
                                      uint64_t size) {
    for (const GElf_Phdr& segment : segments) {
        if (segment.p_type != PT_LOAD || address < segment.p_vaddr)
            continue;
        uint64_t start = address - segment.p_vaddr;
        if (start > segment.p_filesz || size > segment.p_filesz - start)
            continue;
        if (segment.p_offset > bytes.size() || segment.p_filesz > bytes.size() - segment.p_offset)
            return {};
        return bytes.subspan(segment.p_offset + start, size);
    }
    return {};
}

// A NUL-terminated string starting at `offset` of `table`.
std::optional<std::string> string_at(std::span<const uint8_t> table, uint64_t offset) {
    if (offset >= table.size())
        return std::nullopt;
    size_t limit = std::min<size_t>(table.size() - offset, longest_string + 1);
    const char* start = reinterpret_cast<const char*>(table.data() + offset);
    const void* end = std::memchr(start, 0, limit);
    if (!end)
        return std::nullopt;
    return std::string(start, static_cast<const char*>(end));
}

} // namespace

bool is_loadable_x86_64_elf(std::span<const uint8_t> bytes) {
    if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 ||
        bytes[EI_CLASS] != ELFCLASS64 || bytes[EI_DATA] != ELFDATA2LSB)
        return false;
    Elf64_Ehdr header;
    std::memcpy(&header, bytes.data(), sizeof header);
    return header.e_machine == EM_X86_64 && (header.e_type == ET_DYN || header.e_type == ET_EXEC);
}

DynamicInfo read_dynamic_info(std::span<const uint8_t> bytes, const std::string& name) {
    ElfFile elf(bytes, name);
    const std::vector<GElf_Phdr>& segments = elf.program_headers();
    DynamicInfo info;
    const GElf_Phdr* dynamic = nullptr;
    for (const GElf_Phdr& segment : segments) {
        if (segment.p_type == PT_INTERP && info.interpreter.empty()) {
            if (segment.p_offset > bytes.size() ||
                segment.p_filesz > bytes.size() - segment.p_offset)
                fail("'{}' is a malformed ELF: its interpreter path lies outside the file", name);
            auto path = string_at(bytes.subspan(segment.p_offset, segment.p_filesz), 0);
            if (!path || path->empty())
                fail("'{}' is a malformed ELF: its interpreter path is not a string", name);
            info.interpreter = *path;
        }
        if (segment.p_type == PT_DYNAMIC && !dynamic)
            dynamic = &segment;
    }
    if (!dynamic)
        return info;
    info.has_dynamic_section = true;
    if (dynamic->p_offset > bytes.size() || dynamic->p_filesz > bytes.size() - dynamic->p_offset)
        fail("'{}' is a malformed ELF: its dynamic section lies outside the file", name);

    std::span<const uint8_t> entries = bytes.subspan(dynamic->p_offset, dynamic->p_filesz);
    uint64_t string_table = 0, string_table_size = 0;
    bool has_string_table = false, terminated = false;
    uint64_t soname = 0, rpath = 0, runpath = 0;
    bool has_soname = false, has_rpath = false, has_runpath = false;
    std::vector<uint64_t> needed;
    for (size_t offset = 0; offset + sizeof(Elf64_Dyn) <= entries.size();
         offset += sizeof(Elf64_Dyn)) {
        Elf64_Dyn entry;
        std::memcpy(&entry, entries.data() + offset, sizeof entry);
        if (entry.d_tag == DT_NULL) {
            terminated = true;
            break;
        }
        switch (entry.d_tag) {
        case DT_STRTAB:
            string_table = entry.d_un.d_ptr;
            has_string_table = true;
            break;
        case DT_STRSZ:
            string_table_size = entry.d_un.d_val;
            break;
        case DT_NEEDED:
            needed.push_back(entry.d_un.d_val);
            break;
        case DT_SONAME:
            soname = entry.d_un.d_val;
            has_soname = true;
            break;
        case DT_RPATH:
            rpath = entry.d_un.d_val;
            has_rpath = true;
            break;
        case DT_RUNPATH:
            runpath = entry.d_un.d_val;
            has_runpath = true;
            break;
        case DT_FLAGS_1:
            info.no_default_libraries = (entry.d_un.d_val & DF_1_NODEFLIB) != 0;
            break;
        default:
            break;
        }
    }
    if (!terminated)
        fail("'{}' is a malformed ELF: its dynamic section has no DT_NULL end", name);
    if (!has_soname && !has_rpath && !has_runpath && needed.empty())
        return info;
    if (!has_string_table)
        fail("'{}' is a malformed ELF: its dynamic section names libraries but has no string table",
             name);
    std::span<const uint8_t> strings =
        loaded_range(bytes, segments, string_table, string_table_size);
    if (strings.empty())
        fail("'{}' is a malformed ELF: its dynamic string table lies outside its loaded segments",
             name);
    auto string = [&](uint64_t offset, const char* what) {
        auto text = string_at(strings, offset);
        if (!text)
            fail("'{}' is a malformed ELF: its {} is not a string of the dynamic string table",
                 name, what);
        return *text;
    };
    for (uint64_t offset : needed) {
        std::string library = string(offset, "DT_NEEDED");
        if (library.empty())
            fail("'{}' is a malformed ELF: it needs a library with an empty name", name);
        info.needed.push_back(std::move(library));
    }
    if (has_soname)
        info.soname = string(soname, "DT_SONAME");
    // ld.so(8): DT_RPATH is used only when there is no DT_RUNPATH (glibc's get-dynamic-info.h
    // drops it).
    if (has_runpath)
        info.runpath = string(runpath, "DT_RUNPATH");
    else if (has_rpath)
        info.rpath = string(rpath, "DT_RPATH");
    return info;
}

} // namespace ingot
