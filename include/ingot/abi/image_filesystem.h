// The image's read-only file system: a tree sealed into the payload by `ingot build` (--add,
// --rootfs, the library closure) and read in place by the kernel (kernel/fs/imagefs).
//
//   ImageFsSuperblock | ImageFsInode[inode_count] | ImageFsEntry[entry_count] | names
//   | padding | file data
//
// Every offset is from the section's start, which is page aligned in the payload (so in guest
// memory). The data of a file marked image_fs_in_place (every ELF file, every file of at least
// one page) starts on a page boundary and its last page is padded with zeros, so the kernel
// maps its pages into the program without copying, as mmap of a file's tail page shows zeros
// past the end (mmap(2)). Small non-ELF files are packed after those, 8-byte aligned.
//
// A directory's entries are contiguous in the entry table and sorted by name (bytewise, as
// memcmp), so a lookup is a binary search. Hard links are entries naming the same inode.
// The kernel trusts nothing here: every index, offset and length is checked before use.
#pragma once

#include <stdint.h>

namespace ingot::abi {

inline constexpr uint64_t image_fs_magic = 0x3153464f474e49; // "INGOFS1"
inline constexpr uint32_t image_fs_version = 1;
inline constexpr uint32_t image_fs_root_inode = 0; // index of "/" in the inode table
inline constexpr uint32_t image_fs_name_max = 255; // NAME_MAX

struct ImageFsSuperblock {
    uint64_t magic;
    uint32_t version;
    uint32_t superblock_size;
    uint32_t inode_count;
    uint32_t entry_count;
    uint64_t inodes_offset;  // 8-byte aligned
    uint64_t entries_offset; // 8-byte aligned
    uint64_t names_offset;
    uint64_t names_size;
    uint64_t data_offset; // page aligned: the first in-place file's data
    uint64_t total_size;  // the whole section
};
static_assert(sizeof(ImageFsSuperblock) == 72, "ImageFsSuperblock is shared by host and kernel");
static_assert(__builtin_offsetof(ImageFsSuperblock, total_size) == 64, "layout");

// ImageFsInode::flags
inline constexpr uint32_t image_fs_in_place = 1; // page-aligned data the kernel may lend

struct ImageFsInode {
    uint32_t mode; // S_IF* type bits | permissions, as st_mode: regular, directory or symlink
    uint32_t uid;
    uint32_t gid;
    uint32_t link_count;
    // Regular file: its length; symlink: the target's length; directory: its entry count.
    uint64_t size;
    // Regular file: its data's offset from the section's start; symlink: the target's offset
    // in the names; directory: the index of its first entry.
    uint64_t offset;
    int64_t mtime_seconds;
    uint32_t mtime_nanoseconds;
    uint32_t flags;
    uint32_t parent; // directories: the inode of ".." (the root's is itself)
    uint32_t reserved;
};
static_assert(sizeof(ImageFsInode) == 56, "ImageFsInode is shared by host and kernel");
static_assert(__builtin_offsetof(ImageFsInode, parent) == 48, "layout");

struct ImageFsEntry {
    uint32_t name_offset; // in the names, not NUL-terminated
    uint32_t name_length; // 1 to image_fs_name_max, no '/', never "." or ".."
    uint32_t inode;
    uint32_t reserved;
};
static_assert(sizeof(ImageFsEntry) == 16, "ImageFsEntry is shared by host and kernel");

// statfs's f_type for the image's file system: Linux has none for it, so the magic's first
// four bytes ("INGO"), as other file systems use their name's bytes.
inline constexpr uint64_t image_fs_statfs_type = 0x4f474e49;

} // namespace ingot::abi
