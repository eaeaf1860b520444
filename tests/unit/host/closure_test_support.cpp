#include "host/closure_test_support.h"

#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <elf.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ingot_test {
namespace {

void append_entry(std::vector<uint8_t>& bytes, int64_t tag, uint64_t value) {
    Elf64_Dyn entry{};
    entry.d_tag = tag;
    entry.d_un.d_val = value;
    const auto* raw = reinterpret_cast<const uint8_t*>(&entry);
    bytes.insert(bytes.end(), raw, raw + sizeof entry);
}

} // namespace

std::vector<uint8_t> make_shared_object(const ObjectSpec& spec) {
    std::vector<uint8_t> strings{0};
    auto add_string = [&](const std::string& text) {
        uint64_t offset = strings.size();
        strings.insert(strings.end(), text.begin(), text.end());
        strings.push_back(0);
        return offset;
    };
    std::vector<uint8_t> dynamic;
    for (const std::string& name : spec.needed)
        append_entry(dynamic, DT_NEEDED, add_string(name));
    if (!spec.soname.empty())
        append_entry(dynamic, DT_SONAME, add_string(spec.soname));
    if (spec.rpath)
        append_entry(dynamic, DT_RPATH, add_string(*spec.rpath));
    if (spec.runpath)
        append_entry(dynamic, DT_RUNPATH, add_string(*spec.runpath));
    if (spec.flags_1)
        append_entry(dynamic, DT_FLAGS_1, spec.flags_1);
    append_entry(dynamic, DT_STRTAB, 0x2000);
    append_entry(dynamic, DT_STRSZ, strings.size());
    append_entry(dynamic, DT_NULL, 0);
    std::vector<ElfSegment> segments;
    if (!spec.interpreter.empty()) {
        std::vector<uint8_t> path(spec.interpreter.begin(), spec.interpreter.end());
        path.push_back(0);
        segments.push_back({PT_INTERP, PF_R, 0x1000, 0, path});
    }
    segments.push_back({PT_LOAD, PF_R, 0x2000, 0, strings});
    segments.push_back({PT_DYNAMIC, PF_R | PF_W, 0x3000, 0, dynamic});
    return make_elf(spec.type, 0, segments);
}

size_t dynamic_section_offset(const std::vector<uint8_t>& object) {
    auto header = read_struct<Elf64_Ehdr>(object, 0);
    for (size_t i = 0; i < header.e_phnum; ++i) {
        auto segment = read_struct<Elf64_Phdr>(object, header.e_phoff + i * sizeof(Elf64_Phdr));
        if (segment.p_type == PT_DYNAMIC)
            return segment.p_offset;
    }
    ADD_FAILURE() << "no PT_DYNAMIC";
    return 0;
}

std::vector<uint8_t> make_ld_so_cache(const std::vector<CacheEntry>& entries) {
    constexpr size_t header_size = 48, entry_size = 24;
    std::vector<uint8_t> bytes(header_size + entries.size() * entry_size, 0);
    std::memcpy(bytes.data(), "glibc-ld.so.cache1.1", 20);
    uint32_t count = static_cast<uint32_t>(entries.size());
    std::memcpy(bytes.data() + 20, &count, 4);
    auto add_string = [&](const std::string& text) {
        uint32_t offset = static_cast<uint32_t>(bytes.size());
        bytes.insert(bytes.end(), text.begin(), text.end());
        bytes.push_back(0);
        return offset;
    };
    for (size_t i = 0; i < entries.size(); ++i) {
        uint32_t key = add_string(entries[i].soname);
        uint32_t value = add_string(entries[i].path);
        uint8_t* entry = bytes.data() + header_size + i * entry_size;
        std::memcpy(entry, &entries[i].flags, 4);
        std::memcpy(entry + 4, &key, 4);
        std::memcpy(entry + 8, &value, 4);
        std::memcpy(entry + 16, &entries[i].hardware_capabilities, 8);
    }
    uint32_t strings_size =
        static_cast<uint32_t>(bytes.size() - header_size - entries.size() * entry_size);
    std::memcpy(bytes.data() + 24, &strings_size, 4);
    return bytes;
}

ScratchTree::ScratchTree() {
    char pattern[] = "/tmp/ingot-closure-XXXXXX";
    if (!mkdtemp(pattern))
        ADD_FAILURE() << "mkdtemp failed";
    m_root = pattern;
}

ScratchTree::~ScratchTree() {
    std::error_code error;
    std::filesystem::remove_all(m_root, error);
}

std::string ScratchTree::host(const std::string& path) const {
    return m_root + (path.starts_with('/') ? "" : "/") + path;
}

void ScratchTree::write(const std::string& path, const std::vector<uint8_t>& bytes) const {
    std::filesystem::path file = host(path);
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
    ASSERT_TRUE(out.good()) << file;
}

void ScratchTree::write_text(const std::string& path, const std::string& text) const {
    write(path, std::vector<uint8_t>(text.begin(), text.end()));
}

void ScratchTree::symlink(const std::string& path, const std::string& target) const {
    std::filesystem::path link = host(path);
    std::filesystem::create_directories(link.parent_path());
    ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0) << link;
}

std::optional<std::string> resolve_in_closure(const ingot::LibraryClosure& closure,
                                              const std::string& guest_path) {
    std::string path = guest_path;
    for (int hops = 0; hops < 40; ++hops) {
        if (has_file(closure, path))
            return path;
        // The longest prefix that is a symlink of the closure: replace it by its target.
        bool replaced = false;
        for (size_t end = path.size(); end > 0; end = path.rfind('/', end - 1)) {
            std::string prefix = path.substr(0, end);
            auto link =
                std::find_if(closure.symlinks.begin(), closure.symlinks.end(),
                             [&](const ingot::GuestSymlink& l) { return l.guest_path == prefix; });
            if (link == closure.symlinks.end())
                continue;
            std::string base = link->target.starts_with('/') ? "" : ingot::parent_directory(prefix);
            std::string joined = (base == "/" ? "" : base) + "/" + link->target + path.substr(end);
            path = std::filesystem::path(joined).lexically_normal().string();
            replaced = true;
            break;
        }
        if (!replaced)
            return std::nullopt;
    }
    return std::nullopt;
}

bool has_file(const ingot::LibraryClosure& closure, const std::string& guest_path) {
    return std::any_of(closure.files.begin(), closure.files.end(),
                       [&](const ingot::ClosureFile& f) { return f.guest_path == guest_path; });
}

std::string closure_error(const ingot::ClosureRequest& request) {
    try {
        ingot::collect_library_closure(request);
    } catch (const ingot::UserError& error) {
        return error.what();
    }
    return "";
}

} // namespace ingot_test
