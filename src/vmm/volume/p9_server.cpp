#include "vmm/volume/p9_server.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace ingot {

namespace p9 = kernel::p9;
using p9::MessageType;

namespace {

// Largest errno Linux has: a host error beyond it is not one the guest knows.
constexpr int highest_errno = 133;

int guest_errno(int error) {
    return error >= 1 && error <= highest_errno ? error : EIO;
}

// Every walk step and reopen: one name beneath a directory descriptor, no link followed, no
// /proc magic link, nothing above the starting point (openat2(2)).
int open_beneath(int directory, const std::string& name, int flags) {
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_NOFOLLOW | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd;
    do {
        fd = ::syscall(SYS_openat2, directory, name.c_str(), &how, sizeof how);
    } while (fd < 0 && errno == EINTR);
    return fd < 0 ? -errno : static_cast<int>(fd);
}

bool stat_of(int fd, struct stat& status) {
    return ::fstatat(fd, "", &status, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0;
}

p9::Qid qid_from(const struct stat& status) {
    p9::Qid qid;
    if (S_ISDIR(status.st_mode))
        qid.type = p9::qid_directory;
    else if (S_ISLNK(status.st_mode))
        qid.type = p9::qid_symlink;
    qid.path = status.st_ino;
    qid.version = static_cast<uint32_t>(status.st_mtim.tv_sec ^ status.st_mtim.tv_nsec);
    return qid;
}

bool is_device(mode_t mode) {
    return S_ISCHR(mode) || S_ISBLK(mode);
}

std::string to_string(p9::Bytes bytes) {
    return std::string(reinterpret_cast<const char*>(bytes.data), bytes.length);
}

// The open(2) flags a guest may ask for; the rest (O_CREAT in Tlopen, O_PATH, O_TMPFILE,
// O_ASYNC, ...) are dropped. O_NOFOLLOW and O_CLOEXEC are always added.
constexpr int allowed_open_flags =
    O_ACCMODE | O_TRUNC | O_APPEND | O_DIRECTORY | O_NOATIME | O_DSYNC | O_SYNC;

bool wants_write(int flags) {
    return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

} // namespace

P9Server::P9Server(int root, bool read_only) : m_root(root), m_read_only(read_only) {}

P9Server::~P9Server() {
    forget_all();
    ::close(m_root);
}

void P9Server::release(Fid& fid) {
    for (int fd : {fid.path, fid.parent, fid.open})
        if (fd >= 0)
            ::close(fd);
    fid = Fid{};
}

void P9Server::forget_all() {
    for (auto& [number, fid] : m_fids)
        release(fid);
    m_fids.clear();
}

P9Server::Fid* P9Server::find(uint32_t fid) {
    auto found = m_fids.find(fid);
    return found == m_fids.end() ? nullptr : &found->second;
}

size_t P9Server::serve(const uint8_t* request, size_t length, uint8_t* response, size_t capacity) {
    p9::Header header;
    uint16_t tag = p9::no_tag;
    if (length >= p9::header_size)
        tag = static_cast<uint16_t>(request[5] | request[6] << 8);
    Writer out(response, std::min<size_t>(capacity, m_message_size));
    int error = EINVAL;
    if (p9::read_header(request, length, m_message_size, header)) {
        Reader in(request + p9::header_size, header.size - p9::header_size);
        out.begin(static_cast<MessageType>(static_cast<uint8_t>(header.type) + 1), tag);
        switch (header.type) {
        case MessageType::Tversion:
            error = version(in, out);
            break;
        case MessageType::Tattach:
            error = attach(in, out);
            break;
        case MessageType::Twalk:
            error = walk(in, out);
            break;
        case MessageType::Tlopen:
            error = open(in, out);
            break;
        case MessageType::Tlcreate:
            error = create(in, out);
            break;
        case MessageType::Tread:
            error = read(in, out);
            break;
        case MessageType::Twrite:
            error = write(in, out);
            break;
        case MessageType::Tclunk:
            error = clunk(in, out);
            break;
        case MessageType::Tgetattr:
            error = get_attributes(in, out);
            break;
        case MessageType::Tsetattr:
            error = set_attributes(in, out);
            break;
        case MessageType::Treaddir:
            error = read_directory(in, out);
            break;
        case MessageType::Tmkdir:
            error = make_directory(in, out);
            break;
        case MessageType::Tsymlink:
            error = make_symlink(in, out);
            break;
        case MessageType::Tmknod:
            error = make_node(in, out);
            break;
        case MessageType::Treadlink:
            error = read_link(in, out);
            break;
        case MessageType::Tlink:
            error = link(in, out);
            break;
        case MessageType::Trenameat:
            error = rename(in, out);
            break;
        case MessageType::Tunlinkat:
            error = unlink(in, out);
            break;
        case MessageType::Tfsync:
            error = fsync(in, out);
            break;
        case MessageType::Tstatfs:
            error = statistics(in, out);
            break;
        default: // Txattrwalk and everything 9P2000.L has that volumes do without
            error = EOPNOTSUPP;
            break;
        }
        if (!error && !out.ok())
            error = EIO; // cannot happen while responses are bounded by msize
    }
    if (error) {
        out.begin(MessageType::Rlerror, tag);
        out.u32(static_cast<uint32_t>(guest_errno(error)));
    }
    return out.finish();
}

int P9Server::version(Reader& in, Writer& out) {
    uint32_t size = in.u32();
    p9::Bytes name = in.string();
    if (!in.finished())
        return EINVAL;
    // A new session: every fid of the last one is gone (version(5)).
    forget_all();
    m_message_size = std::clamp(size, p9::minimum_message_size, p9::maximum_message_size);
    out.u32(m_message_size);
    std::string offered = to_string(name);
    std::string answer = offered == p9::protocol_version ? offered : "unknown";
    out.string(answer.data(), answer.size());
    return 0;
}

int P9Server::attach(Reader& in, Writer& out) {
    uint32_t fid = in.u32();
    in.u32(); // afid: no authentication
    in.string();
    in.string(); // uname and aname: there is one tree, served as the monitor's user
    in.u32();
    if (!in.finished())
        return EINVAL;
    if (find(fid))
        return EBADF;
    if (m_fids.size() >= max_fids)
        return EMFILE;
    int path = open_beneath(m_root, ".", O_PATH | O_DIRECTORY);
    struct stat status;
    if (path < 0)
        return -path;
    if (!stat_of(path, status)) {
        int error = errno;
        ::close(path);
        return error;
    }
    m_fids[fid] = Fid{path, -1, "", -1, false};
    out.qid(qid_from(status));
    return 0;
}

int P9Server::walk(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    uint32_t new_number = in.u32();
    uint16_t count = in.u16();
    if (count > p9::maximum_walk_names)
        return EINVAL;
    std::vector<std::string> names;
    for (uint16_t i = 0; i < count; ++i) {
        p9::Bytes name = in.string();
        if (!in.ok())
            return EINVAL;
        if (!p9::is_valid_name(name))
            return ENOENT; // "..", "." and names with '/' lead nowhere in a walk
        names.push_back(to_string(name));
    }
    if (!in.finished())
        return EINVAL;
    Fid* from = find(number);
    if (!from || from->open >= 0)
        return EBADF; // 9P: an open fid cannot be walked
    if (new_number != number && find(new_number))
        return EBADF;
    if (new_number != number && m_fids.size() >= max_fids)
        return EMFILE;

    Fid walked;
    walked.path = ::fcntl(from->path, F_DUPFD_CLOEXEC, 0);
    if (walked.path < 0)
        return errno;
    if (from->parent >= 0) {
        walked.parent = ::fcntl(from->parent, F_DUPFD_CLOEXEC, 0);
        if (walked.parent < 0) {
            int error = errno;
            release(walked);
            return error;
        }
    }
    walked.name = from->name;
    std::vector<p9::Qid> qids;
    for (const auto& name : names) {
        int next = open_beneath(walked.path, name, O_PATH);
        struct stat status;
        if (next >= 0 && !stat_of(next, status)) {
            int error = errno;
            ::close(next);
            next = -error;
        }
        if (next < 0) {
            release(walked);
            if (qids.empty())
                return -next;
            break; // a partial walk: the qids so far, and no new fid
        }
        if (walked.parent >= 0)
            ::close(walked.parent);
        walked.parent = walked.path;
        walked.path = next;
        walked.name = name;
        qids.push_back(qid_from(status));
    }
    out.u16(static_cast<uint16_t>(qids.size()));
    for (const auto& qid : qids)
        out.qid(qid);
    if (qids.size() == names.size()) {
        if (new_number == number)
            release(*from);
        m_fids[new_number] = std::move(walked);
    }
    return 0;
}

int P9Server::reopen(const Fid& fid, int flags) {
    struct stat held;
    if (!stat_of(fid.path, held))
        return -errno;
    if (is_device(held.st_mode))
        return -EPERM;
    if (S_ISFIFO(held.st_mode) || S_ISSOCK(held.st_mode))
        return -ENXIO;
    if (S_ISLNK(held.st_mode))
        return -ELOOP;
    if (S_ISDIR(held.st_mode)) {
        // A directory opens through its own descriptor: "." cannot be anything else.
        int fd = open_beneath(fid.path, ".", flags | O_DIRECTORY);
        return fd;
    }
    if (fid.parent < 0)
        return -ESTALE;
    int fd = open_beneath(fid.parent, fid.name, flags);
    if (fd < 0)
        return fd;
    struct stat opened;
    if (::fstat(fd, &opened) != 0 || opened.st_dev != held.st_dev || opened.st_ino != held.st_ino) {
        ::close(fd);
        return -ESTALE; // the name now holds another file (a rename, or a swap by the host)
    }
    return fd;
}

int P9Server::open(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    int flags = static_cast<int>(in.u32()) & allowed_open_flags;
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid)
        return EBADF;
    if (fid->open >= 0)
        return EBADF;
    if (m_read_only && wants_write(flags))
        return EROFS;
    int fd = reopen(*fid, flags);
    if (fd < 0)
        return -fd;
    struct stat status;
    if (::fstat(fd, &status) != 0) {
        int error = errno;
        ::close(fd);
        return error;
    }
    fid->open = fd;
    fid->writable = (flags & O_ACCMODE) != O_RDONLY;
    out.qid(qid_from(status));
    out.u32(0); // iounit: whatever msize allows
    return 0;
}

int P9Server::directory_and_name(Reader& in, Fid*& directory, std::string& name) {
    uint32_t number = in.u32();
    p9::Bytes text = in.string();
    if (!in.ok())
        return EINVAL;
    directory = find(number);
    if (!directory)
        return EBADF;
    if (!p9::is_valid_name(text))
        return text.length > 255 ? ENAMETOOLONG : EINVAL;
    name = to_string(text);
    return 0;
}

p9::Qid P9Server::qid_of(int directory, const std::string& name, int& error) {
    struct stat status;
    if (::fstatat(directory, name.c_str(), &status, AT_SYMLINK_NOFOLLOW) != 0) {
        error = errno;
        return {};
    }
    error = 0;
    return qid_from(status);
}

int P9Server::create(Reader& in, Writer& out) {
    Fid* directory;
    std::string name;
    if (int error = directory_and_name(in, directory, name))
        return error;
    int flags = static_cast<int>(in.u32()) & allowed_open_flags & ~O_DIRECTORY;
    mode_t mode = in.u32() & 07777;
    in.u32(); // gid: files belong to the monitor's user
    if (!in.finished())
        return EINVAL;
    if (m_read_only)
        return EROFS;
    if (directory->open >= 0)
        return EBADF;
    open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC);
    how.mode = mode;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    long fd;
    do {
        fd = ::syscall(SYS_openat2, directory->path, name.c_str(), &how, sizeof how);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno;
    int path = open_beneath(directory->path, name, O_PATH);
    struct stat status;
    if (path < 0 || !stat_of(path, status)) {
        int error = path < 0 ? -path : errno;
        if (path >= 0)
            ::close(path);
        ::close(static_cast<int>(fd));
        return error;
    }
    // The directory's fid becomes the new file's (Tlcreate), open.
    if (directory->parent >= 0)
        ::close(directory->parent);
    directory->parent = directory->path;
    directory->path = path;
    directory->name = name;
    directory->open = static_cast<int>(fd);
    directory->writable = (flags & O_ACCMODE) != O_RDONLY;
    out.qid(qid_from(status));
    out.u32(0);
    return 0;
}

int P9Server::read(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    uint64_t offset = in.u64();
    uint32_t count = in.u32();
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid || fid->open < 0)
        return EBADF;
    if (offset > static_cast<uint64_t>(INT64_MAX))
        return EINVAL;
    size_t room = out.room() >= 4 ? out.room() - 4 : 0;
    size_t wanted = std::min<size_t>(count, room);
    size_t count_at = out.length();
    out.u32(0);
    uint8_t* data = out.reserve(wanted);
    if (!data)
        return EIO;
    ssize_t got;
    do {
        got = ::pread(fid->open, data, wanted, static_cast<off_t>(offset));
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return errno;
    // The data went straight into the response: give back what it did not fill.
    out.give_back(wanted - static_cast<size_t>(got));
    out.patch_u32(count_at, static_cast<uint32_t>(got));
    return 0;
}

int P9Server::write(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    uint64_t offset = in.u64();
    uint32_t count = in.u32();
    p9::Bytes data = in.bytes(count);
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid || fid->open < 0)
        return EBADF;
    if (m_read_only)
        return EROFS;
    if (!fid->writable)
        return EBADF;
    if (offset > static_cast<uint64_t>(INT64_MAX))
        return EINVAL;
    ssize_t written;
    do {
        written = ::pwrite(fid->open, data.data, data.length, static_cast<off_t>(offset));
    } while (written < 0 && errno == EINTR);
    if (written < 0)
        return errno;
    out.u32(static_cast<uint32_t>(written));
    return 0;
}

