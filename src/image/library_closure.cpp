#include "image/library_closure.h"

#include "image/dynamic_info.h"
#include "image/elf_file.h"
#include "image/ld_so_cache.h"
#include "image/name_service_switch.h"
#include "support/error.h"
#include "support/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace ingot {
namespace {

// More objects than any real program loads (python with every module: about 100); beyond it
// the input is hostile.
constexpr size_t object_limit = 4096;
// Configuration files read whole: far larger than any real one.
constexpr off_t configuration_limit = 1 << 20;

// Debian's ld.so: its DL_DST_LIB ($LIB) and its system search path (`ld.so --help`).
constexpr std::string_view glibc_lib = "lib/x86_64-linux-gnu";
constexpr std::string_view platform = "x86_64";
constexpr std::array<std::string_view, 4> glibc_default_directories = {
    "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib", "/usr/lib"};
constexpr std::string_view musl_default_path = "/lib:/usr/local/lib:/usr/lib";
// Names musl's loader answers itself (ldso/dynlink.c, load_library: "lib" + one of these).
constexpr std::array<std::string_view, 7> musl_reserved = {"c.",  "pthread.", "rt.",  "m.",
                                                           "dl.", "util.",    "xnet."};

enum class LoaderKind { glibc, musl };

struct LoadedObject {
    std::string path; // the guest path it was opened by
    GuestEntry file;
    std::vector<std::string> names; // names it was loaded by (and DT_SONAME for glibc)
    DynamicInfo info;
    std::vector<std::string> imports;
    std::optional<size_t> loader; // the object whose DT_NEEDED or dlopen brought it
    bool dependencies_loaded = false;
};

// The first bytes of a file, enough for its ELF header; empty when unreadable.
std::vector<uint8_t> read_header(const std::string& host_path) {
    std::vector<uint8_t> bytes(sizeof(Elf64_Ehdr));
    int fd = open(host_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    ssize_t got = pread(fd, bytes.data(), bytes.size(), 0);
    close(fd);
    bytes.resize(got > 0 ? static_cast<size_t>(got) : 0);
    return bytes;
}

bool is_identifier_character(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// glibc's is_dst (elf/dl-load.c): the length of "$NAME" or "${NAME}" after the '$', or 0.
size_t token_length(std::string_view after_dollar, std::string_view name) {
    if (after_dollar.starts_with('{'))
        return after_dollar.substr(1).starts_with(name) && after_dollar.size() > name.size() + 1 &&
                       after_dollar[name.size() + 1] == '}'
                   ? name.size() + 2
                   : 0;
    if (!after_dollar.starts_with(name))
        return 0;
    if (after_dollar.size() > name.size() && is_identifier_character(after_dollar[name.size()]))
        return 0;
    return name.size();
}

// glibc's _dl_dst_substitute: $ORIGIN, $PLATFORM and $LIB (braced or not) replaced; an unknown
// $ token kept as it is.
std::string expand_glibc_tokens(std::string_view text, std::string_view origin) {
    std::string result;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$') {
            result += text[i];
            continue;
        }
        std::string_view rest = text.substr(i + 1);
        size_t length;
        if ((length = token_length(rest, "ORIGIN")))
            result += origin;
        else if ((length = token_length(rest, "PLATFORM")))
            result += platform;
        else if ((length = token_length(rest, "LIB")))
            result += glibc_lib;
        else
            result += '$';
        i += length;
    }
    return result;
}

// musl's fixup_rpath: only $ORIGIN and ${ORIGIN}; any other '$' makes musl ignore the path.
std::optional<std::string> expand_musl_tokens(std::string_view text, std::string_view origin) {
    std::string result;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$') {
            result += text[i];
            continue;
        }
        std::string_view rest = text.substr(i);
        if (rest.starts_with("${ORIGIN}"))
            i += 8;
        else if (rest.starts_with("$ORIGIN"))
            i += 6;
        else
            return std::nullopt;
        result += origin;
    }
    return result;
}

std::vector<std::string> split(std::string_view text, std::string_view separators) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find_first_of(separators, start);
        if (end == std::string_view::npos)
            end = text.size();
        parts.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

// A path the loader opens, made absolute: the guest program starts in "/".
std::string absolute(std::string_view path) {
    if (path.starts_with('/'))
        return std::string(path);
    return "/" + std::string(path);
}

