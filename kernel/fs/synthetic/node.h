// The inodes of the synthetic file systems: directories with a fixed set of entries, files
// generated at open, symbolic links computed at readlink, and device nodes.
#pragma once

#include "fs/synthetic/file_opener.h"
#include "fs/synthetic/synthetic_file_system.h"
#include "fs/synthetic/text_buffer.h"
#include "fs/vfs/inode.h"

namespace kernel::synthetic {

// Fills `text` from the kernel's facts: the body of a generated file or a link's target.
using Generator = void (*)(const SystemFacts& facts, TextBuffer& text);

class Node : public vfs::Inode {
public:
    vfs::FileSystem& file_system() override { return m_file_system; }
    vfs::NodeType type() const override { return m_type; }
    ErrorOr<void> attributes(vfs::Attributes& attributes) override;

    // Nothing in a synthetic file system changes shape: Linux's answers (ChangePolicy).
    ErrorOr<RefPtr<vfs::Inode>> create(StringView name, vfs::NodeType type, uint32_t mode,
                                       uint64_t device) override;
    ErrorOr<RefPtr<vfs::Inode>> create_symlink(StringView name, StringView target) override;
    ErrorOr<void> link(StringView name, vfs::Inode& target) override;
    ErrorOr<void> remove(StringView name, bool directory) override;
    ErrorOr<void> rename(StringView old_name, vfs::Inode& new_directory, StringView new_name,
                         uint32_t flags) override;

    StringView name() const { return m_name; }
    uint64_t inode_number() const { return m_inode; }
    Node* parent() const { return m_parent; }
    void set_parent(Node* parent) { m_parent = parent; }
    SyntheticFileSystem& synthetic_file_system() { return m_file_system; }
    // The absolute path the node is reached by ("/proc/1/maps"), as /proc/self/fd shows an
    // open file; the length written (cut to fit, no NUL).
    size_t path(char* buffer, size_t capacity) const;

protected:
    // `name` must outlive the node (a literal, or storage the subclass owns).
    Node(SyntheticFileSystem& file_system, StringView name, vfs::NodeType type, uint32_t mode,
         uint64_t inode);
    Node(SyntheticFileSystem& file_system, StringView name, vfs::NodeType type, uint32_t mode);
    virtual void fill_attributes(vfs::Attributes&) {}

private:
    SyntheticFileSystem& m_file_system;
    StringView m_name;
    vfs::NodeType m_type;
    uint32_t m_mode;
    uint64_t m_inode;
    Node* m_parent = nullptr;
};

inline constexpr size_t max_directory_entries = 20;

class Directory final : public Node {
public:
    Directory(SyntheticFileSystem& file_system, StringView name, uint32_t mode = 0555);

    // Adopts `child`: false when it is null (out of memory) or the directory is full, which
    // the builders treat as out of memory.
    bool add(RefPtr<Node> child);
    // Builders' shorthand: a new subdirectory, or null.
    Directory* add_directory(StringView name, uint32_t mode = 0555);

    ErrorOr<RefPtr<vfs::Inode>> lookup(StringView name) override;
    ErrorOr<void> read_directory(uint64_t& cookie, vfs::DirectoryVisitor& visitor) override;

private:
    void fill_attributes(vfs::Attributes& attributes) override;

    RefPtr<Node> m_entries[max_directory_entries];
    size_t m_count = 0;
};

// "." and "..", the entries every directory lists first (cookies 0 and 1). Returns false
// when the visitor has no room; advances `cookie` past what it took.
bool visit_dot_entries(Node& directory, uint64_t& cookie, vfs::DirectoryVisitor& visitor);

// A regular file whose text is generated each time it is opened.
class GeneratedFile final : public Node {
public:
    // `write_error`: what write(2) answers (procfs: EIO for system-wide files, EINVAL for a
    // process's); `open_for_write_error` non-zero refuses opening for writing (sysfs: EACCES).
    GeneratedFile(SyntheticFileSystem& file_system, StringView name, Generator generator,
                  Errno write_error, Errno open_for_write_error = Errno(0), uint32_t mode = 0444);

    ErrorOr<File*> open_special(uint32_t flags) override;
    // The text as an open would snapshot it (the unit tests read it here).
    ErrorOr<void> generate(TextBuffer& text) const;

private:
    Generator m_generator;
    Errno m_write_error;
    Errno m_open_for_write_error;
};

// A symbolic link, fixed (/dev/stdin) or computed at each readlink (/proc/self).
class Symlink final : public Node {
public:
    Symlink(SyntheticFileSystem& file_system, StringView name, const char* target,
            uint32_t mode = 0777);
    Symlink(SyntheticFileSystem& file_system, StringView name, Generator target,
            uint32_t mode = 0777);

    ErrorOr<size_t> read_link(char* buffer, size_t capacity) override;

private:
    const char* m_fixed_target = nullptr;
    Generator m_target = nullptr;
};

class DeviceNode final : public Node {
public:
    DeviceNode(SyntheticFileSystem& file_system, StringView name, DeviceKind kind, uint32_t major,
               uint32_t minor, uint32_t mode);

    ErrorOr<File*> open_special(uint32_t flags) override;

private:
    void fill_attributes(vfs::Attributes& attributes) override;

    DeviceKind m_kind;
    uint64_t m_device;
};

// Linux's dev_t encoding (new_encode_dev), as st_rdev carries it.
constexpr uint64_t encode_device(uint32_t major, uint32_t minor) {
    return (minor & 0xffu) | (static_cast<uint64_t>(major & 0xfffu) << 8) |
           (static_cast<uint64_t>(minor & ~0xffu) << 12);
}

} // namespace kernel::synthetic
