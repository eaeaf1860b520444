#include "host/filesystem_test_tree.h"

#include "test_support.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace ingot_test {

namespace {

void write(const std::string& path, const std::string& contents, mode_t mode) {
    std::ofstream(path, std::ios::binary) << contents;
    ::chmod(path.c_str(), mode);
}

} // namespace

std::string FilesystemTestTree::big_contents() {
    std::string contents;
    for (int i = 0; i < 10000; ++i)
        contents += static_cast<char>('a' + (i * 7) % 26);
    return contents;
}

FilesystemTestTree::FilesystemTestTree() {
    char pattern[] = "/tmp/ingot-fs-tree-XXXXXX";
    m_path = ::mkdtemp(pattern);
    const std::string& root = m_path;
    for (const char* directory :
         {"/etc", "/etc/nginx", "/bin", "/data", "/usr", "/usr/lib", "/many", "/emptydir"})
        ::mkdir((root + directory).c_str(), 0755);
    ::chmod((root + "/emptydir").c_str(), 0700);
    write(root + "/etc/hostname", hostname(), 0644);
    write(root + "/etc/nginx/nginx.conf", "worker_processes 1;\n", 0600);
    auto program = read_file(static_program_path());
    write(root + "/bin/prog", std::string(program.begin(), program.end()), 0755);
    write(root + "/usr/lib/libtiny.so",
          std::string("\x7f"
                      "ELF tiny",
                      9),
          0644);
    write(root + "/data/big.bin", big_contents(), 0640);
    write(root + "/data/empty", "", 0644);
    ::link((root + "/data/big.bin").c_str(), (root + "/data/big-link.bin").c_str());
    ::symlink("usr/lib", (root + "/lib").c_str());
    ::symlink("../etc/hostname", (root + "/data/hostname-link").c_str());
    write(root + "/bin/setuid", "#!/bin/sh\n", 04755);
    for (int i = 0; i < many_files; ++i) {
        char name[8];
        std::snprintf(name, sizeof name, "f%02d", i);
        write(root + "/many/" + name, name, 0644);
    }
    // Fixed times, children before their directories (creating a child changes its parent's).
    std::vector<std::string> paths;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root))
        paths.push_back(entry.path().string());
    paths.push_back(root);
    std::sort(paths.rbegin(), paths.rend());
    for (const auto& path : paths) {
        timespec times[2] = {{mtime, 0}, {mtime, 500}};
        ::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW);
    }
}

FilesystemTestTree::~FilesystemTestTree() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
}

} // namespace ingot_test
