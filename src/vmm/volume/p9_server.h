// The hvt monitor's 9P2000.L server for one volume (`-v HOST:GUEST[:ro]`): the guest's client
// (kernel/fs/p9) speaks to it one message at a time, and both ends use the one codec
// (kernel/fs/p9/wire.h).
//
// The guest is untrusted, so nothing it sends reaches outside the volume:
// - a fid is a descriptor, never a path: each walk step opens one validated name (no "/", no
//   "." or "..") beneath the directory it starts from with openat2(RESOLVE_BENEATH |
//   RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS) and O_NOFOLLOW, so a symbolic link is walked
//   to as itself (the guest reads it and resolves it in its own tree) and no rename or link
//   swapped in meanwhile by anyone can lead elsewhere;
// - what must be opened for real (Tlopen, Tsetattr) is opened again by name beneath its
//   parent the same way and must be the same file (device and inode) the fid holds, else
//   ESTALE;
// - device nodes are neither opened nor created (EPERM), FIFOs and sockets not opened (ENXIO);
// - every length and count is bounded by the message it arrived in and by msize; a message
//   that does not parse is answered EINVAL; fids are looked up, never trusted, and bounded in
//   number (EMFILE).
// Host errors are Linux errnos, as the guest's are: they pass through.
#pragma once

#include "fs/p9/wire.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace ingot {

class P9Server {
public:
    // Most fids one guest may hold at once: each may hold three host descriptors.
    static constexpr size_t max_fids = 1024;

    // `root`: the volume's directory, opened O_PATH | O_DIRECTORY before the monitor dropped
    // its privileges; the server takes it over.
    P9Server(int root, bool read_only);
    ~P9Server();
    P9Server(const P9Server&) = delete;
    P9Server& operator=(const P9Server&) = delete;

    // One request in, its response out (at most `capacity` bytes, at least p9::header_size +
    // 4 for an Rlerror): returns the response's length. Never reads or writes outside the two
    // buffers, which must not overlap.
    size_t serve(const uint8_t* request, size_t length, uint8_t* response, size_t capacity);

    size_t fid_count() const { return m_fids.size(); }

private:
    struct Fid {
        int path = -1;   // O_PATH descriptor of the file itself
        int parent = -1; // O_PATH descriptor of its directory (-1 for the root)
        std::string name;
        int open = -1; // after Tlopen or Tlcreate
        bool writable = false;
    };
    using Reader = kernel::p9::Reader;
    using Writer = kernel::p9::Writer;

    // Each returns 0 with the response's fields written, or a Linux errno for Rlerror.
    int version(Reader& in, Writer& out);
    int attach(Reader& in, Writer& out);
    int walk(Reader& in, Writer& out);
    int open(Reader& in, Writer& out);
    int create(Reader& in, Writer& out);
    int read(Reader& in, Writer& out);
    int write(Reader& in, Writer& out);
    int clunk(Reader& in, Writer& out);
    int get_attributes(Reader& in, Writer& out);
    int set_attributes(Reader& in, Writer& out);
    int read_directory(Reader& in, Writer& out);
    int make_directory(Reader& in, Writer& out);
    int make_symlink(Reader& in, Writer& out);
    int make_node(Reader& in, Writer& out);
    int read_link(Reader& in, Writer& out);
    int link(Reader& in, Writer& out);
    int rename(Reader& in, Writer& out);
    int unlink(Reader& in, Writer& out);
    int fsync(Reader& in, Writer& out);
    int statistics(Reader& in, Writer& out);

    Fid* find(uint32_t fid);
    // A directory's fid and a new entry's name in it, checked; errno or 0.
    int directory_and_name(Reader& in, Fid*& directory, std::string& name);
    // The fid's file opened for real with `flags`: a descriptor, or -errno.
    int reopen(const Fid& fid, int flags);
    // The qid of `name` in the directory `directory` (not following a link), or -errno in
    // `error`.
    kernel::p9::Qid qid_of(int directory, const std::string& name, int& error);
    void release(Fid& fid);
    void forget_all();

    int m_root;
    bool m_read_only;
    uint32_t m_message_size = kernel::p9::maximum_message_size;
    std::map<uint32_t, Fid> m_fids;
};

} // namespace ingot