class ClosureFinder {
public:
    explicit ClosureFinder(const ClosureRequest& request)
        : m_request(request), m_tree(request.system_root, request.added) {}

    LibraryClosure run();

private:
    size_t load(std::string path, GuestEntry file, std::optional<size_t> loader, std::string name);
    void load_dependencies(size_t root);
    std::optional<size_t> find_library(const std::string& name, size_t requester);
    std::optional<size_t> find_glibc_library(const std::string& name, size_t requester);
    std::optional<size_t> find_musl_library(const std::string& name, size_t requester);
    std::optional<size_t> search(const std::vector<std::string>& directories,
                                 const std::string& name, size_t requester);
    std::optional<size_t> try_path(const std::string& path, const std::string& name,
                                   std::optional<size_t> loader);
    std::optional<size_t> loaded_by_name(const std::string& name);
    std::string origin(size_t object) const;
    std::vector<std::string> glibc_directories(const std::string& list, size_t owner) const;
    void read_glibc_cache();
    void read_musl_path();
    void add_glibc_run_time_modules();
    void add_gconv_modules(size_t libc);
    std::optional<std::string> read_configuration(const char* guest_path);
    void record(const GuestEntry& entry);

    const ClosureRequest& m_request;
    GuestTree m_tree;
    LoaderKind m_kind = LoaderKind::glibc;
    std::optional<LdSoCache> m_cache;
    std::vector<std::string> m_musl_path;
    std::vector<LoadedObject> m_objects;
    size_t m_program = 0;
    size_t m_interpreter = 0;
    std::map<std::string, std::string> m_files;    // guest -> host
    std::map<std::string, std::string> m_symlinks; // guest -> target
};

void ClosureFinder::record(const GuestEntry& entry) {
    for (const GuestSymlink& link : entry.symlinks) {
        if (!m_tree.is_added(link.guest_path))
            m_symlinks.emplace(link.guest_path, link.target);
    }
    if (!m_tree.is_added(entry.guest_path))
        m_files.emplace(entry.guest_path, entry.host_path);
}

size_t ClosureFinder::load(std::string path, GuestEntry file, std::optional<size_t> loader,
                           std::string name) {
    if (m_objects.size() >= object_limit)
        fail("'{}' loads more than {} shared objects", m_request.program, object_limit);
    MappedFile bytes(file.host_path, "shared object");
    LoadedObject object;
    object.info = read_dynamic_info(bytes.bytes(), path);
    object.imports = ElfFile(bytes.bytes(), path).imported_symbols();
    object.path = std::move(path);
    object.file = std::move(file);
    object.loader = loader;
    object.names.push_back(std::move(name));
    if (m_kind == LoaderKind::glibc && !object.info.soname.empty())
        object.names.push_back(object.info.soname);
    m_objects.push_back(std::move(object));
    return m_objects.size() - 1;
}

std::optional<size_t> ClosureFinder::loaded_by_name(const std::string& name) {
    for (size_t i = 0; i < m_objects.size(); ++i) {
        const std::vector<std::string>& names = m_objects[i].names;
        if (std::find(names.begin(), names.end(), name) != names.end())
            return i;
    }
    return std::nullopt;
}

// Opens `path` as ld.so would: skipped (nothing) when missing or not an x86-64 object; the
// already loaded object when it is the same file.
std::optional<size_t> ClosureFinder::try_path(const std::string& path, const std::string& name,
                                              std::optional<size_t> loader) {
    std::optional<GuestEntry> file = m_tree.find_file(path);
    if (!file || !is_loadable_x86_64_elf(read_header(file->host_path)))
        return std::nullopt;
    for (size_t i = 0; i < m_objects.size(); ++i) {
        if (m_objects[i].file.device == file->device && m_objects[i].file.inode == file->inode) {
            m_objects[i].names.push_back(name);
            record(*file); // the links of this other name lead to it in the guest too
            return i;
        }
    }
    return load(path, std::move(*file), loader, name);
}

std::string ClosureFinder::origin(size_t object) const {
    // The program's origin comes from /proc/self/exe, which has its links resolved.
    if (object == m_program)
        return parent_directory(m_objects[object].file.guest_path);
    return parent_directory(absolute(m_objects[object].path));
}