int P9Server::clunk(Reader& in, Writer&) {
    uint32_t number = in.u32();
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid)
        return EBADF;
    release(*fid);
    m_fids.erase(number);
    return 0;
}

int P9Server::get_attributes(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    in.u64(); // request_mask: the basic set is always there
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid)
        return EBADF;
    struct stat status;
    if (!stat_of(fid->path, status))
        return errno;
    p9::Attributes a;
    a.valid = p9::getattr_basic;
    a.qid = qid_from(status);
    a.mode = status.st_mode;
    a.uid = status.st_uid;
    a.gid = status.st_gid;
    a.link_count = status.st_nlink;
    a.rdev = status.st_rdev;
    a.size = static_cast<uint64_t>(status.st_size);
    a.block_size = static_cast<uint64_t>(status.st_blksize);
    a.blocks = static_cast<uint64_t>(status.st_blocks);
    a.atime_seconds = static_cast<uint64_t>(status.st_atim.tv_sec);
    a.atime_nanoseconds = static_cast<uint64_t>(status.st_atim.tv_nsec);
    a.mtime_seconds = static_cast<uint64_t>(status.st_mtim.tv_sec);
    a.mtime_nanoseconds = static_cast<uint64_t>(status.st_mtim.tv_nsec);
    a.ctime_seconds = static_cast<uint64_t>(status.st_ctim.tv_sec);
    a.ctime_nanoseconds = static_cast<uint64_t>(status.st_ctim.tv_nsec);
    p9::write_attributes(out, a);
    return 0;
}

