#include "sandbox/privileges.h"

#include "support/error.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace ingot {

namespace {

constexpr uid_t nobody = 65534;

bool has_effective(int capability) {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct sets[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capget, &header, sets) != 0)
        return false;
    return sets[capability / 32].effective & (1u << (capability % 32));
}

} // namespace

std::optional<UnprivilegedIdentity> identity_after_set_up() {
    // A root without CAP_SETUID and CAP_SETGID (a restricted container) cannot switch; it
    // still loses its capabilities and gets the filter.
    if (::geteuid() != 0 || !has_effective(CAP_SETUID) || !has_effective(CAP_SETGID))
        return std::nullopt;
    // Looked up now, before the sandbox: NSS opens files and may load modules.
    if (const passwd* entry = ::getpwnam("nobody"))
        return UnprivilegedIdentity{entry->pw_uid, entry->pw_gid};
    return UnprivilegedIdentity{nobody, nobody};
}

void become(const UnprivilegedIdentity& identity) {
    // A change of user clears the parent-death signal (prctl(2), PR_SET_PDEATHSIG): the one an
    // instance's supervisor set, so that its VM ends with it, is set again below.
    int parent_death_signal = 0;
    ::prctl(PR_GET_PDEATHSIG, &parent_death_signal);
    pid_t parent = ::getppid();
    if (::setgroups(0, nullptr) != 0)
        fail("cannot drop the supplementary groups: {}", system_error_text(errno));
    if (::setresgid(identity.gid, identity.gid, identity.gid) != 0)
        fail("cannot switch to group {}: {}", identity.gid, system_error_text(errno));
    if (::setresuid(identity.uid, identity.uid, identity.uid) != 0)
        fail("cannot switch to user {}: {}", identity.uid, system_error_text(errno));
    if (parent_death_signal) {
        ::prctl(PR_SET_PDEATHSIG, parent_death_signal, 0, 0, 0);
        if (::getppid() != parent) // the parent died while the signal was cleared
            ::raise(parent_death_signal);
    }
}

void forbid_new_privileges() {
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        fail("cannot set no_new_privs: {}", system_error_text(errno));
}

void drop_bounding_set() {
    // PR_CAPBSET_DROP fails (EPERM) without CAP_SETPCAP: then the thread holds no capability
    // it could keep, and under no_new_privs execve cannot add any from the bounding set.
    for (int capability = 0; ::prctl(PR_CAPBSET_READ, capability, 0, 0, 0) >= 0; ++capability)
        ::prctl(PR_CAPBSET_DROP, capability, 0, 0, 0);
}

void drop_capabilities() {
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3]{};
    if (::syscall(SYS_capset, &header, none) != 0)
        fail("cannot drop capabilities: {}", system_error_text(errno));
}

} // namespace ingot
