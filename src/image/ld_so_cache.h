// glibc's library cache, /etc/ld.so.cache, written by ldconfig(8) and read by ld.so before
// the default directories: soname -> path. Only the format glibc has written since 2.32,
// "glibc-ld.so.cache1.1" (glibc's sysdeps/generic/dl-cache.h describes it): a 48-byte header,
// then 24-byte entries whose string offsets count from the start of the file.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ingot {

class LdSoCache {
public:
    // Throws UserError naming `name` when the bytes are not a well-formed cache: wrong magic,
    // entries or strings past the end, a string without its NUL. Every offset is checked before
    // use.
    static LdSoCache parse(std::span<const uint8_t> bytes, const std::string& name);

    // The path ld.so opens for this soname (e.g. "libc.so.6" ->
    // "/lib/x86_64-linux-gnu/libc.so.6"), when the cache has an x86-64 entry for it.
    std::optional<std::string> find(std::string_view soname) const;
    size_t size() const { return m_paths.size(); }

private:
    std::map<std::string, std::string, std::less<>> m_paths;
};

} // namespace ingot