int P9Server::set_attributes(Reader& in, Writer&) {
    uint32_t number = in.u32();
    p9::AttributeChange change = p9::read_attribute_change(in);
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid)
        return EBADF;
    if (m_read_only)
        return EROFS;
    if (change.valid & (p9::setattr_uid | p9::setattr_gid)) {
        uid_t uid = change.valid & p9::setattr_uid ? change.uid : static_cast<uid_t>(-1);
        gid_t gid = change.valid & p9::setattr_gid ? change.gid : static_cast<gid_t>(-1);
        if (::fchownat(fid->path, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
            return errno;
    }
    constexpr uint32_t needs_open =
        p9::setattr_mode | p9::setattr_size | p9::setattr_atime | p9::setattr_mtime;
    if (!(change.valid & needs_open))
        return 0;
    // chmod, truncate and utimes take a real descriptor: the fid's own when it has a writable
    // one, else the file opened again beneath its directory.
    int fd = fid->open >= 0 && fid->writable ? fid->open : -1;
    int owned = -1;
    if (fd < 0) {
        owned = reopen(*fid, change.valid & p9::setattr_size ? O_WRONLY : O_RDONLY);
        if (owned == -EACCES && !(change.valid & p9::setattr_size))
            owned = reopen(*fid, O_WRONLY);
        if (owned < 0)
            return -owned;
        fd = owned;
    }
    int error = 0;
    if ((change.valid & p9::setattr_mode) && ::fchmod(fd, change.mode & 07777) != 0)
        error = errno;
    if (!error && (change.valid & p9::setattr_size) &&
        ::ftruncate(fd, static_cast<off_t>(std::min<uint64_t>(change.size, INT64_MAX))) != 0)
        error = errno;
    if (!error && (change.valid & (p9::setattr_atime | p9::setattr_mtime))) {
        timespec times[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
        if (change.valid & p9::setattr_atime)
            times[0] = change.valid & p9::setattr_atime_set
                           ? timespec{static_cast<time_t>(change.atime_seconds),
                                      static_cast<long>(change.atime_nanoseconds % 1000000000)}
                           : timespec{0, UTIME_NOW};
        if (change.valid & p9::setattr_mtime)
            times[1] = change.valid & p9::setattr_mtime_set
                           ? timespec{static_cast<time_t>(change.mtime_seconds),
                                      static_cast<long>(change.mtime_nanoseconds % 1000000000)}
                           : timespec{0, UTIME_NOW};
        if (::futimens(fd, times) != 0)
            error = errno;
    }
    if (owned >= 0)
        ::close(owned);
    return error;
}

int P9Server::read_directory(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    uint64_t offset = in.u64();
    uint32_t count = in.u32();
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid || fid->open < 0)
        return EBADF;
    if (offset > static_cast<uint64_t>(INT64_MAX))
        return EINVAL;
    size_t room = out.room() >= 4 ? out.room() - 4 : 0;
    size_t budget = std::min<size_t>(count, room);
    if (::lseek(fid->open, static_cast<off_t>(offset), SEEK_SET) < 0)
        return errno;
    std::vector<uint8_t> entries(std::max<size_t>(budget, 1024));
    long got = ::syscall(SYS_getdents64, fid->open, entries.data(), entries.size());
    if (got < 0)
        return errno;
    std::vector<uint8_t> records(budget);
    Writer packed(records.data(), records.size());
    for (long at = 0; at < got;) {
        dirent64 entry;
        std::memcpy(&entry, entries.data() + at, offsetof(dirent64, d_name));
        const char* name =
            reinterpret_cast<const char*>(entries.data() + at) + offsetof(dirent64, d_name);
        size_t name_length = ::strnlen(name, entry.d_reclen - offsetof(dirent64, d_name));
        if (packed.room() < p9::directory_record_size(name_length))
            break;
        p9::DirectoryRecord record;
        record.qid.path = entry.d_ino;
        record.qid.type = entry.d_type == DT_DIR   ? p9::qid_directory
                          : entry.d_type == DT_LNK ? p9::qid_symlink
                                                   : 0;
        record.offset = static_cast<uint64_t>(entry.d_off);
        record.type = entry.d_type;
        record.name = {reinterpret_cast<const uint8_t*>(name), name_length};
        p9::write_directory_record(packed, record);
        at += entry.d_reclen;
    }
    out.u32(static_cast<uint32_t>(packed.length()));
    out.bytes(records.data(), packed.length());
    return 0;
}

int P9Server::make_directory(Reader& in, Writer& out) {
    Fid* directory;
    std::string name;
    if (int error = directory_and_name(in, directory, name))
        return error;
    mode_t mode = in.u32() & 07777;
    in.u32();
    if (!in.finished())
        return EINVAL;
    if (m_read_only)
        return EROFS;
    if (::mkdirat(directory->path, name.c_str(), mode) != 0)
        return errno;
    int error;
    p9::Qid qid = qid_of(directory->path, name, error);
    out.qid(qid);
    return error;
}

int P9Server::make_symlink(Reader& in, Writer& out) {
    Fid* directory;
    std::string name;
    if (int error = directory_and_name(in, directory, name))
        return error;
    p9::Bytes target = in.string();
    in.u32();
    if (!in.finished())
        return EINVAL;
    if (m_read_only)
        return EROFS;
    if (target.length == 0 || std::memchr(target.data, 0, target.length))
        return target.length ? EINVAL : ENOENT;
    // The target is only text: the server never follows a link, so it may point anywhere.
    if (::symlinkat(to_string(target).c_str(), directory->path, name.c_str()) != 0)
        return errno;
    int error;
    p9::Qid qid = qid_of(directory->path, name, error);
    out.qid(qid);
    return error;
}

int P9Server::make_node(Reader& in, Writer& out) {
    Fid* directory;
    std::string name;
    if (int error = directory_and_name(in, directory, name))
        return error;
    mode_t mode = in.u32();
    in.u32();
    in.u32(); // major and minor: no devices
    in.u32();
    if (!in.finished())
        return EINVAL;
    if (m_read_only)
        return EROFS;
    if (!S_ISFIFO(mode) && !S_ISSOCK(mode) && !S_ISREG(mode))
        return EPERM; // device nodes would reach the host's devices
    if (::mknodat(directory->path, name.c_str(), mode & (S_IFMT | 07777), 0) != 0)
        return errno;
    int error;
    p9::Qid qid = qid_of(directory->path, name, error);
    out.qid(qid);
    return error;
}

int P9Server::read_link(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid)
        return EBADF;
    char target[PATH_MAX];
    ssize_t length = ::readlinkat(fid->path, "", target, sizeof target);
    if (length < 0)
        return errno;
    out.string(target, static_cast<size_t>(length));
    return 0;
}

