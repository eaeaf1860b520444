// The closure finder over real files: libraries CMake built with $ORIGIN paths
// (programs/closure_layouts.cmake), Debian's own programs installed on this machine, and
// scratch system roots holding copies of real programs whose imports (NSS, iconv,
// pthread_exit) decide what glibc loads at run time.
#include "image/library_closure.h"

#include "host/closure_test_support.h"
#include "image/dynamic_info.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
using ingot_test::resolve_in_closure;
using ingot_test::ScratchTree;

std::string layout(const std::string& path) {
    return std::filesystem::path(std::string(ingot_test::closure_layout_directory()) + "/" + path)
        .lexically_normal()
        .string();
}

// The program's exit status when run natively (-1 if it did not exit): what glibc's own ld.so
// makes of the layout, to hold the closure finder's answer against.
int native_status(const std::string& program) {
    pid_t child = fork();
    if (child == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 2);
        execl(program.c_str(), program.c_str(), nullptr);
        _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

ClosureRequest request_for(const std::string& program) {
    ClosureRequest request;
    request.program = program;
    return request;
}

// Every file of the closure exists on the host as a regular file, and every name an ELF file
// of it uses resolves inside it.
void expect_complete(const LibraryClosure& closure, const std::vector<std::string>& names) {
    for (const ClosureFile& file : closure.files) {
        struct stat status;
        EXPECT_EQ(stat(file.host_path.c_str(), &status), 0) << file.host_path;
        EXPECT_TRUE(S_ISREG(status.st_mode)) << file.host_path;
    }
    for (const std::string& name : names)
        EXPECT_TRUE(resolve_in_closure(closure, name))
            << name << " does not resolve in the closure";
}

TEST(LibraryClosureLayout, InheritedRpathReachesTheLeaf) {
    std::string program = layout("bin/ingot-unit-rpath-program");
    ASSERT_EQ(native_status(program), 0) << "glibc's ld.so could not load " << program;
    LibraryClosure closure = collect_library_closure(request_for(program));
    EXPECT_EQ(closure.interpreter, "/lib64/ld-linux-x86-64.so.2");
    for (const char* library :
         {"lib/libingot-closure-top.so", "lib/private/libingot-closure-middle.so",
          "lib/libingot-closure-leaf.so", "bin/ingot-unit-rpath-program"}) {
        std::string path = layout(library);
        EXPECT_TRUE(has_file(closure, path)) << path;
    }
    expect_complete(closure, {"/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6"});
}

TEST(LibraryClosureLayout, RunpathIsNotInheritedAsGlibcAgrees) {
    std::string program = layout("bin/ingot-unit-runpath-program");
    EXPECT_NE(native_status(program), 0) << "glibc's ld.so loaded " << program;
    EXPECT_EQ(closure_error(request_for(program)),
              "libingot-closure-leaf.so, needed by " +
                  std::string(ingot_test::closure_layout_directory()) +
                  "/bin/../lib/private/libingot-closure-middle.so, was not found");
}

TEST(LibraryClosureLayout, ALayoutMovedElsewhereStillResolvesThroughOrigin) {
    ScratchTree moved;
    std::filesystem::create_directories(moved.host("opt"));
    std::filesystem::copy(ingot_test::closure_layout_directory(), moved.host("opt/app"),
                          std::filesystem::copy_options::recursive);
    ASSERT_EQ(native_status(moved.host("opt/app/bin/ingot-unit-rpath-program")), 0);
    // Seen as a guest whose /opt/app is the copy: $ORIGIN is the guest directory.
    ClosureRequest request;
    request.program = "/opt/app/bin/ingot-unit-rpath-program";
    request.added = {{moved.host("opt/app"), "/opt/app"}};
    LibraryClosure closure = collect_library_closure(request);
    EXPECT_FALSE(has_file(closure, "/opt/app/lib/libingot-closure-leaf.so")); // added already
    EXPECT_TRUE(has_file(closure, "/usr/lib/x86_64-linux-gnu/libc.so.6"));
    for (const ClosureFile& file : closure.files)
        EXPECT_FALSE(file.guest_path.starts_with("/opt/app")) << file.guest_path;
}

TEST(LibraryClosureLayout, MuslProgram) {
    std::string program = ingot_test::musl_program_path();
    if (access(program.c_str(), R_OK) != 0)
        GTEST_SKIP() << program << " was not built: musl-gcc (musl-tools) is not installed";
    ASSERT_EQ(native_status(program), 0);
    LibraryClosure closure = collect_library_closure(request_for(program));
    EXPECT_EQ(closure.interpreter, "/lib/ld-musl-x86_64.so.1");
    // libc.so is the loader itself: one file for both.
    auto loader = resolve_in_closure(closure, "/lib/ld-musl-x86_64.so.1");
    ASSERT_TRUE(loader);
    EXPECT_TRUE(loader->ends_with("/libc.so")) << *loader;
    size_t libraries = 0;
    for (const ClosureFile& file : closure.files)
        libraries += file.guest_path.ends_with(".so") ? 1 : 0;
    EXPECT_EQ(libraries, 1u);
    EXPECT_TRUE(has_file(closure, program));
    if (access("/etc/ld-musl-x86_64.path", R_OK) == 0) {
        EXPECT_TRUE(has_file(closure, "/etc/ld-musl-x86_64.path"));
    }
}

void skip_without(const char* path) {
    if (access(path, R_OK) != 0)
        GTEST_SKIP() << path << " is not installed (scripts/install-dependencies.sh installs it)";
}

TEST(LibraryClosureDebian, Python) {
    skip_without("/usr/bin/python3.11");
    if (testing::Test::IsSkipped())
        return;
    LibraryClosure closure = collect_library_closure(request_for("/usr/bin/python3.11"));
    EXPECT_EQ(closure.interpreter, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_TRUE(has_file(closure, "/usr/bin/python3.11"));
    expect_complete(closure, {"/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6",
                              "/lib/x86_64-linux-gnu/libm.so.6", "/lib/x86_64-linux-gnu/libz.so.1",
                              "/lib/x86_64-linux-gnu/libexpat.so.1", "/etc/ld.so.cache"});
    // python calls pthread_exit: glibc dlopens libgcc_s.so.1 for it.
    if (access("/lib/x86_64-linux-gnu/libgcc_s.so.1", R_OK) == 0) {
        EXPECT_TRUE(resolve_in_closure(closure, "/lib/x86_64-linux-gnu/libgcc_s.so.1"));
    }
}

TEST(LibraryClosureDebian, PythonExtensionModulesBringTheirLibraries) {
    const char* dynload = "/usr/lib/python3.11/lib-dynload";
    skip_without("/usr/lib/python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so");
    if (testing::Test::IsSkipped())
        return;
    ClosureRequest request = request_for("/usr/bin/python3");
    request.modules = {std::string(dynload) + "/_sqlite3.cpython-311-x86_64-linux-gnu.so",
                       std::string(dynload) + "/_ssl.cpython-311-x86_64-linux-gnu.so"};
    LibraryClosure closure = collect_library_closure(request);
    expect_complete(closure,
                    {"/lib/x86_64-linux-gnu/libsqlite3.so.0", "/lib/x86_64-linux-gnu/libssl.so.3",
                     "/lib/x86_64-linux-gnu/libcrypto.so.3", "/usr/bin/python3", request.modules[0],
                     request.modules[1]});
    // The same through `--add /usr/lib/python3.11`: every module found, none copied twice.
    request.added = {{"/usr/lib/python3.11", "/usr/lib/python3.11"}};
    request.modules = find_added_modules(request.added);
    EXPECT_GE(request.modules.size(), 30u);
    EXPECT_NE(std::find(request.modules.begin(), request.modules.end(),
                        std::string(dynload) + "/_ssl.cpython-311-x86_64-linux-gnu.so"),
              request.modules.end());
    LibraryClosure added = collect_library_closure(request);
    EXPECT_TRUE(resolve_in_closure(added, "/lib/x86_64-linux-gnu/libssl.so.3"));
    EXPECT_TRUE(resolve_in_closure(added, "/lib/x86_64-linux-gnu/libsqlite3.so.0"));
    for (const ClosureFile& file : added.files)
        EXPECT_FALSE(file.guest_path.starts_with("/usr/lib/python3.11/")) << file.guest_path;
}

TEST(LibraryClosureDebian, Nginx) {
    skip_without("/usr/sbin/nginx");
    if (testing::Test::IsSkipped())
        return;
    LibraryClosure closure = collect_library_closure(request_for("/usr/sbin/nginx"));
    expect_complete(
        closure, {"/usr/sbin/nginx", "/lib/x86_64-linux-gnu/libssl.so.3",
                  "/lib/x86_64-linux-gnu/libcrypto.so.3", "/lib/x86_64-linux-gnu/libpcre2-8.so.0",
                  "/lib/x86_64-linux-gnu/libcrypt.so.1", "/lib/x86_64-linux-gnu/libz.so.1"});
}

TEST(LibraryClosureDebian, RedisThroughItsLink) {
    skip_without("/usr/bin/redis-server");
    if (testing::Test::IsSkipped())
        return;
    LibraryClosure closure = collect_library_closure(request_for("/usr/bin/redis-server"));
    expect_complete(closure,
                    {"/usr/bin/redis-server", "/lib/x86_64-linux-gnu/libjemalloc.so.2",
                     "/lib/x86_64-linux-gnu/liblzf.so.1", "/lib/x86_64-linux-gnu/libsystemd.so.0",
                     "/lib/x86_64-linux-gnu/libatomic.so.1", "/lib/x86_64-linux-gnu/libssl.so.3"});
    // redis-server is a symlink to redis-check-rdb: the link and its file are both there.
    auto link =
        std::find_if(closure.symlinks.begin(), closure.symlinks.end(),
                     [](const GuestSymlink& l) { return l.guest_path == "/usr/bin/redis-server"; });
    ASSERT_NE(link, closure.symlinks.end());
    EXPECT_EQ(link->target, "redis-check-rdb");
}

TEST(LibraryClosureDebian, Sqlite) {
    skip_without("/usr/bin/sqlite3");
    if (testing::Test::IsSkipped())
        return;
    LibraryClosure closure = collect_library_closure(request_for("/usr/bin/sqlite3"));
    expect_complete(closure, {"/usr/bin/sqlite3", "/lib/x86_64-linux-gnu/libsqlite3.so.0",
                              "/lib/x86_64-linux-gnu/libreadline.so.8",
                              "/lib/x86_64-linux-gnu/libtinfo.so.6"});
}

// A scratch root with a copy of a real program and stand-ins for its libraries: the program's
// real imports decide what glibc loads at run time, the scratch files say what is there.
class RunTimeModules : public testing::Test {
protected:
    void SetUp() override {
        tree.symlink("/lib", "usr/lib");
        tree.write("/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
                   make_shared_object({.soname = "ld-linux-x86-64.so.2"}));
        tree.symlink("/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
    }
    // Copies a host program into the root and gives it stand-ins for what it needs.
    bool install(const std::string& program) {
        if (access(program.c_str(), R_OK) != 0)
            return false;
        std::filesystem::create_directories(tree.host("/usr/bin"));
        std::filesystem::copy_file(program, tree.host(program));
        auto info = read_dynamic_info(ingot_test::read_file(program), program);
        for (const std::string& name : info.needed)
            library(name, {.soname = name});
        return true;
    }
    void library(const std::string& name, const ingot_test::ObjectSpec& spec) {
        tree.write("/usr/lib/x86_64-linux-gnu/" + name, make_shared_object(spec));
    }
    LibraryClosure closure(const std::string& program) {
        ClosureRequest request;
        request.program = program;
        request.system_root = tree.root();
        return collect_library_closure(request);
    }

    ScratchTree tree;
};

TEST_F(RunTimeModules, NameServiceModulesNamedForTheDatabasesUsed) {
    if (!install("/usr/bin/python3.11"))
        GTEST_SKIP() << "python3.11 is not installed";
    // python calls getpwnam, getgrnam and getaddrinfo, not ether_hostton.
    tree.write_text("/etc/nsswitch.conf", "passwd: files fake [NOTFOUND=return] absent\n"
                                          "group: files\n"
                                          "hosts: files dns\n"
                                          "ethers: files unused\n");
    library("libnss_fake.so.2", {.needed = {"libfakedep.so"}});
    library("libfakedep.so", {});
    library("libnss_unused.so.2", {});
    library("libgcc_s.so.1", {});
    LibraryClosure result = closure("/usr/bin/python3.11");
    EXPECT_TRUE(has_file(result, "/etc/nsswitch.conf"));
    EXPECT_TRUE(has_file(result, "/usr/lib/x86_64-linux-gnu/libnss_fake.so.2"));
    EXPECT_TRUE(has_file(result, "/usr/lib/x86_64-linux-gnu/libfakedep.so"));
    EXPECT_FALSE(has_file(result, "/usr/lib/x86_64-linux-gnu/libnss_unused.so.2"));
    EXPECT_TRUE(has_file(result, "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1")); // pthread_exit
    // No nsswitch.conf: glibc uses its built-in files and dns only.
    std::filesystem::remove(tree.host("/etc/nsswitch.conf"));
    result = closure("/usr/bin/python3.11");
    EXPECT_FALSE(has_file(result, "/usr/lib/x86_64-linux-gnu/libnss_fake.so.2"));
    EXPECT_FALSE(has_file(result, "/etc/nsswitch.conf"));
}

TEST_F(RunTimeModules, GconvWhenIconvIsUsed) {
    if (!install("/usr/bin/iconv"))
        GTEST_SKIP() << "iconv is not installed";
    if (!install("/usr/bin/sqlite3"))
        GTEST_SKIP() << "sqlite3 is not installed";
    const std::string gconv = "/usr/lib/x86_64-linux-gnu/gconv";
    tree.write_text(gconv + "/gconv-modules", "module EUC-JP// INTERNAL EUC-JP 1\n");
    tree.write_text(gconv + "/gconv-modules.cache", "cache");
    tree.write_text(gconv + "/gconv-modules.d/extra.conf", "alias X// EUC-JP//\n");
    tree.write(gconv + "/EUC-JP.so",
               make_shared_object({.needed = {"libJIS.so"}, .runpath = "$ORIGIN"}));
    tree.write(gconv + "/libJIS.so", make_shared_object({}));
    LibraryClosure result = closure("/usr/bin/iconv");
    for (const std::string name : {"gconv-modules", "gconv-modules.cache",
                                   "gconv-modules.d/extra.conf", "EUC-JP.so", "libJIS.so"})
        EXPECT_TRUE(has_file(result, gconv + "/" + name)) << name;
    // sqlite3 does not call iconv_open.
    EXPECT_FALSE(has_file(closure("/usr/bin/sqlite3"), gconv + "/gconv-modules"));
}

TEST(LibraryClosureDebian, GconvOfThisMachine) {
    skip_without("/usr/lib/x86_64-linux-gnu/gconv/EUC-JP.so");
    if (testing::Test::IsSkipped())
        return;
    LibraryClosure closure = collect_library_closure(request_for("/usr/bin/iconv"));
    expect_complete(closure, {"/usr/lib/x86_64-linux-gnu/gconv/gconv-modules",
                              "/usr/lib/x86_64-linux-gnu/gconv/EUC-JP.so",
                              "/usr/lib/x86_64-linux-gnu/gconv/libJIS.so"});
}

} // namespace
} // namespace ingot
