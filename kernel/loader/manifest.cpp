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

// An array of string pointers on the heap, freed unless released.
class PointerArray {
public:
    // At least one slot, so that an empty list is still an allocation.
    explicit PointerArray(size_t count) : m_pointers(new const char*[count ? count : 1]) {}
    ~PointerArray() { delete[] m_pointers; }
    PointerArray(const PointerArray&) = delete;
    PointerArray& operator=(const PointerArray&) = delete;

    bool allocated() const { return m_pointers != nullptr; }
    const char** get() const { return m_pointers; }
    const char** release() {
        const char** pointers = m_pointers;
        m_pointers = nullptr;
        return pointers;
    }

private:
    const char** m_pointers;
};

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
    PointerArray argv(header.argc), envp(header.envc);
    if (!argv.allocated() || !envp.allocated())
        return ENOMEM;
    size_t offset = TRY(split_strings(strings, header.strings_size, 0, header.argc, argv.get()));
    offset = TRY(split_strings(strings, header.strings_size, offset, header.envc, envp.get()));
    if (offset != header.strings_size)
        return EINVAL;
    delete[] manifest.argv;
    delete[] manifest.envp;
    manifest.argv = argv.release();
    manifest.envp = envp.release();
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
    auto* strings = reinterpret_cast<const char*>(data + sizeof header);
    // The environment grows by the variables the image lacks: room for all of them at most.
    PointerArray arguments(header.argc), variables(header.envc),
        environment(manifest.envc + header.envc);
    if (!arguments.allocated() || !variables.allocated() || !environment.allocated())
        return ENOMEM;
    size_t offset =
        TRY(split_strings(strings, header.strings_size, 0, header.argc, arguments.get()));
    offset = TRY(split_strings(strings, header.strings_size, offset, header.envc, variables.get()));
    if (offset != header.strings_size)
        return EINVAL;
    size_t envc = manifest.envc;
    for (size_t i = 0; i < envc; ++i)
        environment.get()[i] = manifest.envp[i];
    for (size_t i = 0; i < header.envc; ++i) {
        const char* variable = variables.get()[i];
        size_t slot = 0;
        while (slot < envc && !same_variable(environment.get()[slot], variable))
            ++slot;
        if (slot == envc) {
            if (envc == max_arguments)
                return E2BIG;
            ++envc;
        }
        environment.get()[slot] = variable;
    }
    if (header.argc) {
        delete[] manifest.argv;
        manifest.argv = arguments.release();
        manifest.argc = header.argc;
    }
    delete[] manifest.envp;
    manifest.envp = environment.release();
    manifest.envc = envc;
    return {};
}

} // namespace kernel