int P9Server::link(Reader& in, Writer&) {
    uint32_t directory_number = in.u32();
    uint32_t target_number = in.u32();
    p9::Bytes text = in.string();
    if (!in.finished())
        return EINVAL;
    Fid* directory = find(directory_number);
    Fid* target = find(target_number);
    if (!directory || !target)
        return EBADF;
    if (!p9::is_valid_name(text))
        return EINVAL;
    if (m_read_only)
        return EROFS;
    if (target->parent < 0)
        return EPERM; // the volume's root
    // linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH: the target is linked by its name,
    // without following it (flags 0), so what gets linked lies in the volume whatever the
    // name holds now.
    if (::linkat(target->parent, target->name.c_str(), directory->path, to_string(text).c_str(),
                 0) != 0)
        return errno;
    return 0;
}

int P9Server::rename(Reader& in, Writer&) {
    uint32_t old_number = in.u32();
    p9::Bytes old_name = in.string();
    uint32_t new_number = in.u32();
    p9::Bytes new_name = in.string();
    if (!in.finished())
        return EINVAL;
    Fid* old_directory = find(old_number);
    Fid* new_directory = find(new_number);
    if (!old_directory || !new_directory)
        return EBADF;
    if (!p9::is_valid_name(old_name) || !p9::is_valid_name(new_name))
        return EINVAL;
    if (m_read_only)
        return EROFS;
    std::string from = to_string(old_name), to = to_string(new_name);
    if (::renameat(old_directory->path, from.c_str(), new_directory->path, to.c_str()) != 0)
        return errno;
    // Fids walked to the moved entry follow it, so they can still be opened by name.
    struct stat old_parent, new_parent, parent;
    if (stat_of(old_directory->path, old_parent) && stat_of(new_directory->path, new_parent))
        for (auto& [number, fid] : m_fids)
            if (fid.parent >= 0 && fid.name == from && stat_of(fid.parent, parent) &&
                parent.st_dev == old_parent.st_dev && parent.st_ino == old_parent.st_ino) {
                int moved = ::fcntl(new_directory->path, F_DUPFD_CLOEXEC, 0);
                if (moved < 0)
                    continue;
                ::close(fid.parent);
                fid.parent = moved;
                fid.name = to;
            }
    return 0;
}

