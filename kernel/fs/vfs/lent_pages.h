// A file system that lends its frames to mappings (Inode::page) takes them back before it frees
// them: truncate(2) shrinking a file must first remove the pages past the new end from every
// mapping, as Linux's truncate_pagecache does (unmap_mapping_range), so that no page table maps
// a freed frame. A later access to such a page faults: SIGBUS past the end of the file (mmap(2)),
// or the page mapped afresh if the file has grown back.
#pragma once

#include <stdint.h>

namespace kernel {
using PhysicalAddress = uint64_t;
} // namespace kernel

namespace kernel::vfs {

// The pages a file system is about to free: whether `frame` is the one it lent for the file
// page at `offset`. Mappings of the file through another file system (the overlay) map the same
// frames at the same offsets, so the frame, not the inode, says what must go.
class LentPages {
public:
    virtual bool lent(uint64_t offset, PhysicalAddress frame) const = 0;

protected:
    ~LentPages() = default;
};

// Who maps lent frames: the program's address space.
class PageBorrower {
public:
    // Drops every mapped page of a file at file offset `from` or later that `pages` lent.
    virtual void return_pages(const LentPages& pages, uint64_t from) = 0;

protected:
    ~PageBorrower() = default;
};

// The one borrower (null: none yet, or none in a unit test that maps nothing).
void set_page_borrower(PageBorrower* borrower);
// Called by a file system before it frees the pages of a file at offset `from` or later.
void take_back_pages(const LentPages& pages, uint64_t from);

} // namespace kernel::vfs
