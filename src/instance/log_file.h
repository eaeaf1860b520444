// An instance's log: the program's stdout and stderr, one record a line, as podman's k8s-file
// driver writes them (and the CRI's logging format): "TIME STREAM F|P TEXT", TIME in RFC 3339
// with nanoseconds, P for a piece of a line longer than a record may be, F for the piece that
// ends it. The size is bounded: past the limit the file becomes FILE.1 (replacing the older
// one) and a new FILE starts, so at most twice the limit is kept.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ingot {

enum class LogStream { out, err };

struct LogRecord {
    std::string time;
    LogStream stream = LogStream::out;
    bool partial = false;
    std::string text;
};

std::string format_log_record(const LogRecord& record);
// One line of the file, without its newline; nothing for a line that is not a record.
std::optional<LogRecord> parse_log_record(std::string_view line);

class LogWriter {
public:
    static constexpr uint64_t default_limit = 1024 * 1024;
    static constexpr size_t longest_record = 16 * 1024;

    LogWriter(std::string path, uint64_t limit);
    ~LogWriter();
    LogWriter(const LogWriter&) = delete;
    LogWriter& operator=(const LogWriter&) = delete;

    // Bytes the program wrote on `stream`, at `now` (nanoseconds since the epoch): whole lines
    // are written at once, the rest waits for its end.
    void write(LogStream stream, std::string_view bytes, int64_t now);
    // The stream ended: what waits is written as a whole line.
    void finish(LogStream stream, int64_t now);

private:
    void emit(const LogRecord& record);
    void open_file();

    std::string m_path;
    uint64_t m_limit;
    int m_fd = -1;
    uint64_t m_size = 0;
    std::string m_pending[2];
};

// Reads the records of FILE.1 then FILE, and then follows FILE as it grows and across its
// rotation.
class LogReader {
public:
    explicit LogReader(std::string path);
    ~LogReader();
    LogReader(const LogReader&) = delete;
    LogReader& operator=(const LogReader&) = delete;

    // The records written since the last call (all of them at first).
    std::vector<LogRecord> read_new();

private:
    void read_from(int fd, std::vector<LogRecord>& records);

    std::string m_path;
    int m_fd = -1;
    ino_t m_inode = 0;
    std::string m_partial_line;
    bool m_started = false;
};

} // namespace ingot
