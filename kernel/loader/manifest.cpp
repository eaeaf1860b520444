#include "loader/manifest.h"

#include "lib/string.h"

#include <ingot/abi/image.h>

namespace kernel {

namespace {

// Splits `count` NUL-terminated strings that must exactly fill [strings, strings + size).
ErrorOr<void> split_strings(const char* strings, size_t size, size_t count, const char** out) {
    size_t offset = 0;
    for (size_t i = 0; i < count; ++i) {
        if (offset >= size)
            return EINVAL;
        const char* start = strings + offset;
        const void* end = memchr_bounded(start, size - offset);
        if (!end)
            return EINVAL;
        out[i] = start;
        offset = static_cast<size_t>(static_cast<const char*>(end) - strings) + 1;
    }
    if (offset != size)
        return EINVAL;
    return {};
}

} // namespace

ErrorOr<void> parse_manifest(const uint8_t* data, size_t size, Manifest& manifest) {
    abi::ManifestHeader header;
    if (size < sizeof header)
        return EINVAL;
    memcpy(&header, data, sizeof header);
    if (header.magic != abi::manifest_magic || header.argc == 0 || header.argc > max_arguments ||
        header.envc > max_arguments || header.strings_size != size - sizeof header)
        return EINVAL;
    auto* strings = reinterpret_cast<const char*>(data + sizeof header);
    TRY(split_strings(strings, header.strings_size, header.argc + header.envc, manifest.argv));
    for (size_t i = 0; i < header.envc; ++i)
        manifest.envp[i] = manifest.argv[header.argc + i];
    manifest.argc = header.argc;
    manifest.envc = header.envc;
    manifest.memory_size = header.memory_size;
    manifest.stack_size = header.stack_size;
    return {};
}

ErrorOr<void> apply_run_time_arguments(const uint8_t* data, size_t size, Manifest& manifest) {
    abi::ArgumentsHeader header;
    if (size < sizeof header)
        return EINVAL;
    memcpy(&header, data, sizeof header);
    if (header.argc > max_arguments || header.envc > max_arguments ||
        header.strings_size != size - sizeof header)
        return EINVAL;
    static const char* strings[2 * max_arguments]; // too big for the boot stack
    TRY(split_strings(reinterpret_cast<const char*>(data + sizeof header), header.strings_size,
                      header.argc + header.envc, strings));
    if (header.argc) {
        for (size_t i = 0; i < header.argc; ++i)
            manifest.argv[i] = strings[i];
        manifest.argc = header.argc;
    }
    for (size_t i = header.argc; i < header.argc + header.envc; ++i) {
        const char* variable = strings[i];
        const char* equals = variable;
        while (*equals && *equals != '=')
            ++equals;
        size_t name_length = static_cast<size_t>(equals - variable) + 1;
        size_t slot = 0;
        while (slot < manifest.envc && memcmp(manifest.envp[slot], variable, name_length) != 0)
            ++slot;
        if (slot == manifest.envc) {
            if (manifest.envc == max_arguments)
                return E2BIG;
            ++manifest.envc;
        }
        manifest.envp[slot] = variable;
    }
    return {};
}

} // namespace kernel