int P9Server::unlink(Reader& in, Writer&) {
    Fid* directory;
    std::string name;
    if (int error = directory_and_name(in, directory, name))
        return error;
    uint32_t flags = in.u32();
    if (!in.finished())
        return EINVAL;
    if (m_read_only)
        return EROFS;
    if (::unlinkat(directory->path, name.c_str(),
                   flags & p9::unlink_directory ? AT_REMOVEDIR : 0) != 0)
        return errno;
    return 0;
}

int P9Server::fsync(Reader& in, Writer&) {
    uint32_t number = in.u32();
    uint32_t data_only = in.u32();
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid || fid->open < 0)
        return EBADF;
    if ((data_only ? ::fdatasync(fid->open) : ::fsync(fid->open)) != 0)
        return errno;
    return 0;
}

int P9Server::statistics(Reader& in, Writer& out) {
    uint32_t number = in.u32();
    if (!in.finished())
        return EINVAL;
    Fid* fid = find(number);
    if (!fid)
        return EBADF;
    struct statfs host;
    if (::fstatfs(fid->path, &host) != 0)
        return errno;
    p9::FileSystemStatistics s;
    s.type = static_cast<uint32_t>(host.f_type);
    s.block_size = static_cast<uint32_t>(host.f_bsize);
    s.blocks = host.f_blocks;
    s.free_blocks = host.f_bfree;
    s.available_blocks = host.f_bavail;
    s.files = host.f_files;
    s.free_files = host.f_ffree;
    s.name_length = static_cast<uint32_t>(host.f_namelen);
    p9::write_statistics(out, s);
    return 0;
}

} // namespace ingot
