// Who the program is: process 1, root, on a machine named by the image.
#include "lib/format.h"
#include "lib/string.h"
#include "linux/program_identity.h"
#include "linux/syscall_table.h"
#include "mm/user_memory.h"

namespace kernel {

namespace {

char exe_path[256] = "/program";
uint32_t file_mode_mask = 022;

struct LinuxUtsname {
    char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

void copy_field(char (&field)[65], const char* text) {
    size_t length = strlen(text);
    if (length > 64)
        length = 64;
    memcpy(field, text, length);
    field[length] = 0;
}

// The real, effective and saved ids: root's.
ErrorOr<long> write_root_ids(UserPointer real, UserPointer effective, UserPointer saved) {
    const UserPointer addresses[] = {real, effective, saved};
    for (UserPointer address : addresses)
        TRY(write_user(address.address, static_cast<uint32_t>(0)));
    return 0;
}

// The program stays root: becoming another user or group is refused.
ErrorOr<long> set_root_id(unsigned id) {
    if (id != 0)
        return EPERM;
    return 0;
}

} // namespace

void set_program_path(const char* argv0) {
    if (argv0[0] == '/')
        format(exe_path, sizeof exe_path, "%s", argv0);
    else
        format(exe_path, sizeof exe_path, "/%s", argv0);
}

const char* program_path() {
    return exe_path;
}

ErrorOr<long> sys_uname(UserPointer user_name) {
    LinuxUtsname name{};
    copy_field(name.sysname, "Linux");
    copy_field(name.nodename, "ingot");
    // A release new enough for every C library's feature checks.
    copy_field(name.release, "6.1.0-ingot");
    copy_field(name.version, "#1 Ingot unikernel");
    copy_field(name.machine, "x86_64");
    copy_field(name.domainname, "(none)");
    return as_syscall_result(write_user(user_name.address, name));
}

// The program is process 1, its own process group and session, with no parent.
ErrorOr<long> sys_getpid() {
    return 1;
}

ErrorOr<long> sys_getppid() {
    return 0;
}

ErrorOr<long> sys_getpgrp() {
    return 1;
}

ErrorOr<long> sys_getpgid(int) {
    return 1;
}

ErrorOr<long> sys_getsid(int) {
    return 1;
}

ErrorOr<long> sys_setsid() {
    return EPERM;
}

ErrorOr<long> sys_getuid() {
    return 0;
}

ErrorOr<long> sys_geteuid() {
    return 0;
}

ErrorOr<long> sys_getgid() {
    return 0;
}

ErrorOr<long> sys_getegid() {
    return 0;
}

ErrorOr<long> sys_getresuid(UserPointer real, UserPointer effective, UserPointer saved) {
    return write_root_ids(real, effective, saved);
}

ErrorOr<long> sys_getresgid(UserPointer real, UserPointer effective, UserPointer saved) {
    return write_root_ids(real, effective, saved);
}

ErrorOr<long> sys_setuid(unsigned uid) {
    return set_root_id(uid);
}

ErrorOr<long> sys_setgid(unsigned gid) {
    return set_root_id(gid);
}

// No supplementary groups.
ErrorOr<long> sys_getgroups(int, UserPointer) {
    return 0;
}

ErrorOr<long> sys_umask(unsigned mask) {
    uint32_t previous = file_mode_mask;
    file_mode_mask = mask & 0777;
    return previous;
}

// The program has no children to wait for.
ErrorOr<long> sys_wait4(int, UserPointer, int, UserPointer) {
    return ECHILD;
}

} // namespace kernel
