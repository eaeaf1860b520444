#include "cli/program_image.h"

#include "cli/program_manifest.h"
#include "image/embedded_kernel.h"
#include "image/filesystem_builder.h"
#include "image/image.h"
#include "image/library_closure.h"
#include "image/program_check.h"
#include "support/error.h"
#include "support/file.h"
#include "support/size.h"
#include "vmm/boot_setup.h"

#include <sys/stat.h>

#include <filesystem>
#include <optional>

namespace ingot {

namespace {

void check_rootfs(const std::string& rootfs) {
    struct stat status;
    if (::stat(rootfs.c_str(), &status) != 0)
        fail("--rootfs '{}': {}", rootfs, system_error_text(errno));
    if (!S_ISDIR(status.st_mode))
        fail("--rootfs '{}' is not a directory", rootfs);
}

[[noreturn]] void program_not_in_rootfs(const std::string& program, const std::string& rootfs) {
    fail("the program '{}' is not a regular file in --rootfs '{}'", program, rootfs);
}

std::string rootfs_program(const std::string& program) {
    return normal_guest_path(program, "with --rootfs, the program");
}

// A dynamically linked program brings its loader and libraries, and those of the ELF modules
// the user added for dlopen (library_closure.h); returns their host paths. A static program
// brings nothing.
std::vector<std::string> add_library_closure(FilesystemBuilder& builder, const std::string& program,
                                             const FileOptions& files,
                                             const std::vector<PathMapping>& added) {
    ClosureRequest request;
    if (files.rootfs.empty()) {
        // What is not a program at all is named as such before any library is looked for.
        MappedFile mapped(program, "program");
        if (!looks_like_image(mapped.bytes()))
            check_program(mapped.bytes(), program);
        request.program = std::filesystem::absolute(program).lexically_normal().string();
    } else {
        request.program = rootfs_program(program);
        request.system_root = files.rootfs;
        if (!GuestTree(files.rootfs, added).find_file(request.program))
            program_not_in_rootfs(program, files.rootfs);
    }
    request.added = added;
    request.modules = find_added_modules(added);
    LibraryClosure closure = collect_library_closure(request);
    std::vector<std::string> host_paths;
    if (closure.interpreter.empty())
        return host_paths;
    for (const ClosureFile& file : closure.files) {
        builder.add_file(file.host_path, file.guest_path);
        host_paths.push_back(file.host_path);
    }
    for (const GuestSymlink& link : closure.symlinks)
        builder.add_symlink(link.guest_path, link.target);
    return host_paths;
}

} // namespace

void add_file_options(CLI::App& command, FileOptions& files) {
    command
        .add_option("--add", files.added,
                    "Seal a file or directory into the image's file system at GUEST (default: "
                    "the same absolute path); repeatable")
        ->type_name("HOST[:GUEST]")
        ->allow_extra_args(false);
    command
        .add_option("--rootfs", files.rootfs,
                    "A directory tree that becomes the image's /; the program is then a path "
                    "inside it")
        ->type_name("DIR");
}

void add_component_options(CLI::App& command, ComponentOptions& components) {
    command
        .add_option("--with", components.with,
                    "Give the image's kernel this component even if the program's symbols do not "
                    "call for it: net (sockets and the TCP/IP stack), volumes (-v); debug (the "
                    "syscall tracer and symbolized crash reports) is there unless left out")
        ->type_name("NAME[,NAME...]")
        ->delimiter(',')
        ->allow_extra_args(false);
    command
        .add_option("--without", components.without,
                    "Leave this component out of the image's kernel: net (socket calls then fail "
                    "with ENOSYS), volumes (no -v), debug (no --trace-syscalls, crash reports "
                    "without names)")
        ->type_name("NAME[,NAME...]")
        ->delimiter(',')
        ->allow_extra_args(false);
}

std::string program_host_path(const std::string& program, const FileOptions& files) {
    if (files.rootfs.empty())
        return program;
    return files.rootfs + rootfs_program(program);
}

std::vector<uint8_t> pack_program(const std::string& program, const ProgramOptions& options,
                                  const FileOptions& files, const ComponentOptions& components,
                                  const std::string& name) {
    FilesystemBuilder builder;
    if (!files.rootfs.empty()) {
        check_rootfs(files.rootfs);
        builder.add_tree(files.rootfs, "/");
    }
    std::vector<PathMapping> added;
    for (const auto& argument : files.added) {
        added.push_back(parse_add_argument(argument));
        builder.add_file(added.back().host_path, added.back().guest_path);
    }
    std::vector<std::string> libraries = add_library_closure(builder, program, files, added);
    FilesystemImage filesystem = builder.build();

    // The program's bytes are stored once: as a file of the image's file system when it is
    // one (always with --rootfs), else apart.
    std::optional<MappedFile> mapped;
    std::span<const uint8_t> bytes;
    std::optional<FileExtent> program_file;
    if (!files.rootfs.empty()) {
        const FileExtent* found = filesystem.find(rootfs_program(program));
        if (!found)
            program_not_in_rootfs(program, files.rootfs);
        program_file = *found;
        bytes = std::span<const uint8_t>(filesystem.bytes)
                    .subspan(program_file->offset, program_file->size);
    } else {
        mapped.emplace(program, "program");
        bytes = mapped->bytes();
        struct stat status;
        std::error_code error;
        auto guest = std::filesystem::weakly_canonical(std::filesystem::absolute(program), error);
        if (!builder.empty() && !error && ::stat(program.c_str(), &status) == 0 &&
            builder.host_file(guest.string()) == std::pair{status.st_dev, status.st_ino})
            program_file = filesystem.files.at(guest.string());
    }
    if (looks_like_image(bytes))
        fail("'{}' is already an Ingot image, not a program: run it with 'ingot run {}'", program,
             program);
    check_program(bytes, program);
    Manifest manifest = program_manifest(program, options);
    EmbeddedKernel kernel =
        kernel_with(choose_components(components_used(bytes, libraries), components));
    std::vector<uint8_t> image =
        build_image(kernel.elf, bytes, manifest, filesystem.bytes, program_file, kernel.symbols);
    Image read = read_image(image, name); // the monitor's own checks, before anything is written
    if (!filesystem.bytes.empty()) {
        // What hvt, the default platform, needs in RAM: there the file system stays in the
        // image file (PayloadRegion); QEMU, which loads it, checks its own need at run time.
        uint64_t needed =
            minimum_memory_for(read, read.program_info.memory_span, 0, PayloadPlacement::OwnRegion);
        if (needed > manifest.memory_size)
            fail("the image's file system ({}) does not fit in {} of guest memory: the image "
                 "needs at least {} (give more with --mem)",
                 format_size(filesystem.bytes.size()), format_size(manifest.memory_size),
                 format_size(needed));
    }
    return image;
}

} // namespace ingot
