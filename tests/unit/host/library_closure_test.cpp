// The closure finder over scratch system roots of hand-made ELF files, where every search rule
// can be set up exactly; library_closure_layout_test.cpp has real libraries and programs.
#include "image/library_closure.h"

#include "host/closure_test_support.h"
#include "support/error.h"

#include <gtest/gtest.h>

#include <elf.h>
#include <unistd.h>

#include <filesystem>

// GCC 12 warns about members left to their defaults in designated initializers; the object
// specifications below rely on those defaults.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace ingot {
namespace {

using ingot_test::closure_error;
using ingot_test::has_file;
using ingot_test::make_shared_object;
using ingot_test::ObjectSpec;
using ingot_test::resolve_in_closure;
using ingot_test::ScratchTree;

constexpr const char* glibc_loader = "/lib64/ld-linux-x86-64.so.2";
constexpr const char* libdir = "/usr/lib/x86_64-linux-gnu";

// A merged-/usr Debian-like system root: /lib -> usr/lib, the loader and libc.
class FakeSystem {
public:
    FakeSystem() {
        tree.symlink("/lib", "usr/lib");
        tree.write(std::string(libdir) + "/ld-linux-x86-64.so.2",
                   make_shared_object({.soname = "ld-linux-x86-64.so.2"}));
        tree.symlink(glibc_loader, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        library("libc.so.6", {.soname = "libc.so.6", .needed = {"ld-linux-x86-64.so.2"}});
    }
    void library(const std::string& name, ObjectSpec spec) const {
        write(std::string(libdir) + "/" + name, spec);
    }
    void write(const std::string& path, const ObjectSpec& spec) const {
        tree.write(path, make_shared_object(spec));
    }
    void program(const std::string& path, ObjectSpec spec) const {
        spec.interpreter = glibc_loader;
        spec.type = ET_DYN;
        write(path, spec);
    }
    ClosureRequest request(const std::string& program) const {
        ClosureRequest request;
        request.program = program;
        request.system_root = tree.root();
        return request;
    }

    ScratchTree tree;
};

std::vector<std::string> guest_paths(const LibraryClosure& closure) {
    std::vector<std::string> paths;
    for (const ClosureFile& file : closure.files)
        paths.push_back(file.guest_path);
    return paths;
}

TEST(LibraryClosure, FindsLibrariesInTheDefaultDirectoriesAndKeepsTheirLinks) {
    FakeSystem system;
    system.library("libfoo.so.1.0", {.soname = "libfoo.so.1", .needed = {"libc.so.6"}});
    system.tree.symlink(std::string(libdir) + "/libfoo.so.1", "libfoo.so.1.0");
    system.program("/usr/bin/prog", {.needed = {"libfoo.so.1", "libc.so.6"}});
    LibraryClosure closure = collect_library_closure(system.request("/usr/bin/prog"));
    EXPECT_EQ(closure.interpreter, glibc_loader);
    EXPECT_EQ(
        guest_paths(closure),
        (std::vector<std::string>{"/usr/bin/prog", "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                                  "/usr/lib/x86_64-linux-gnu/libc.so.6",
                                  "/usr/lib/x86_64-linux-gnu/libfoo.so.1.0"}));
    for (const ClosureFile& file : closure.files)
        EXPECT_EQ(file.host_path, system.tree.host(file.guest_path));
    // What the loader and the ELF files name resolves inside the image.
    EXPECT_EQ(resolve_in_closure(closure, glibc_loader),
              "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    EXPECT_EQ(resolve_in_closure(closure, "/lib/x86_64-linux-gnu/libfoo.so.1"),
              "/usr/lib/x86_64-linux-gnu/libfoo.so.1.0");
    ASSERT_EQ(closure.symlinks.size(), 3u);
    EXPECT_EQ(closure.symlinks[0].guest_path, "/lib");
    EXPECT_EQ(closure.symlinks[0].target, "usr/lib");
    EXPECT_EQ(closure.symlinks[1].guest_path, glibc_loader);
    EXPECT_EQ(closure.symlinks[2].guest_path, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
    EXPECT_EQ(closure.symlinks[2].target, "libfoo.so.1.0");
}

TEST(LibraryClosure, StaticProgramNeedsNothing) {
    FakeSystem system;
    system.write("/bin/static", {.type = ET_EXEC});
    LibraryClosure closure = collect_library_closure(system.request("/bin/static"));
    EXPECT_TRUE(closure.interpreter.empty());
    EXPECT_TRUE(closure.files.empty());
    EXPECT_TRUE(closure.symlinks.empty());
}

TEST(LibraryClosure, TheCacheComesBeforeTheDefaultDirectories) {
    FakeSystem system;
    system.library("libfoo.so.1", {.soname = "libfoo.so.1"});
    system.write("/opt/cached/libfoo.so.1", {.soname = "libfoo.so.1"});
    system.tree.write("/etc/ld.so.cache",
                      ingot_test::make_ld_so_cache({{"libfoo.so.1", "/opt/cached/libfoo.so.1"},
                                                    {"libgone.so", "/opt/gone/libgone.so"}}));
    system.program("/usr/bin/prog", {.needed = {"libfoo.so.1", "libc.so.6"}});
    LibraryClosure closure = collect_library_closure(system.request("/usr/bin/prog"));
    EXPECT_TRUE(has_file(closure, "/opt/cached/libfoo.so.1"));
    EXPECT_FALSE(has_file(closure, "/usr/lib/x86_64-linux-gnu/libfoo.so.1"));
    EXPECT_TRUE(has_file(closure, "/etc/ld.so.cache")); // the guest's loader reads it too
    // A cache entry whose file is gone: ld.so goes on to the default directories.
    system.library("libgone.so", {});
    system.program("/usr/bin/other", {.needed = {"libgone.so"}});
    EXPECT_TRUE(has_file(collect_library_closure(system.request("/usr/bin/other")),
                         "/usr/lib/x86_64-linux-gnu/libgone.so"));
}

TEST(LibraryClosure, ACorruptCacheIsAnError) {
    FakeSystem system;
    auto cache = ingot_test::make_ld_so_cache({{"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6"}});
    cache.resize(cache.size() - 3);
    system.tree.write("/etc/ld.so.cache", cache);
    system.program("/usr/bin/prog", {.needed = {"libc.so.6"}});
    std::string error = closure_error(system.request("/usr/bin/prog"));
    EXPECT_NE(error.find("ld.so.cache' is corrupt"), std::string::npos) << error;
    EXPECT_NE(error.find("ldconfig"), std::string::npos) << error;
}

TEST(LibraryClosure, AMissingLibraryIsNamedWithWhatNeedsIt) {
    FakeSystem system;
    system.library("liba.so", {.needed = {"libmissing.so.2"}});
    system.program("/usr/bin/prog", {.needed = {"liba.so"}});
    EXPECT_EQ(closure_error(system.request("/usr/bin/prog")),
              "libmissing.so.2, needed by /lib/x86_64-linux-gnu/liba.so, was not found");
    system.program("/usr/bin/direct", {.needed = {"libnothere.so"}});
    EXPECT_EQ(closure_error(system.request("/usr/bin/direct")),
              "libnothere.so, needed by /usr/bin/direct, was not found");
}

TEST(LibraryClosure, MissingProgramOrLoaderIsAnError) {
    FakeSystem system;
    EXPECT_NE(closure_error(system.request("/usr/bin/none")).find("'/usr/bin/none' was not found"),
              std::string::npos);
    system.write("/usr/bin/prog",
                 {.interpreter = "/lib/ld-elsewhere.so.1", .needed = {"libc.so.6"}});
    EXPECT_EQ(closure_error(system.request("/usr/bin/prog")),
              "the dynamic loader /lib/ld-elsewhere.so.1, named by /usr/bin/prog, was not found");
    system.write("/usr/bin/relative", {.interpreter = "ld.so"});
    EXPECT_NE(closure_error(system.request("/usr/bin/relative")).find("relative"),
              std::string::npos);
    system.tree.write_text("/usr/bin/script", "#!/bin/sh\n");
    EXPECT_NE(closure_error(system.request("/usr/bin/script")).find("not a 64-bit x86-64 ELF"),
              std::string::npos);
}

TEST(LibraryClosure, CyclesEndAndEachFileLoadsOnce) {
    FakeSystem system;
    system.library("liba.so", {.soname = "liba.so", .needed = {"libb.so", "libc.so.6"}});
    system.library("libb.so", {.soname = "libb.so", .needed = {"liba.so", "libb.so"}});
    system.program("/usr/bin/prog", {.needed = {"liba.so"}});
    LibraryClosure closure = collect_library_closure(system.request("/usr/bin/prog"));
    EXPECT_TRUE(has_file(closure, "/usr/lib/x86_64-linux-gnu/liba.so"));
    EXPECT_TRUE(has_file(closure, "/usr/lib/x86_64-linux-gnu/libb.so"));
    EXPECT_EQ(closure.files.size(), 5u);
}

TEST(LibraryClosure, ANameLoadedOnceIsNotSearchedAgain) {
    FakeSystem system;
    // Two libraries with one soname: the program's RPATH finds the first; the second library's
    // RUNPATH would find the other, but ld.so matches the name to the loaded one.
    system.write("/opt/one/libdup.so", {.soname = "libdup.so"});
    system.write("/opt/two/libdup.so", {.soname = "libdup.so"});
    system.write("/opt/two/libuser.so", {.needed = {"libdup.so"}, .runpath = "/opt/two"});
    system.program("/usr/bin/prog",
                   {.needed = {"libdup.so", "libuser.so"}, .rpath = "/opt/one:/opt/two"});
    LibraryClosure closure = collect_library_closure(system.request("/usr/bin/prog"));
    EXPECT_TRUE(has_file(closure, "/opt/one/libdup.so"));
    EXPECT_FALSE(has_file(closure, "/opt/two/libdup.so"));
    EXPECT_TRUE(has_file(closure, "/opt/two/libuser.so"));
}

TEST(LibraryClosure, OneFileUnderTwoNamesLoadsOnce) {
    FakeSystem system;
    system.library("libreal.so.1", {});
    system.tree.symlink(std::string(libdir) + "/libalias.so", "libreal.so.1");
    system.library("libuser.so", {.needed = {"libalias.so"}});
    system.program("/usr/bin/prog", {.needed = {"libreal.so.1", "libuser.so"}});
    LibraryClosure closure = collect_library_closure(system.request("/usr/bin/prog"));
    EXPECT_EQ(closure.files.size(), 4u); // the program, the loader, libreal, libuser
    EXPECT_EQ(resolve_in_closure(closure, "/lib/x86_64-linux-gnu/libalias.so"),
              "/usr/lib/x86_64-linux-gnu/libreal.so.1");
}

TEST(LibraryClosure, FilesOfAnotherArchitectureAreSkipped) {
    FakeSystem system;
    auto thirty_two = make_shared_object({});
    thirty_two[EI_CLASS] = ELFCLASS32;
    system.tree.write("/opt/32/libw.so", thirty_two);
    system.tree.write_text("/opt/text/libw.so", "not an ELF file");
    system.write("/opt/64/libw.so", {});
    system.program("/usr/bin/prog",
                   {.needed = {"libw.so"}, .runpath = "/opt/32:/opt/text:/opt/64"});
    LibraryClosure closure = collect_library_closure(system.request("/usr/bin/prog"));
    EXPECT_TRUE(has_file(closure, "/opt/64/libw.so"));
    EXPECT_FALSE(has_file(closure, "/opt/32/libw.so"));
}

TEST(LibraryClosure, NodeflibKeepsToTheObjectsOwnPaths) {
    FakeSystem system;
    system.library("libfoo.so", {});
    system.program("/usr/bin/prog", {.needed = {"libfoo.so"}, .flags_1 = DF_1_NODEFLIB});
    EXPECT_EQ(closure_error(system.request("/usr/bin/prog")),
              "libfoo.so, needed by /usr/bin/prog, was not found");
}

TEST(LibraryClosure, ExpandsOriginLibAndPlatform) {
    FakeSystem system;
    // The program is reached through a link: $ORIGIN is where the file really is.
    system.program("/opt/app/bin/prog",
                   {.needed = {"libapp.so", "libmulti.so", "libplat.so", "/opt/abs/libabs.so",
                               "$ORIGIN/../private/libpriv.so"},
                    .runpath = "$ORIGIN/../lib:/opt/$LIB:/opt/${PLATFORM}/x:/opt/$UNKNOWN"});
    system.tree.symlink("/usr/bin/prog", "/opt/app/bin/prog");
    // libapp's own RUNPATH, with the braced form, relative to where libapp was found.
    system.write("/opt/app/lib/libapp.so", {.needed = {"libsub.so"}, .runpath = "${ORIGIN}/sub"});
    system.write("/opt/app/lib/sub/libsub.so", {});
    system.write("/opt/lib/x86_64-linux-gnu/libmulti.so", {});
    system.write("/opt/x86_64/x/libplat.so", {});
    system.write("/opt/abs/libabs.so", {});
    system.write("/opt/app/private/libpriv.so", {});
    system.write("/opt/$UNKNOWN/libunknown.so", {});
    system.program("/opt/app/bin/unknown",
                   {.needed = {"libunknown.so"}, .runpath = "/opt/$UNKNOWN"});
    LibraryClosure closure = collect_library_closure(system.request("/usr/bin/prog"));
    for (const char* path :
         {"/opt/app/bin/prog", "/opt/app/lib/libapp.so", "/opt/app/lib/sub/libsub.so",
          "/opt/lib/x86_64-linux-gnu/libmulti.so", "/opt/x86_64/x/libplat.so", "/opt/abs/libabs.so",
          "/opt/app/private/libpriv.so"})
        EXPECT_TRUE(has_file(closure, path)) << path;
    EXPECT_EQ(resolve_in_closure(closure, "/usr/bin/prog"), "/opt/app/bin/prog");
    // An unknown token stays as it is written.
    EXPECT_TRUE(has_file(collect_library_closure(system.request("/opt/app/bin/unknown")),
                         "/opt/$UNKNOWN/libunknown.so"));
}

TEST(LibraryClosure, RpathIsInheritedRunpathIsNot) {
    FakeSystem system;
    system.write("/opt/deps/libleaf.so", {});
    system.write("/opt/deps/libmid.so", {.needed = {"libleaf.so"}});
    system.program("/usr/bin/with-rpath", {.needed = {"libmid.so"}, .rpath = "/opt/deps"});
    system.program("/usr/bin/with-runpath", {.needed = {"libmid.so"}, .runpath = "/opt/deps"});
    EXPECT_TRUE(has_file(collect_library_closure(system.request("/usr/bin/with-rpath")),
                         "/opt/deps/libleaf.so"));
    EXPECT_EQ(closure_error(system.request("/usr/bin/with-runpath")),
              "libleaf.so, needed by /opt/deps/libmid.so, was not found");
    // A library with its own RUNPATH ignores the RPATHs above it.
    system.write("/opt/deps/librun.so", {.needed = {"libleaf.so"}, .runpath = "/nowhere"});
    system.program("/usr/bin/mixed", {.needed = {"librun.so"}, .rpath = "/opt/deps"});
    EXPECT_EQ(closure_error(system.request("/usr/bin/mixed")),
              "libleaf.so, needed by /opt/deps/librun.so, was not found");
}

TEST(LibraryClosure, AHostileLibraryIsAnErrorNotACrash) {
    FakeSystem system;
    auto bytes = make_shared_object({.needed = {"libc.so.6"}});
    size_t dynamic = ingot_test::dynamic_section_offset(bytes);
    bytes.resize(dynamic + sizeof(Elf64_Dyn)); // the dynamic section cut after one entry
    system.tree.write(std::string(libdir) + "/libbad.so", bytes);
    system.program("/usr/bin/prog", {.needed = {"libbad.so"}});
    std::string error = closure_error(system.request("/usr/bin/prog"));
    EXPECT_NE(error.find("libbad.so' is a malformed ELF"), std::string::npos) << error;
}

TEST(LibraryClosure, ModulesUnderAddedMappingsBringTheirLibraries) {
    FakeSystem system;
    ScratchTree modules;
    modules.write("plugins/mod.so", make_shared_object({.needed = {"libdep.so.1", "libc.so.6"}}));
    modules.write("plugins/deeper/other.so", make_shared_object({.needed = {"libother.so"}}));
    modules.write_text("plugins/readme.txt", "not an ELF");
    auto thirty_two = make_shared_object({});
    thirty_two[EI_CLASS] = ELFCLASS32;
    modules.write("plugins/old.so", thirty_two);
    modules.symlink("plugins/link.so", "mod.so");
    system.library("libdep.so.1", {});
    system.library("libother.so", {});
    system.program("/usr/bin/prog", {.needed = {"libc.so.6"}});
    ClosureRequest request = system.request("/usr/bin/prog");
    request.added = {{modules.root() + "/plugins", "/usr/lib/prog/"}};
    request.modules = find_added_modules(request.added);
    EXPECT_EQ(request.modules,
              (std::vector<std::string>{"/usr/lib/prog/deeper/other.so", "/usr/lib/prog/mod.so"}));
    LibraryClosure closure = collect_library_closure(request);
    EXPECT_TRUE(has_file(closure, "/usr/lib/x86_64-linux-gnu/libdep.so.1"));
    EXPECT_TRUE(has_file(closure, "/usr/lib/x86_64-linux-gnu/libother.so"));
    EXPECT_FALSE(has_file(closure, "/usr/lib/prog/mod.so")); // the user's --add puts it there
    request.modules.push_back("/usr/lib/prog/absent.so");
    EXPECT_NE(closure_error(request).find("'/usr/lib/prog/absent.so' was not found"),
              std::string::npos);
    request.modules.back() = "/usr/lib/prog/readme.txt";
    EXPECT_NE(closure_error(request).find("not a 64-bit x86-64 ELF object"), std::string::npos);
}

TEST(LibraryClosure, MuslSearchesItsPathFileAndIsItsOwnLibc) {
    ScratchTree tree;
    tree.write("/lib/x86_64-linux-musl/libc.so", make_shared_object({}));
    tree.symlink("/lib/ld-musl-x86_64.so.1", "x86_64-linux-musl/libc.so");
    tree.write_text("/etc/ld-musl-x86_64.path", "/opt/musl/lib\n/opt/more:/opt/last\n");
    tree.write("/opt/last/libfoo.so", make_shared_object({.needed = {"libc.so"}}));
    tree.write("/opt/app/lib/libown.so", make_shared_object({}));
    tree.write("/opt/app/lib/libignored.so", make_shared_object({}));
    tree.write("/opt/app/bin/prog",
               make_shared_object({.interpreter = "/lib/ld-musl-x86_64.so.1",
                                   .needed = {"libc.so", "libfoo.so", "libown.so", "libm.so"},
                                   .runpath = "$ORIGIN/../lib"}));
    ClosureRequest request;
    request.program = "/opt/app/bin/prog";
    request.system_root = tree.root();
    LibraryClosure closure = collect_library_closure(request);
    EXPECT_EQ(closure.interpreter, "/lib/ld-musl-x86_64.so.1");
    std::vector<std::string> expected = {"/etc/ld-musl-x86_64.path",
                                         "/lib/x86_64-linux-musl/libc.so", "/opt/app/bin/prog",
                                         "/opt/app/lib/libown.so", "/opt/last/libfoo.so"};
    EXPECT_EQ(guest_paths(closure), expected);
    // musl ignores a path with a token other than $ORIGIN; without a path file it searches
    // /lib:/usr/local/lib:/usr/lib.
    tree.write("/opt/app/bin/lib-token",
               make_shared_object({.interpreter = "/lib/ld-musl-x86_64.so.1",
                                   .needed = {"libignored.so"},
                                   .rpath = "$ORIGIN/../lib:/$LIB"}));
    request.program = "/opt/app/bin/lib-token";
    EXPECT_EQ(closure_error(request),
              "libignored.so, needed by /opt/app/bin/lib-token, was not found");
    std::filesystem::remove(tree.host("/etc/ld-musl-x86_64.path"));
    tree.write("/usr/local/lib/libignored.so", make_shared_object({}));
    EXPECT_TRUE(has_file(collect_library_closure(request), "/usr/local/lib/libignored.so"));
}

} // namespace
} // namespace ingot
