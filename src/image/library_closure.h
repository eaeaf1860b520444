// The files a dynamically linked program needs in the image, found on the host without running
// anything (no ldd): its interpreter (PT_INTERP), the libraries DT_NEEDED names, recursively,
// searched as the guest's loader will search them, and what glibc loads at run time that no
// DT_NEEDED names. Extra ELF files the program loads with dlopen (python's extension modules,
// nginx's modules) bring their libraries too.
//
// Search rules, per ld.so(8) and glibc's elf/dl-load.c (_dl_map_object):
//   - a name with a slash is a path (after $ORIGIN/$LIB/$PLATFORM expansion);
//   - a name some loaded object was loaded by, or its DT_SONAME, is that object;
//   - unless the requesting object has DT_RUNPATH: the DT_RPATH of the requesting object, of
//     the object that loaded it, and so on up, then the program's;
//   - the requesting object's DT_RUNPATH (not inherited by its dependencies);
//   - unless it has DF_1_NODEFLIB: /etc/ld.so.cache, then /lib/x86_64-linux-gnu,
//     /usr/lib/x86_64-linux-gnu, /lib, /usr/lib (what Debian's ld.so --help lists);
//   - a file that is not a 64-bit x86-64 ELF object is skipped and the search goes on;
//     one file reached by two names (same device and inode) is loaded once.
//   $ORIGIN is the directory of the path the object was opened by (for the program itself,
//   its canonical path, as /proc/self/exe gives it); $LIB is "lib/x86_64-linux-gnu"; $PLATFORM
//   is "x86_64" (the AT_PLATFORM Ingot's kernel passes). LD_LIBRARY_PATH and LD_PRELOAD are
//   the guest's environment, unknown when building: not used.
// musl (interpreter /lib/ld-musl-x86_64.so.1; musl's ldso/dynlink.c): DT_RUNPATH, or DT_RPATH,
// of the requesting object and each object that loaded it, with only $ORIGIN expanded (a path
// with another $ token is ignored, as musl does); then the lines of
// /etc/ld-musl-x86_64.path, or /lib:/usr/local/lib:/usr/lib without it; libc.so, libm.so,
// libpthread.so, ... (musl's reserved names) are the loader itself.
//
// Loaded by glibc at run time, no DT_NEEDED naming them (decided here, with why):
//   - NSS modules: for each database the loaded objects' imported functions consult
//     (getpwnam -> passwd, getaddrinfo -> hosts, ...; name_service_switch.h), each service
//     /etc/nsswitch.conf names other than "files" and "dns" (inside libc.so.6 since glibc
//     2.34), as libnss_SERVICE.so.2 with its libraries, and /etc/nsswitch.conf itself so the
//     guest's glibc reads the configuration the closure was made from. A named module the
//     system does not have is left out: glibc treats it as unavailable, natively too. Without
//     /etc/nsswitch.conf glibc uses only files and dns: nothing to add.
//   - gconv: when an object imports iconv_open, the gconv directory beside libc.so.6
//     (gconv-modules, gconv-modules.cache, gconv-modules.d/, every module .so and what they
//     need): which character sets the program will convert cannot be known when building.
//     libstdc++.so.6's own import does not count: it serves the __gnu_cxx::encoding_state
//     codecvt extension, whose users call iconv_open from the header's templates in their own
//     code (so their import counts); counting it would put the whole gconv directory (about
//     9 MiB, 250 files on Debian 12) into every C++ program's image, redis-server's included.
//   - libgcc_s.so.1: glibc dlopens it to unwind in pthread_exit and pthread_cancel; included
//     when an object imports either and the system has it.
//   - /etc/ld.so.cache, so the guest's loader finds libraries where the closure found them
//     (libraries in ld.so.conf directories other than the defaults are found only through it).
//   For musl, /etc/ld-musl-x86_64.path when it exists.
#pragma once

#include "image/guest_tree.h"

#include <string>
#include <vector>

namespace ingot {

struct ClosureRequest {
    // The program, as a guest path (without --rootfs the same as its absolute host path).
    std::string program;
    // Guest paths of ELF files loaded with dlopen at run time (find_added_modules gives those
    // under the user's --add mappings), in the order they are loaded.
    std::vector<std::string> modules;
    // The host directory that is the guest's "/" where no mapping applies: "/" or --rootfs.
    std::string system_root = "/";
    // The user's --add HOST:GUEST mappings: files are looked up through them first.
    std::vector<PathMapping> added;
};

struct ClosureFile {
    std::string host_path;  // the bytes (a regular file; symlinks resolved)
    std::string guest_path; // canonical; the same as the host path without --rootfs or --add
};

struct LibraryClosure {
    std::string interpreter; // PT_INTERP; empty for a static program, which needs nothing
    // Regular files to put in the image, sorted by guest path, each once: the program, the
    // interpreter, libraries, modules glibc loads at run time and their data files. What lies
    // under one of the user's --add mappings is in the image already and is not listed.
    std::vector<ClosureFile> files;
    // The symlinks the loader goes through to reach them (e.g. /lib64/ld-linux-x86-64.so.2 ->
    // /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2, /lib -> usr/lib, libz.so.1 ->
    // libz.so.1.2.13), sorted by guest path, each once: create them as symlinks with these
    // targets so that the guest resolves the names the ELF files use as the host did.
    std::vector<GuestSymlink> symlinks;
};

// Throws UserError (the CLI exits 2) when the program or a module is missing or malformed, a
// library cannot be found ("libfoo.so.1, needed by /usr/bin/x, was not found"), the
// interpreter is missing, or /etc/ld.so.cache is corrupt.
LibraryClosure collect_library_closure(const ClosureRequest& request);

// Guest paths of the 64-bit x86-64 ELF objects in the user's --add mappings (files, and files
// in directories, recursively, symlinks not followed), sorted: the candidates for dlopen.
std::vector<std::string> find_added_modules(const std::vector<PathMapping>& added);

} // namespace ingot
