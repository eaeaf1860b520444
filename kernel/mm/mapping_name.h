// The path a file mapping was made through, as /proc/self/maps shows it (an inode does not
// know its names): one copy shared by every region the mapping is later split into.
#pragma once

#include "lib/ref_counted.h"
#include "lib/string_view.h"

#include <stddef.h>

namespace kernel {

class MappingName : public RefCounted<MappingName> {
public:
    // Null when the kernel heap is exhausted (the mapping is then shown without a name).
    static RefPtr<MappingName> make(StringView path);
    ~MappingName() { delete[] m_text; }

    StringView path() const { return StringView(m_text, m_length); }

private:
    MappingName(char* text, size_t length) : m_text(text), m_length(length) {}

    char* m_text;
    size_t m_length;
};

} // namespace kernel