std::vector<std::string> ClosureFinder::glibc_directories(const std::string& list,
                                                          size_t owner) const {
    std::vector<std::string> directories;
    for (const std::string& element : split(list, ":"))
        directories.push_back(absolute(expand_glibc_tokens(element, origin(owner))));
    return directories;
}

std::optional<size_t> ClosureFinder::search(const std::vector<std::string>& directories,
                                            const std::string& name, size_t requester) {
    for (const std::string& directory : directories) {
        std::string path = directory.ends_with('/') ? directory + name : directory + "/" + name;
        if (auto found = try_path(path, name, requester))
            return found;
    }
    return std::nullopt;
}

std::optional<size_t> ClosureFinder::find_glibc_library(const std::string& name, size_t requester) {
    if (name.find('/') != std::string::npos)
        return try_path(absolute(expand_glibc_tokens(name, origin(requester))), name, requester);
    const LoadedObject& asking = m_objects[requester];
    if (!asking.info.runpath) {
        bool searched_program = false;
        for (std::optional<size_t> owner = requester; owner; owner = m_objects[*owner].loader) {
            searched_program = searched_program || *owner == m_program;
            if (const auto& rpath = m_objects[*owner].info.rpath)
                if (auto found = search(glibc_directories(*rpath, *owner), name, requester))
                    return found;
        }
        if (!searched_program)
            if (const auto& rpath = m_objects[m_program].info.rpath)
                if (auto found = search(glibc_directories(*rpath, m_program), name, requester))
                    return found;
    }
    if (const auto& runpath = m_objects[requester].info.runpath)
        if (auto found = search(glibc_directories(*runpath, requester), name, requester))
            return found;
    if (m_objects[requester].info.no_default_libraries)
        return std::nullopt;
    if (m_cache)
        if (auto path = m_cache->find(name))
            if (auto found = try_path(*path, name, requester))
                return found;
    return search({glibc_default_directories.begin(), glibc_default_directories.end()}, name,
                  requester);
}

std::optional<size_t> ClosureFinder::find_musl_library(const std::string& name, size_t requester) {
    if (name.find('/') != std::string::npos)
        return try_path(absolute(name), name, requester);
    if (name.starts_with("lib")) {
        for (std::string_view reserved : musl_reserved)
            if (std::string_view(name).substr(3).starts_with(reserved))
                return m_interpreter;
    }
    for (std::optional<size_t> owner = requester; owner; owner = m_objects[*owner].loader) {
        const DynamicInfo& info = m_objects[*owner].info;
        const std::optional<std::string>& list = info.runpath ? info.runpath : info.rpath;
        if (!list)
            continue;
        std::optional<std::string> expanded = expand_musl_tokens(*list, origin(*owner));
        if (!expanded)
            continue;
        std::vector<std::string> directories;
        for (const std::string& element : split(*expanded, ":\n"))
            if (!element.empty())
                directories.push_back(absolute(element));
        if (auto found = search(directories, name, requester))
            return found;
    }
    return search(m_musl_path, name, requester);
}

std::optional<size_t> ClosureFinder::find_library(const std::string& name, size_t requester) {
    if (auto loaded = loaded_by_name(name))
        return loaded;
    return m_kind == LoaderKind::musl ? find_musl_library(name, requester)
                                      : find_glibc_library(name, requester);
}

// Breadth first, as ld.so maps a new object's dependencies (_dl_map_object_deps): which file
// a name resolves to can depend on what was loaded before.
void ClosureFinder::load_dependencies(size_t root) {
    std::deque<size_t> queue{root};
    while (!queue.empty()) {
        size_t object = queue.front();
        queue.pop_front();
        if (m_objects[object].dependencies_loaded)
            continue;
        m_objects[object].dependencies_loaded = true;
        // Copied: loading appends to m_objects.
        std::vector<std::string> needed = m_objects[object].info.needed;
        for (const std::string& name : needed) {
            std::optional<size_t> found = find_library(name, object);
            if (!found)
                fail("{}, needed by {}, was not found", name, m_objects[object].path);
            queue.push_back(*found);
        }
    }
}

