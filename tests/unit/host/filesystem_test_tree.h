// A small directory tree on the host with every kind of entry the image's file system keeps
// (files packed and in place, an ELF, hard links, symbolic links, an empty directory, set-id
// and private modes, fixed times), for the builder's and the kernel reader's tests.
#pragma once

#include <string>

namespace ingot_test {

class FilesystemTestTree {
public:
    FilesystemTestTree();
    ~FilesystemTestTree();
    FilesystemTestTree(const FilesystemTestTree&) = delete;
    FilesystemTestTree& operator=(const FilesystemTestTree&) = delete;

    const std::string& path() const { return m_path; }

    // Contents of the files it holds (paths relative to the tree).
    static std::string hostname() { return "ingot\n"; }
    static std::string big_contents();    // data/big.bin: 10000 bytes, more than two pages
    static constexpr int many_files = 40; // many/f00 .. many/f39, holding "f00" .. "f39"
    static constexpr long mtime = 1700000000;

private:
    std::string m_path;
};

} // namespace ingot_test
