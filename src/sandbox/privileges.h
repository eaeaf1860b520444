// Giving up what set-up needed: root's identity and every capability.
#pragma once

#include <sys/types.h>

#include <optional>

namespace ingot {

// The identity a monitor started as root continues as once set-up is done.
struct UnprivilegedIdentity {
    uid_t uid;
    gid_t gid;
};

// `nobody` (65534 when the user database has none) when ingot runs as root and may switch
// users; nothing otherwise: an ordinary user has nothing to give up but capabilities.
std::optional<UnprivilegedIdentity> identity_after_set_up();

// Drops the supplementary groups, then the group, then the user (in that order: after setuid
// the rest would need privileges it no longer has). glibc applies each to every thread of
// the process (nptl's SIGSETXID broadcast); the kernel clears the permitted and effective
// capabilities of a thread whose user IDs all leave 0 (capabilities(7), "Effect of user ID
// changes on capabilities"). Throws UserError.
void become(const UnprivilegedIdentity& identity);

// Sets no_new_privs on the calling thread (and what it starts later, QEMU included): execve
// grants no privileges from set-user-ID bits or file capabilities. Throws UserError.
void forbid_new_privileges();

// Capabilities are per thread: each thread drops its own.
// Empties the calling thread's bounding set while it may (CAP_SETPCAP): before become().
void drop_bounding_set();
// Empties the calling thread's permitted, effective, inheritable and ambient sets. Throws
// UserError.
void drop_capabilities();

} // namespace ingot