std::optional<std::string> ClosureFinder::read_configuration(const char* guest_path) {
    std::optional<GuestEntry> file = m_tree.find_file(guest_path);
    if (!file)
        return std::nullopt;
    struct stat status;
    if (stat(file->host_path.c_str(), &status) != 0 || status.st_size > configuration_limit)
        fail("cannot read '{}' (for {}): missing or larger than {} bytes", file->host_path,
             guest_path, configuration_limit);
    std::string text;
    if (status.st_size > 0) {
        std::vector<uint8_t> bytes = ingot::read_file(file->host_path, "configuration file");
        text.assign(bytes.begin(), bytes.end());
    }
    record(*file);
    return text;
}

void ClosureFinder::read_glibc_cache() {
    std::optional<GuestEntry> file = m_tree.find_file("/etc/ld.so.cache");
    if (!file)
        return;
    std::vector<uint8_t> bytes = ingot::read_file(file->host_path, "library cache");
    m_cache = LdSoCache::parse(bytes, file->host_path);
    record(*file);
}

// musl reads PREFIX/etc/ld-musl-ARCH.path, PREFIX being the loader's path without its last
// two components (/lib/ld-musl-x86_64.so.1 -> ""), and takes its lines or colon-separated
// items as the system path.
void ClosureFinder::read_musl_path() {
    const std::string& loader = m_objects[m_interpreter].path;
    std::string prefix = parent_directory(parent_directory(loader));
    if (prefix == "/")
        prefix.clear();
    std::string path_file = prefix + "/etc/ld-musl-x86_64.path";
    std::optional<std::string> text = read_configuration(path_file.c_str());
    for (const std::string& element : split(text ? *text : musl_default_path, ":\n"))
        if (!element.empty())
            m_musl_path.push_back(absolute(element));
}

void ClosureFinder::add_gconv_modules(size_t libc) {
    // GCONV_PATH's default is $libdir/gconv: beside libc.so.6 with a merged /usr, else under
    // /usr.
    std::string directory = parent_directory(m_objects[libc].file.guest_path) + "/gconv";
    if (!m_tree.resolve(directory) && directory.starts_with("/lib"))
        directory = "/usr" + directory;
    for (const std::string& name : m_tree.list_directory(directory)) {
        std::string path = directory + "/" + name;
        if (name == "gconv-modules.d") {
            for (const std::string& part : m_tree.list_directory(path))
                if (auto file = m_tree.find_file(path + "/" + part))
                    record(*file);
            continue;
        }
        std::optional<GuestEntry> file = m_tree.find_file(path);
        if (!file)
            continue;
        if (!name.ends_with(".so")) {
            record(*file);
            continue;
        }
        // iconv_open dlopens the module from libc.
        if (auto module = try_path(path, path, libc))
            load_dependencies(*module);
    }
}

void ClosureFinder::add_glibc_run_time_modules() {
    std::optional<size_t> libc = loaded_by_name("libc.so.6");
    if (!libc)
        return;
    std::set<std::string> imports;
    bool uses_iconv = false;
    for (const LoadedObject& object : m_objects) {
        imports.insert(object.imports.begin(), object.imports.end());
        bool imports_iconv = std::find(object.imports.begin(), object.imports.end(),
                                       "iconv_open") != object.imports.end();
        uses_iconv =
            uses_iconv || (imports_iconv && !object.info.soname.starts_with("libstdc++.so"));
    }
    std::vector<std::string> imported(imports.begin(), imports.end());
    std::set<std::string> databases = name_service_databases(imported);
    if (!databases.empty()) {
        if (std::optional<std::string> text = read_configuration("/etc/nsswitch.conf")) {
            auto configuration = parse_nsswitch_conf(*text);
            for (const std::string& database : databases) {
                auto services = configuration.find(database);
                if (services == configuration.end())
                    continue;
                for (const std::string& service : services->second) {
                    if (is_built_in_name_service(service))
                        continue;
                    // glibc's nss_module.c: dlopen("libnss_" service ".so.2") from libc.
                    if (auto module = find_library("libnss_" + service + ".so.2", *libc))
                        load_dependencies(*module);
                }
            }
        }
    }
    if (imports.contains("pthread_exit") || imports.contains("pthread_cancel"))
        if (auto unwinder = find_library("libgcc_s.so.1", *libc))
            load_dependencies(*unwinder);
    if (uses_iconv)
        add_gconv_modules(*libc);
}

