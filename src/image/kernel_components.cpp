#include "image/kernel_components.h"

#include "image/elf_file.h"
#include "support/error.h"
#include "support/file.h"

#include <ingot/abi/components.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

namespace ingot {

namespace {

// A static program that defines these can make a socket of some family (glibc and musl name
// theirs socket or __socket, socketpair or __socketpair; Go's raw calls are syscall.Socket or
// x/sys/unix's).
constexpr std::array<std::string_view, 12> defined_socket_functions{
    "socket",
    "__socket",
    "socketpair",
    "__socketpair",
    "syscall.Socket",
    "syscall.socket",
    "syscall.Socketpair",
    "syscall.socketpair",
    "golang.org/x/sys/unix.Socket",
    "golang.org/x/sys/unix.socket",
    "golang.org/x/sys/unix.Socketpair",
    "golang.org/x/sys/unix.socketpair"};

// A dynamic object that imports these makes sockets, or has the C library make them for it:
// the resolver's functions query DNS servers over UDP and TCP, getifaddrs and if_nameindex ask
// NETLINK_ROUTE, if_nametoindex and if_indextoname ask a socket's SIOCGIFINDEX and SIOCGIFNAME.
constexpr std::array<std::string_view, 21> imported_socket_functions{
    "getifaddrs",      "if_nameindex",     "if_nametoindex", "if_indextoname",  "socket",
    "socketpair",      "getaddrinfo",      "getnameinfo",    "gethostbyname",   "gethostbyname2",
    "gethostbyname_r", "gethostbyname2_r", "gethostbyaddr",  "gethostbyaddr_r", "res_query",
    "res_search",      "res_nquery",       "res_nsearch",    "res_send",        "res_nsend",
    "__res_query"};

// A program that imports or defines these reaches files by path, so a volume can serve it: the
// C libraries' opening, stdio and path calls (with glibc's and musl's own names for those its
// other functions call: musl's localtime and getpwnam go through __map_file or fopen), and Go's.
constexpr std::array<std::string_view, 52> path_functions{"open",
                                                          "open64",
                                                          "__open",
                                                          "__open64",
                                                          "__libc_open64",
                                                          "__open_2",
                                                          "__open64_2",
                                                          "openat",
                                                          "openat64",
                                                          "__openat64",
                                                          "__openat_2",
                                                          "__openat64_2",
                                                          "creat",
                                                          "creat64",
                                                          "fopen",
                                                          "fopen64",
                                                          "freopen",
                                                          "freopen64",
                                                          "__map_file",
                                                          "opendir",
                                                          "realpath",
                                                          "stat",
                                                          "stat64",
                                                          "lstat",
                                                          "lstat64",
                                                          "fstatat",
                                                          "fstatat64",
                                                          "__fstatat64",
                                                          "__xstat",
                                                          "__xstat64",
                                                          "__lxstat",
                                                          "__lxstat64",
                                                          "statx",
                                                          "access",
                                                          "faccessat",
                                                          "mkdir",
                                                          "mkdirat",
                                                          "unlink",
                                                          "unlinkat",
                                                          "rename",
                                                          "renameat",
                                                          "renameat2",
                                                          "truncate",
                                                          "chdir",
                                                          "syscall.Open",
                                                          "syscall.openat",
                                                          "syscall.Stat",
                                                          "syscall.fstatat",
                                                          "syscall.Mkdir",
                                                          "syscall.Unlink",
                                                          "golang.org/x/sys/unix.Openat",
                                                          "golang.org/x/sys/unix.openat"};

template <size_t N>
bool listed(const std::array<std::string_view, N>& names, std::string_view name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

template <size_t N>
bool imports_any(const ElfFile& file, const std::array<std::string_view, N>& names) {
    for (const std::string& name : file.imported_symbols())
        if (listed(names, name))
            return true;
    return false;
}

// A library's own functions say nothing of its users: only what the program defines counts,
// for a static program links in only what it calls.
template <size_t N>
bool defines_any(const ElfFile& program, const std::array<std::string_view, N>& names) {
    for (const ElfSymbol& symbol : program.code_symbols())
        if (listed(names, symbol.name))
            return true;
    return false;
}

// What one ELF file of a program's closure imports.
uint32_t imported_components(const ElfFile& file) {
    return (imports_any(file, imported_socket_functions) ? abi::component_net : 0) |
           (imports_any(file, path_functions) ? abi::component_volumes : 0);
}

// A program without symbols shows its socket calls only as syscall sites: SYS_socket (41) or
// SYS_socketpair (53) put in EAX, by `mov $N, %eax` or `mov $N, %rax`, somewhere in its code.
// The same bytes elsewhere only keep a component the program does not need.
bool has_socket_syscall(const ElfFile& file, std::span<const uint8_t> bytes) {
    constexpr uint8_t sys_socket = 41, sys_socketpair = 53;
    for (const GElf_Phdr& segment : file.program_headers()) {
        if (segment.p_type != PT_LOAD || !(segment.p_flags & PF_X) ||
            segment.p_offset > bytes.size() || segment.p_filesz > bytes.size() - segment.p_offset)
            continue;
        auto code = bytes.subspan(segment.p_offset, segment.p_filesz);
        for (uint8_t number : {sys_socket, sys_socketpair}) {
            const uint8_t move_to_eax[] = {0xb8, number, 0, 0, 0};
            const uint8_t move_to_rax[] = {0x48, 0xc7, 0xc0, number, 0, 0, 0};
            for (auto pattern :
                 {std::span<const uint8_t>(move_to_eax), std::span<const uint8_t>(move_to_rax)})
                if (std::search(code.begin(), code.end(), pattern.begin(), pattern.end()) !=
                    code.end())
                    return true;
        }
    }
    return false;
}

bool is_dynamic(const ElfFile& file) {
    for (const GElf_Phdr& segment : file.program_headers())
        if (segment.p_type == PT_DYNAMIC)
            return true;
    return false;
}

bool looks_like_elf(std::span<const uint8_t> bytes) {
    return bytes.size() >= 4 && std::memcmp(bytes.data(),
                                            "\x7f"
                                            "ELF",
                                            4) == 0;
}

uint32_t optional_component(const std::string& name, const char* option) {
    for (const abi::ComponentName& component : abi::component_names)
        if (name == component.name && !(component.bit & abi::platform_components))
            return component.bit;
    if (name == "hvt" || name == "pvh")
        fail("{} {}: the platforms are chosen with --platform hvt|pvh|all", option, name);
    fail("{} '{}' is not a component the kernel can leave out (those are: {})", option, name,
         component_list(abi::all_components & ~abi::platform_components));
}

uint32_t named_components(const std::vector<std::string>& names, const char* option) {
    uint32_t components = 0;
    for (const std::string& name : names)
        components |= optional_component(name, option);
    return components;
}

// What every image gets unless --without leaves it out, whatever its program uses: a syscall
// trace and a symbolized crash report are what a user reaches for first when a program fails.
constexpr uint32_t given_components = abi::component_debug;

} // namespace

uint32_t components_used(std::span<const uint8_t> program,
                         const std::vector<std::string>& library_paths) {
    ElfFile file(program, "program");
    // Without symbols, a program's path calls cannot be told from its other code (SYS_open is
    // 2): it gets volumes.
    if (!is_dynamic(file) && !file.has_symbol_table())
        return (has_socket_syscall(file, program) ? abi::component_net : 0) |
               abi::component_volumes;
    uint32_t used = imported_components(file) |
                    (defines_any(file, defined_socket_functions) ? abi::component_net : 0) |
                    (defines_any(file, path_functions) ? abi::component_volumes : 0);
    for (const std::string& path : library_paths) {
        MappedFile library(path, "library");
        if (looks_like_elf(library.bytes()))
            used |= imported_components(ElfFile(library.bytes(), path));
    }
    return used;
}

uint32_t choose_components(uint32_t used, const ComponentOptions& options) {
    uint32_t with = named_components(options.with, "--with");
    uint32_t without = named_components(options.without, "--without");
    if (uint32_t both = with & without)
        fail("--with and --without both name '{}'", component_list(both));
    uint32_t platforms = options.platforms ? options.platforms : abi::platform_components;
    return ((used | with | given_components) & ~without & ~abi::platform_components) | platforms;
}

uint32_t kernel_components(std::span<const uint8_t> kernel_elf, const std::string& name) {
    auto section = ElfFile(kernel_elf, name).section_contents(INGOT_COMPONENTS_SECTION);
    if (!section)
        fail("'{}' has no " INGOT_COMPONENTS_SECTION " section: it was not made by this ingot "
             "(rebuild it with 'ingot build')",
             name);
    uint32_t components = 0;
    for (size_t offset = 0; offset + sizeof(uint32_t) <= section->size();
         offset += sizeof(uint32_t)) {
        uint32_t bit;
        std::memcpy(&bit, section->data() + offset, sizeof bit);
        components |= bit;
    }
    return components;
}

std::string component_list(uint32_t components) {
    std::string text;
    for (const abi::ComponentName& component : abi::component_names)
        if (components & component.bit)
            text += (text.empty() ? "" : ", ") + std::string(component.name);
    return text.empty() ? "none" : text;
}

} // namespace ingot
