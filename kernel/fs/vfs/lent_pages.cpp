#include "fs/vfs/lent_pages.h"

namespace kernel::vfs {

namespace {
PageBorrower* the_borrower = nullptr;
}

void set_page_borrower(PageBorrower* borrower) {
    the_borrower = borrower;
}

void take_back_pages(const LentPages& pages, uint64_t from) {
    if (the_borrower)
        the_borrower->return_pages(pages, from);
}

} // namespace kernel::vfs
