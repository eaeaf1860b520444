// The program's file descriptors: small integers naming open file descriptions.
#pragma once

#include "fs/file.h"
#include "lib/error_or.h"

namespace kernel::fd_table {

inline constexpr int max_descriptors = 1024;
inline constexpr uint32_t fd_cloexec = 1;

void initialize_console();
ErrorOr<File*> get(int fd);
// The lowest free descriptor at or above `minimum`; takes a reference on `file`.
ErrorOr<int> install(File& file, int minimum, uint32_t fd_flags);
ErrorOr<void> install_at(File& file, int fd, uint32_t fd_flags);
ErrorOr<void> close(int fd);
ErrorOr<uint32_t> fd_flags(int fd);
ErrorOr<void> set_fd_flags(int fd, uint32_t flags);

} // namespace kernel::fd_table
