// 9P2000.L on the wire (the Linux kernel's Documentation/filesystems/9p.rst, and the protocol's
// description in diod's protocol.md): every message is size[4] type[1] tag[2] then its fields,
// little endian, strings as a 16-bit length and bytes without a NUL. One codec for both ends:
// the guest's client (kernel/fs/p9) and the hvt monitor's server (src/vmm/volume) build and
// take apart messages with these, so the two cannot disagree on a layout.
//
// Nothing a peer sends is trusted: a Reader never reads past the message it was given, and
// after the first field that does not fit it fails and stays failed (every later field reads
// as zero or empty), so a decoder checks ok() once at the end. A Writer never writes past its
// buffer and fails the same way. Plain C++ with no library: the host includes it as it is.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::p9 {

enum class MessageType : uint8_t {
    Rlerror = 7,
    Tstatfs = 8,
    Rstatfs = 9,
    Tlopen = 12,
    Rlopen = 13,
    Tlcreate = 14,
    Rlcreate = 15,
    Tsymlink = 16,
    Rsymlink = 17,
    Tmknod = 18,
    Rmknod = 19,
    Treadlink = 22,
    Rreadlink = 23,
    Tgetattr = 24,
    Rgetattr = 25,
    Tsetattr = 26,
    Rsetattr = 27,
    Txattrwalk = 30,
    Treaddir = 40,
    Rreaddir = 41,
    Tfsync = 50,
    Rfsync = 51,
    Tlink = 70,
    Rlink = 71,
    Tmkdir = 72,
    Rmkdir = 73,
    Trenameat = 74,
    Rrenameat = 75,
    Tunlinkat = 76,
    Runlinkat = 77,
    Tversion = 100,
    Rversion = 101,
    Tattach = 104,
    Rattach = 105,
    Twalk = 110,
    Rwalk = 111,
    Tread = 116,
    Rread = 117,
    Twrite = 118,
    Rwrite = 119,
    Tclunk = 120,
    Rclunk = 121,
};

inline constexpr char protocol_version[] = "9P2000.L";
inline constexpr size_t header_size = 7; // size[4] type[1] tag[2]
// The smallest msize either end accepts: room for a header and a useful read.
inline constexpr uint32_t minimum_message_size = 4096;
// The largest either end accepts: what one hvt exchange or one virtio chain carries.
inline constexpr uint32_t maximum_message_size = 128 * 1024;
inline constexpr uint16_t no_tag = 0xffff;     // Tversion's
inline constexpr uint32_t no_fid = 0xffffffff; // Tattach's afid: no authentication
// Twalk names at most 16 components (MAXWELEM).
inline constexpr uint16_t maximum_walk_names = 16;
// Bytes of Rread and Rwrite around their data: header, count[4].
inline constexpr size_t read_overhead = header_size + 4;
// Twrite's: header, fid[4] offset[8] count[4].
inline constexpr size_t write_overhead = header_size + 16;

// qid.type bits.
inline constexpr uint8_t qid_directory = 0x80;
inline constexpr uint8_t qid_symlink = 0x02;

struct Qid {
    uint8_t type = 0;
    uint32_t version = 0;
    uint64_t path = 0;
};
inline constexpr size_t qid_size = 13;

// Tgetattr's request_mask and Rgetattr's valid bits.
inline constexpr uint64_t getattr_basic = 0x7ff; // mode..blocks, as stat(2) has them

// Rgetattr's fields.
struct Attributes {
    uint64_t valid = 0;
    Qid qid;
    uint32_t mode = 0, uid = 0, gid = 0;
    uint64_t link_count = 0, rdev = 0, size = 0, block_size = 0, blocks = 0;
    uint64_t atime_seconds = 0, atime_nanoseconds = 0;
    uint64_t mtime_seconds = 0, mtime_nanoseconds = 0;
    uint64_t ctime_seconds = 0, ctime_nanoseconds = 0;
    uint64_t btime_seconds = 0, btime_nanoseconds = 0;
    uint64_t generation = 0, data_version = 0;
};

// Tsetattr's valid bits (the Linux client's P9_ATTR_*).
inline constexpr uint32_t setattr_mode = 1, setattr_uid = 2, setattr_gid = 4, setattr_size = 8,
                          setattr_atime = 16, setattr_mtime = 32, setattr_ctime = 64,
                          setattr_atime_set = 128, setattr_mtime_set = 256;

struct AttributeChange {
    uint32_t valid = 0;
    uint32_t mode = 0, uid = 0, gid = 0;
    uint64_t size = 0;
    uint64_t atime_seconds = 0, atime_nanoseconds = 0;
    uint64_t mtime_seconds = 0, mtime_nanoseconds = 0;
};

