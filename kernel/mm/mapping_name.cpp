#include "mm/mapping_name.h"

#include "lib/string.h"

namespace kernel {

RefPtr<MappingName> MappingName::make(StringView path) {
    auto* text = new char[path.length ? path.length : 1];
    if (!text)
        return nullptr;
    memcpy(text, path.data, path.length);
    auto* name = new MappingName(text, path.length);
    if (!name) {
        delete[] text;
        return nullptr;
    }
    return RefPtr<MappingName>::adopt(name);
}

} // namespace kernel
