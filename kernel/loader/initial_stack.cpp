#include "loader/initial_stack.h"

#include "lib/string.h"
#include "lib/utility.h"

namespace kernel {

namespace {

constexpr const char platform_name[] = "x86_64";

class StackWriter {
public:
    StackWriter(uint8_t* top, uint64_t top_address) : m_top(top), m_top_address(top_address) {}
    uint8_t* at(uint64_t address) { return m_top - (m_top_address - address); }
    void put_word(uint64_t address, uint64_t value) { memcpy(at(address), &value, sizeof value); }

private:
    uint8_t* m_top;
    uint64_t m_top_address;
};

} // namespace

size_t strings_size_of(const InitialStackInputs& inputs) {
    size_t strings_size = sizeof platform_name + sizeof inputs.random_bytes;
    for (size_t i = 0; i < inputs.argc; ++i)
        strings_size += strlen(inputs.argv[i]) + 1;
    for (size_t i = 0; i < inputs.envc; ++i)
        strings_size += strlen(inputs.envp[i]) + 1;
    return strings_size;
}

size_t vector_words_of(const InitialStackInputs& inputs) {
    size_t extra_auxiliary = 4; // AT_RANDOM, AT_PLATFORM, AT_EXECFN, AT_NULL
    return 1 + inputs.argc + 1 + inputs.envc + 1 + 2 * (inputs.auxiliary_count + extra_auxiliary);
}

size_t initial_stack_size(const InitialStackInputs& inputs) {
    // The top word, the strings, the vectors and two alignments of at most 15 bytes.
    return 8 + strings_size_of(inputs) + vector_words_of(inputs) * 8 + 30;
}

ErrorOr<uint64_t> build_initial_stack(const InitialStackInputs& inputs, uint8_t* top,
                                      uint64_t top_address, size_t capacity) {
    // Everything the vectors point at goes first, just below the top.
    size_t strings_size = strings_size_of(inputs);
    size_t vector_words = vector_words_of(inputs);
    uint64_t strings_start = align_down(top_address - 8 - strings_size, 16);
    uint64_t stack_pointer = align_down(strings_start - vector_words * 8, 16);
    if (top_address - stack_pointer > capacity)
        return E2BIG;

    StackWriter stack(top, top_address);
    uint64_t cursor = strings_start;
    auto place = [&](const void* bytes, size_t length) {
        memcpy(stack.at(cursor), bytes, length);
        uint64_t address = cursor;
        cursor += length;
        return address;
    };
    uint64_t random_address = place(inputs.random_bytes, sizeof inputs.random_bytes);
    uint64_t platform_address = place(platform_name, sizeof platform_name);

    uint64_t word = stack_pointer;
    auto push = [&](uint64_t value) {
        stack.put_word(word, value);
        word += 8;
    };
    push(inputs.argc);
    uint64_t execfn_address = 0;
    for (size_t i = 0; i < inputs.argc; ++i) {
        uint64_t address = place(inputs.argv[i], strlen(inputs.argv[i]) + 1);
        if (i == 0)
            execfn_address = address;
        push(address);
    }
    push(0);
    for (size_t i = 0; i < inputs.envc; ++i)
        push(place(inputs.envp[i], strlen(inputs.envp[i]) + 1));
    push(0);
    for (size_t i = 0; i < inputs.auxiliary_count; ++i) {
        push(inputs.auxiliary[i].type);
        push(inputs.auxiliary[i].value);
    }
    push(auxv::random);
    push(random_address);
    push(auxv::platform);
    push(platform_address);
    push(auxv::execfn);
    push(execfn_address);
    push(auxv::null);
    push(0);
    return stack_pointer;
}

} // namespace kernel