struct FileSystemStatistics {
    uint32_t type = 0, block_size = 0;
    uint64_t blocks = 0, free_blocks = 0, available_blocks = 0, files = 0, free_files = 0, fsid = 0;
    uint32_t name_length = 0;
};

// Tunlinkat's flag for rmdir: Linux's AT_REMOVEDIR.
inline constexpr uint32_t unlink_directory = 0x200;

// Tlopen and Tlcreate flags: Linux's open(2) values, which 9P2000.L carries as they are.
inline constexpr uint32_t open_read_only = 0, open_write_only = 1, open_read_write = 2,
                          open_access_mask = 3, open_create = 0100, open_exclusive = 0200,
                          open_truncate = 01000, open_append = 02000, open_directory = 0200000,
                          open_no_follow = 0400000;

struct Bytes {
    const uint8_t* data = nullptr;
    size_t length = 0;
};

struct Header {
    uint32_t size;
    MessageType type;
    uint16_t tag;
};

// The header of the message at the start of `data`: false unless its size is at least a
// header, at most `length` (what arrived) and at most `message_size` (the negotiated msize).
bool read_header(const uint8_t* data, size_t length, uint32_t message_size, Header& header);

class Reader {
public:
    // Over one message's fields: the bytes after its header, up to its declared size.
    Reader(const uint8_t* data, size_t length) : m_data(data), m_length(length) {}

    uint8_t u8();
    uint16_t u16();
    uint32_t u32();
    uint64_t u64();
    Qid qid();
    // A string or a run of bytes, pointing into the message.
    Bytes string();
    Bytes bytes(size_t count);

    bool ok() const { return !m_failed; }
    size_t remaining() const { return m_failed ? 0 : m_length - m_offset; }
    // Fails unless every byte was taken: a field a decoder does not know of is a malformed
    // message, never silently ignored.
    bool finished() const { return ok() && m_offset == m_length; }

private:
    const uint8_t* take(size_t count);

    const uint8_t* m_data;
    size_t m_length;
    size_t m_offset = 0;
    bool m_failed = false;
};

class Writer {
public:
    Writer(uint8_t* buffer, size_t capacity) : m_buffer(buffer), m_capacity(capacity) {}

    // Starts the one message this writer holds: its header, size left for finish().
    void begin(MessageType type, uint16_t tag);
    void u8(uint8_t value);
    void u16(uint16_t value);
    void u32(uint32_t value);
    void u64(uint64_t value);
    void qid(const Qid& value);
    // A string longer than 65535 bytes fails the writer.
    void string(const char* text, size_t length);
    void bytes(const void* data, size_t length);
    // Room for `length` bytes the caller fills in place (Rread's data); nullptr on failure.
    uint8_t* reserve(size_t length);
    // Drops the last `length` bytes written (what reserve() took but was not filled).
    void give_back(size_t length);
    // Overwrites the 32-bit field written at `offset` (a count known only afterwards).
    void patch_u32(size_t offset, uint32_t value);

    // Stores the size field: the message's length, or 0 when anything did not fit.
    size_t finish();
    bool ok() const { return !m_failed; }
    size_t length() const { return m_offset; }
    size_t room() const { return m_failed ? 0 : m_capacity - m_offset; }

private:
    uint8_t* take(size_t count);

    uint8_t* m_buffer;
    size_t m_capacity;
    size_t m_offset = 0;
    bool m_failed = false;
};

// The compound fields, in the order the protocol lays them out.
void write_attributes(Writer& writer, const Attributes& attributes);
Attributes read_attributes(Reader& reader);
void write_attribute_change(Writer& writer, const AttributeChange& change);
AttributeChange read_attribute_change(Reader& reader);
void write_statistics(Writer& writer, const FileSystemStatistics& statistics);
FileSystemStatistics read_statistics(Reader& reader);

// One Rreaddir entry: qid[13] offset[8] type[1] name[s].
struct DirectoryRecord {
    Qid qid;
    uint64_t offset; // where the next read continues
    uint8_t type;    // d_type: DT_DIR, DT_REG, ...
    Bytes name;
};
void write_directory_record(Writer& writer, const DirectoryRecord& record);
DirectoryRecord read_directory_record(Reader& reader);
inline size_t directory_record_size(size_t name_length) {
    return qid_size + 8 + 1 + 2 + name_length;
}

// A name one directory entry may have: not empty, not "." or "..", no '/' or NUL, at most
// 255 bytes (NAME_MAX). The server refuses any other in a walk or a create.
bool is_valid_name(Bytes name);

} // namespace kernel::p9
