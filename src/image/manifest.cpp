#include "image/manifest.h"

#include "support/error.h"

#include "support/size.h"

#include <ingot/abi/image.h>
#include <ingot/abi/memory_layout.h>

#include <cstring>

namespace ingot {

namespace {

constexpr size_t max_strings = 4096; // the kernel's limit per list

void append_strings(std::vector<uint8_t>& out, const std::vector<std::string>& strings) {
    for (const auto& string : strings) {
        out.insert(out.end(), string.begin(), string.end());
        out.push_back(0);
    }
}

size_t strings_size(const std::vector<std::string>& strings) {
    size_t size = 0;
    for (const auto& string : strings)
        size += string.size() + 1;
    return size;
}

template <typename Header> void append_header(std::vector<uint8_t>& out, const Header& header) {
    auto* bytes = reinterpret_cast<const uint8_t*>(&header);
    out.insert(out.end(), bytes, bytes + sizeof header);
}

} // namespace

void validate_manifest(const Manifest& manifest) {
    if (manifest.arguments.empty())
        fail("the program needs at least argv[0]");
    if (manifest.arguments.size() > max_strings)
        fail("too many arguments: {} (at most {})", manifest.arguments.size(), max_strings);
    if (manifest.environment.size() > max_strings)
        fail("too many environment variables: {} (at most {})", manifest.environment.size(),
             max_strings);
    for (const auto& list : {manifest.arguments, manifest.environment}) {
        for (const auto& string : list) {
            if (string.find('\0') != std::string::npos)
                fail("an argument or environment string contains a NUL byte");
        }
    }
    for (const auto& variable : manifest.environment) {
        if (variable.find('=') == std::string::npos || variable.front() == '=')
            fail("environment entry '{}' is not NAME=VALUE", variable);
    }
    size_t total = strings_size(manifest.arguments) + strings_size(manifest.environment);
    if (total > abi::max_manifest_strings)
        fail("arguments and environment take {} bytes; at most {} fit", total,
             abi::max_manifest_strings);
}

// Every size is checked before anyone computes with it: a stack of 2^64 - 4096 would wrap the
// monitor's memory estimate, a stack of one byte could not hold argv.
void check_manifest_sizes(uint64_t memory_size, uint64_t stack_size) {
    uint64_t memory = memory_size ? memory_size : abi::default_memory_size;
    if (memory_size % abi::page_size != 0 || memory < abi::minimum_memory ||
        memory > abi::maximum_memory)
        fail("the image's manifest is corrupted (memory size {} bytes: Ingot takes multiples of "
             "4 KiB from {} to {})",
             memory_size, format_size(abi::minimum_memory), format_size(abi::maximum_memory));
    uint64_t stack = stack_size ? stack_size : abi::default_stack_size;
    if (stack_size % abi::page_size != 0 || stack < abi::minimum_stack_size ||
        stack > abi::maximum_stack_size)
        fail("the image's manifest is corrupted (stack size {} bytes: Ingot takes multiples of "
             "4 KiB from {} to {})",
             stack_size, format_size(abi::minimum_stack_size),
             format_size(abi::maximum_stack_size));
}

std::vector<uint8_t> encode_manifest(const Manifest& manifest) {
    validate_manifest(manifest);
    abi::ManifestHeader header{};
    header.magic = abi::manifest_magic;
    header.argc = static_cast<uint32_t>(manifest.arguments.size());
    header.envc = static_cast<uint32_t>(manifest.environment.size());
    header.strings_size = static_cast<uint32_t>(strings_size(manifest.arguments) +
                                                strings_size(manifest.environment));
    header.memory_size = manifest.memory_size;
    header.stack_size = manifest.stack_size;
    std::vector<uint8_t> out;
    append_header(out, header);
    append_strings(out, manifest.arguments);
    append_strings(out, manifest.environment);
    return out;
}

Manifest decode_manifest(std::span<const uint8_t> bytes) {
    abi::ManifestHeader header;
    if (bytes.size() < sizeof header)
        fail("the image's manifest is truncated");
    std::memcpy(&header, bytes.data(), sizeof header);
    if (header.magic != abi::manifest_magic)
        fail("the image's manifest is corrupted (bad magic)");
    if (header.strings_size != bytes.size() - sizeof header || header.argc == 0 ||
        header.argc > max_strings || header.envc > max_strings)
        fail("the image's manifest is corrupted (bad counts)");
    check_manifest_sizes(header.memory_size, header.stack_size);
    Manifest manifest;
    manifest.memory_size = header.memory_size;
    manifest.stack_size = header.stack_size;
    auto strings = bytes.subspan(sizeof header);
    size_t offset = 0;
    for (uint32_t i = 0; i < header.argc + header.envc; ++i) {
        const void* end = std::memchr(strings.data() + offset, 0, strings.size() - offset);
        if (offset >= strings.size() || !end)
            fail("the image's manifest is corrupted (unterminated string)");
        size_t length =
            static_cast<size_t>(static_cast<const uint8_t*>(end) - strings.data()) - offset;
        std::string value(reinterpret_cast<const char*>(strings.data() + offset), length);
        (i < header.argc ? manifest.arguments : manifest.environment).push_back(std::move(value));
        offset += length + 1;
    }
    if (offset != strings.size())
        fail("the image's manifest is corrupted (trailing bytes)");
    return manifest;
}

std::vector<uint8_t> encode_run_time_arguments(const std::vector<std::string>& arguments,
                                               const std::vector<std::string>& environment) {
    Manifest check;
    check.arguments = arguments.empty() ? std::vector<std::string>{"-"} : arguments;
    check.environment = environment;
    validate_manifest(check);
    abi::ArgumentsHeader header{
        static_cast<uint32_t>(arguments.size()), static_cast<uint32_t>(environment.size()),
        static_cast<uint32_t>(strings_size(arguments) + strings_size(environment)), 0};
    std::vector<uint8_t> out;
    append_header(out, header);
    append_strings(out, arguments);
    append_strings(out, environment);
    return out;
}

} // namespace ingot
