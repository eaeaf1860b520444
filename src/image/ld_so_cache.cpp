#include "image/ld_so_cache.h"

#include "support/error.h"

#include <cstring>

namespace ingot {
namespace {

// glibc's sysdeps/generic/dl-cache.h.
constexpr char magic[] = "glibc-ld.so.cache1.1"; // CACHEMAGIC_NEW then CACHE_VERSION
constexpr size_t header_size = 48;
constexpr size_t entry_size = 24;
constexpr size_t count_offset = 20; // uint32_t nlibs, after the 20 magic bytes
// An entry's flags say which ABI the library is for; x86-64 ld.so accepts FLAG_ELF (1) and
// FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 (_dl_cache_check_flags in sysdeps/x86_64/dl-cache.h).
constexpr int32_t flag_elf = 0x0001;
constexpr int32_t flag_x86_64_libc6 = 0x0303;

struct Entry {
    int32_t flags;
    uint32_t key;   // the soname
    uint32_t value; // the path
    uint32_t os_version;
    uint64_t hardware_capabilities;
};
static_assert(sizeof(Entry) == entry_size);

} // namespace

LdSoCache LdSoCache::parse(std::span<const uint8_t> bytes, const std::string& name) {
    constexpr size_t magic_size = sizeof magic - 1;
    if (bytes.size() < header_size || std::memcmp(bytes.data(), magic, magic_size) != 0)
        fail("'{}' is not a glibc 2.32+ library cache (run ldconfig to rewrite it)", name);
    uint32_t count;
    std::memcpy(&count, bytes.data() + count_offset, sizeof count);
    if (count > (bytes.size() - header_size) / entry_size)
        fail("'{}' is corrupt: it claims {} entries, more than its {} bytes hold (run ldconfig)",
             name, count, bytes.size());
    auto string = [&](uint32_t offset) -> std::string {
        if (offset >= bytes.size())
            fail("'{}' is corrupt: a string offset lies past its end (run ldconfig)", name);
        const char* start = reinterpret_cast<const char*>(bytes.data() + offset);
        const void* end = std::memchr(start, 0, bytes.size() - offset);
        if (!end)
            fail("'{}' is corrupt: a string runs past its end (run ldconfig)", name);
        return std::string(start, static_cast<const char*>(end));
    };
    LdSoCache cache;
    for (uint32_t i = 0; i < count; ++i) {
        Entry entry;
        std::memcpy(&entry, bytes.data() + header_size + size_t{i} * entry_size, sizeof entry);
        std::string soname = string(entry.key);
        std::string path = string(entry.value);
        // Entries with hardware capabilities name copies for particular CPUs (glibc-hwcaps
        // subdirectories such as x86-64-v3): the image may boot on another CPU, so take the
        // baseline copy, which every x86-64 CPU loads.
        if ((entry.flags != flag_elf && entry.flags != flag_x86_64_libc6) ||
            entry.hardware_capabilities != 0 || soname.empty())
            continue;
        if (path.empty() || path[0] != '/')
            fail("'{}' is corrupt: the path of {} is not absolute (run ldconfig)", name, soname);
        // Among entries for one soname ld.so takes the first acceptable one.
        cache.m_paths.emplace(std::move(soname), std::move(path));
    }
    return cache;
}

std::optional<std::string> LdSoCache::find(std::string_view soname) const {
    auto found = m_paths.find(soname);
    if (found == m_paths.end())
        return std::nullopt;
    return found->second;
}

} // namespace ingot
