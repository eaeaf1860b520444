// Who the program is: process 1, root, on a machine named by the image.
#include "lib/format.h"
#include "lib/string.h"
#include "linux/machine_identity.h"
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

long sys_uname(SyscallFrame& f) {
    LinuxUtsname name{};
    copy_field(name.sysname, "Linux");
    copy_field(name.nodename, identity::hostname());
    copy_field(name.release, identity::os_release);
    copy_field(name.version, identity::os_version);
    copy_field(name.machine, "x86_64");
    copy_field(name.domainname, "(none)");
    return to_syscall_result(write_user(f.rdi, name));
}

long zero(SyscallFrame&) {
    return 0;
}
long one(SyscallFrame&) {
    return 1;
}

long sys_getresid(SyscallFrame& f) {
    const uint64_t addresses[] = {f.rdi, f.rsi, f.rdx};
    for (uint64_t address : addresses)
        TRY_SYSCALL(write_user(address, static_cast<uint32_t>(0)));
    return 0;
}

long sys_setid(SyscallFrame& f) {
    return f.rdi == 0 ? 0 : -EPERM;
}

long sys_umask(SyscallFrame& f) {
    uint32_t previous = file_mode_mask;
    file_mode_mask = static_cast<uint32_t>(f.rdi) & 0777;
    return previous;
}

long sys_setsid(SyscallFrame&) {
    return -EPERM;
}

long sys_wait4(SyscallFrame&) {
    return -ECHILD;
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

uint32_t file_creation_mask() {
    return file_mode_mask;
}

void register_identity_syscalls() {
    register_syscall(nr::uname, sys_uname);
    register_syscall(nr::getpid, one);
    register_syscall(nr::getppid, zero);
    register_syscall(nr::getpgrp, one);
    register_syscall(nr::getpgid, one);
    register_syscall(nr::getsid, one);
    register_syscall(nr::setsid, sys_setsid);
    register_syscall(nr::getuid, zero);
    register_syscall(nr::geteuid, zero);
    register_syscall(nr::getgid, zero);
    register_syscall(nr::getegid, zero);
    register_syscall(nr::getresuid, sys_getresid);
    register_syscall(nr::getresgid, sys_getresid);
    register_syscall(nr::setuid, sys_setid);
    register_syscall(nr::setgid, sys_setid);
    register_syscall(nr::getgroups, zero);
    register_syscall(nr::umask, sys_umask);
    register_syscall(nr::wait4, sys_wait4);
}

} // namespace kernel