LibraryClosure ClosureFinder::run() {
    std::string program_path = absolute(m_request.program);
    std::optional<GuestEntry> program = m_tree.find_file(program_path);
    if (!program)
        fail("the program '{}' was not found", m_request.program);
    if (!is_loadable_x86_64_elf(read_header(program->host_path)))
        fail("'{}' is not a 64-bit x86-64 ELF program", m_request.program);
    m_program = load(program_path, std::move(*program), std::nullopt, "");
    m_objects[m_program].names.clear(); // glibc's main map has no name to match
    LibraryClosure closure;
    closure.interpreter = m_objects[m_program].info.interpreter;
    if (closure.interpreter.empty())
        return closure;
    if (!closure.interpreter.starts_with('/'))
        fail("'{}' names a relative dynamic loader '{}'", m_request.program, closure.interpreter);
    std::optional<GuestEntry> interpreter = m_tree.find_file(closure.interpreter);
    if (!interpreter)
        fail("the dynamic loader {}, named by {}, was not found", closure.interpreter,
             m_request.program);
    if (!is_loadable_x86_64_elf(read_header(interpreter->host_path)))
        fail("the dynamic loader {}, named by {}, is not a 64-bit x86-64 ELF object",
             closure.interpreter, m_request.program);
    std::string_view loader_name =
        std::string_view(closure.interpreter).substr(closure.interpreter.rfind('/') + 1);
    m_kind = loader_name.starts_with("ld-musl-") ? LoaderKind::musl : LoaderKind::glibc;
    m_interpreter =
        load(closure.interpreter, std::move(*interpreter), std::nullopt, closure.interpreter);
    // The loader relocates itself and needs nothing; its own DT_NEEDED are not followed.
    m_objects[m_interpreter].dependencies_loaded = true;
    if (m_kind == LoaderKind::glibc)
        read_glibc_cache();
    else
        read_musl_path();

    load_dependencies(m_program);
    for (const std::string& module : m_request.modules) {
        std::string path = absolute(module);
        std::optional<GuestEntry> file = m_tree.find_file(path);
        if (!file)
            fail("the module '{}' was not found", module);
        if (!is_loadable_x86_64_elf(read_header(file->host_path)))
            fail("the module '{}' is not a 64-bit x86-64 ELF object", module);
        // dlopen from the program, by path.
        if (auto loaded = try_path(path, path, m_program))
            load_dependencies(*loaded);
    }
    if (m_kind == LoaderKind::glibc)
        add_glibc_run_time_modules();

    for (const LoadedObject& object : m_objects)
        record(object.file);
    for (auto& [guest, host] : m_files)
        closure.files.push_back({host, guest});
    for (auto& [guest, target] : m_symlinks)
        closure.symlinks.push_back({guest, target});
    return closure;
}

} // namespace

LibraryClosure collect_library_closure(const ClosureRequest& request) {
    return ClosureFinder(request).run();
}

std::vector<std::string> find_added_modules(const std::vector<PathMapping>& added) {
    namespace fs = std::filesystem;
    std::set<std::string> modules;
    auto consider = [&](const fs::path& host, const std::string& guest) {
        std::error_code error;
        if (fs::is_regular_file(fs::symlink_status(host, error)) &&
            is_loadable_x86_64_elf(read_header(host.string())))
            modules.insert(guest);
    };
    for (const PathMapping& mapping : added) {
        std::error_code error;
        fs::path root(mapping.host_path);
        std::string guest_root = mapping.guest_path;
        while (guest_root.size() > 1 && guest_root.ends_with('/'))
            guest_root.pop_back();
        if (!fs::is_directory(fs::symlink_status(root, error))) {
            consider(root, guest_root);
            continue;
        }
        fs::recursive_directory_iterator walk(root, fs::directory_options::skip_permission_denied,
                                              error);
        for (; !error && walk != fs::recursive_directory_iterator(); walk.increment(error)) {
            std::string relative = walk->path().lexically_relative(root).generic_string();
            consider(walk->path(), (guest_root == "/" ? "" : guest_root) + "/" + relative);
        }
    }
    return {modules.begin(), modules.end()};
}

} // namespace ingot
