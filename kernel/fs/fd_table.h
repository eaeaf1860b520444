// The program's file descriptors: small integers naming open file descriptions.
#pragma once

#include "fs/file.h"
#include "lib/error_or.h"

namespace kernel::fd_table {

inline constexpr uint32_t fd_cloexec = 1;
// Linux's fs.nr_open: no RLIMIT_NOFILE, so no descriptor, goes beyond it.
inline constexpr int max_limit = 1048576;

// A reference that keeps a file alive while a call uses it, even if another thread closes the
// descriptor meanwhile (a blocking read, a poll).
class FileReference {
public:
    explicit FileReference(File& file) : m_file(&file) { file.retain(); }
    FileReference(FileReference&& other) : m_file(other.m_file) { other.m_file = nullptr; }
    FileReference(const FileReference&) = delete;
    FileReference& operator=(const FileReference&) = delete;
    FileReference& operator=(FileReference&&) = delete;
    ~FileReference() {
        if (m_file)
            m_file->release();
    }

    File& operator*() const { return *m_file; }
    File* operator->() const { return m_file; }
    File* get() const { return m_file; }

private:
    File* m_file;
};

void initialize_console();
// RLIMIT_NOFILE's soft limit: new descriptors are below it (those above it stay open). The
// table grows on demand up to it. 1024 until set.
void set_limit(int limit);
int limit();
ErrorOr<File*> get(int fd);
ErrorOr<FileReference> get_reference(int fd);
// The lowest free descriptor at or above `minimum`; takes a reference on `file`. EMFILE when
// none is free below the limit.
ErrorOr<int> install(File& file, int minimum, uint32_t fd_flags);
// dup2: descriptor `fd`, whose file (if any) is closed; EBADF at or above the limit.
ErrorOr<void> install_at(File& file, int fd, uint32_t fd_flags);
ErrorOr<void> close(int fd);
ErrorOr<uint32_t> fd_flags(int fd);
ErrorOr<void> set_fd_flags(int fd, uint32_t flags);
// The lowest open descriptor at or above `from`, or -1: a walk over the table
// (/proc/self/fd lists it). for (int fd = next_open(0); fd >= 0; fd = next_open(fd + 1))
int next_open(int from);

} // namespace kernel::fd_table
