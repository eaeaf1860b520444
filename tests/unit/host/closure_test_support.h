// Helpers for the library-closure tests: hand-made shared objects with any dynamic section,
// hand-made ld.so.cache files, a scratch directory tree standing for a guest's system root, and
// a check that a guest path resolves inside a closure.
#pragma once

#include "image/library_closure.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ingot_test {

// The $ORIGIN layouts closure_layouts.cmake builds.
inline const char* closure_layout_directory() {
    return INGOT_TEST_CLOSURE_DIRECTORY;
}
// A musl dynamically linked hello, built there when musl-gcc is installed.
inline std::string musl_program_path() {
    return std::string(INGOT_TEST_CLOSURE_DIRECTORY) + "/musl/hello";
}

struct ObjectSpec {
    uint16_t type = 3;       // ET_DYN
    std::string interpreter; // PT_INTERP when not empty
    std::string soname;
    std::vector<std::string> needed;
    std::optional<std::string> rpath;
    std::optional<std::string> runpath;
    uint64_t flags_1 = 0;
};

// An x86-64 ELF whose PT_DYNAMIC says what `spec` says: string table in a PT_LOAD at 0x2000,
// dynamic section at 0x3000.
std::vector<uint8_t> make_shared_object(const ObjectSpec& spec);
// The file offset of the dynamic section in what make_shared_object returns.
size_t dynamic_section_offset(const std::vector<uint8_t>& object);

struct CacheEntry {
    std::string soname;
    std::string path;
    int32_t flags = 0x0303; // FLAG_ELF_LIBC6 | FLAG_X8664_LIB64
    uint64_t hardware_capabilities = 0;
};
// A "glibc-ld.so.cache1.1" file, strings after the entries.
std::vector<uint8_t> make_ld_so_cache(const std::vector<CacheEntry>& entries);

// A scratch directory, removed with everything in it when the object dies.
class ScratchTree {
public:
    ScratchTree();
    ~ScratchTree();
    ScratchTree(const ScratchTree&) = delete;
    ScratchTree& operator=(const ScratchTree&) = delete;

    const std::string& root() const { return m_root; }
    // `path` is relative to the root, or absolute meaning under it; parents are created.
    void write(const std::string& path, const std::vector<uint8_t>& bytes) const;
    void write_text(const std::string& path, const std::string& text) const;
    void symlink(const std::string& path, const std::string& target) const;
    std::string host(const std::string& path) const;

private:
    std::string m_root;
};

// Follows `guest_path` through the closure's symlinks (and `extra_directories`, guest
// directories that exist in the image anyway) to one of its files; the file's guest path.
std::optional<std::string> resolve_in_closure(const ingot::LibraryClosure& closure,
                                              const std::string& guest_path);

bool has_file(const ingot::LibraryClosure& closure, const std::string& guest_path);

// Runs the closure finder and returns the UserError's message; "" when it succeeded.
std::string closure_error(const ingot::ClosureRequest& request);

} // namespace ingot_test
