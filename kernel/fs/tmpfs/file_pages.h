// A tmpfs file's pages: a three-level table of frames indexed by page number, so that a sparse
// file (a write at 100 GiB) costs only the pages written. A missing page is a hole of zeros.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::tmpfs {

using PhysicalAddress = uint64_t;

// Where the pages come from: the file system, which counts them against its limit.
class PageSource {
public:
    // A zeroed frame, or ENOSPC.
    virtual ErrorOr<PhysicalAddress> allocate_page() = 0;
    virtual void free_page(PhysicalAddress page) = 0;

protected:
    ~PageSource() = default;
};

class FilePages {
public:
    static constexpr uint64_t fan_out = 512;
    // 2^27 pages of 4 KiB: 512 GiB, the largest tmpfs file here (EFBIG beyond).
    static constexpr uint64_t max_pages = fan_out * fan_out * fan_out;

    explicit FilePages(PageSource& source) : m_source(source) {}
    ~FilePages() { free_from(0); }
    FilePages(const FilePages&) = delete;
    FilePages& operator=(const FilePages&) = delete;

    // The frame of page `index`, or 0 for a hole.
    PhysicalAddress find(uint64_t index) const;
    // The frame of page `index`, allocated (zeroed) if it was a hole.
    ErrorOr<PhysicalAddress> materialize(uint64_t index);
    // The first page index in [index, limit) that has a frame (`present`) or is a hole;
    // `limit` when there is none. Empty parts of the table are skipped whole.
    uint64_t next(uint64_t index, uint64_t limit, bool present) const;
    // Frees every page at or after `index` (truncate).
    void free_from(uint64_t index);
    size_t page_count() const { return m_page_count; }

private:
    struct Node {
        void* slots[fan_out] = {};
    };
    void free_subtree(Node* node, int level, uint64_t base, uint64_t first, uint64_t span);

    PageSource& m_source;
    Node* m_root = nullptr;
    size_t m_page_count = 0;
};

} // namespace kernel::tmpfs
