#include "loader/manifest.h"

#include "lib/string.h"

#include <ingot/abi/image.h>

namespace kernel {

namespace {

// Splits `count` NUL-terminated strings starting at `offset`; returns the offset after them.
ErrorOr<size_t> split_strings(const char* strings, size_t size, size_t offset, size_t count,
                              const char** out) {
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
    return offset;
}

// NAME=VALUE strings with the same NAME.
bool same_variable(const char* a, const char* b) {
    while (*a && *a != '=' && *a == *b) {
        ++a;
        ++b;
    }
    return (*a == '=' || *a == 0) && (*b == '=' || *b == 0);
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
    size_t offset = TRY(split_strings(strings, header.strings_size, 0, header.argc, manifest.argv));
    offset = TRY(split_strings(strings, header.strings_size, offset, header.envc, manifest.envp));
    if (offset != header.strings_size)
        return EINVAL;
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
    static const char* arguments[max_arguments]; // too big for the boot stack
    static const char* variables[max_arguments];
    auto* strings = reinterpret_cast<const char*>(data + sizeof header);
    size_t offset = TRY(split_strings(strings, header.strings_size, 0, header.argc, arguments));
    offset = TRY(split_strings(strings, header.strings_size, offset, header.envc, variables));
    if (offset != header.strings_size)
        return EINVAL;
    if (header.argc) {
        for (size_t i = 0; i < header.argc; ++i)
            manifest.argv[i] = arguments[i];
        manifest.argc = header.argc;
    }
    for (size_t i = 0; i < header.envc; ++i) {
        const char* variable = variables[i];
        size_t slot = 0;
        while (slot < manifest.envc && !same_variable(manifest.envp[slot], variable))
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
