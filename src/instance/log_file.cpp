#include "instance/log_file.h"

#include "instance/instance_record.h"
#include "support/error.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fmt/format.h>

namespace ingot {

namespace {

void write_all(int fd, std::string_view text) {
    while (!text.empty()) {
        ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return; // a full disk loses log lines, never the instance
        }
        text.remove_prefix(static_cast<size_t>(written));
    }
}

} // namespace

std::string format_log_record(const LogRecord& record) {
    return fmt::format("{} {} {} {}\n", record.time,
                       record.stream == LogStream::out ? "stdout" : "stderr",
                       record.partial ? 'P' : 'F', record.text);
}

std::optional<LogRecord> parse_log_record(std::string_view line) {
    LogRecord record;
    size_t first = line.find(' ');
    if (first == std::string_view::npos)
        return std::nullopt;
    record.time = std::string(line.substr(0, first));
    std::string_view rest = line.substr(first + 1);
    if (rest.starts_with("stdout "))
        record.stream = LogStream::out;
    else if (rest.starts_with("stderr "))
        record.stream = LogStream::err;
    else
        return std::nullopt;
    rest.remove_prefix(7);
    if (rest.size() < 2 || (rest[0] != 'F' && rest[0] != 'P') || rest[1] != ' ')
        return std::nullopt;
    record.partial = rest[0] == 'P';
    record.text = std::string(rest.substr(2));
    return record;
}

LogWriter::LogWriter(std::string path, uint64_t limit) : m_path(std::move(path)), m_limit(limit) {
    open_file();
}

LogWriter::~LogWriter() {
    if (m_fd >= 0)
        close(m_fd);
}

void LogWriter::open_file() {
    m_fd = open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (m_fd < 0)
        fail("cannot open the log {}: {}", m_path, system_error_text(errno));
    struct stat status {};
    m_size = fstat(m_fd, &status) == 0 ? static_cast<uint64_t>(status.st_size) : 0;
}

void LogWriter::emit(const LogRecord& record) {
    std::string line = format_log_record(record);
    if (m_size > 0 && m_size + line.size() > m_limit) {
        close(m_fd);
        rename(m_path.c_str(), (m_path + ".1").c_str());
        open_file();
    }
    write_all(m_fd, line);
    m_size += line.size();
}

void LogWriter::write(LogStream stream, std::string_view bytes, int64_t now) {
    std::string& pending = m_pending[static_cast<int>(stream)];
    std::string time = format_time(now);
    while (!bytes.empty()) {
        size_t newline = bytes.find('\n');
        if (newline == std::string_view::npos) {
            pending.append(bytes);
            bytes = {};
        } else {
            pending.append(bytes.substr(0, newline));
            bytes.remove_prefix(newline + 1);
            while (pending.size() > longest_record) {
                emit({time, stream, true, pending.substr(0, longest_record)});
                pending.erase(0, longest_record);
            }
            emit({time, stream, false, pending});
            pending.clear();
        }
        while (pending.size() > longest_record) {
            emit({time, stream, true, pending.substr(0, longest_record)});
            pending.erase(0, longest_record);
        }
    }
}

void LogWriter::finish(LogStream stream, int64_t now) {
    std::string& pending = m_pending[static_cast<int>(stream)];
    if (pending.empty())
        return;
    emit({format_time(now), stream, false, pending});
    pending.clear();
}

LogReader::LogReader(std::string path) : m_path(std::move(path)) {}

LogReader::~LogReader() {
    if (m_fd >= 0)
        close(m_fd);
}

void LogReader::read_from(int fd, std::vector<LogRecord>& records) {
    char buffer[65536];
    for (;;) {
        ssize_t got = read(fd, buffer, sizeof buffer);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return;
        m_partial_line.append(buffer, static_cast<size_t>(got));
        size_t start = 0;
        for (size_t newline; (newline = m_partial_line.find('\n', start)) != std::string::npos;
             start = newline + 1)
            if (auto record = parse_log_record(
                    std::string_view(m_partial_line).substr(start, newline - start)))
                records.push_back(std::move(*record));
        m_partial_line.erase(0, start);
    }
}

std::vector<LogRecord> LogReader::read_new() {
    std::vector<LogRecord> records;
    if (!m_started) {
        m_started = true;
        int older = open((m_path + ".1").c_str(), O_RDONLY | O_CLOEXEC);
        if (older >= 0) {
            read_from(older, records);
            m_partial_line.clear();
            close(older);
        }
    }
    for (;;) {
        if (m_fd >= 0)
            read_from(m_fd, records);
        struct stat current {};
        if (stat(m_path.c_str(), &current) != 0 || (m_fd >= 0 && current.st_ino == m_inode))
            return records;
        // Not open yet, or rotated: what the old file held was read above; go on with the new.
        if (m_fd >= 0)
            close(m_fd);
        m_partial_line.clear();
        m_fd = open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0)
            return records;
        struct stat opened {};
        fstat(m_fd, &opened);
        m_inode = opened.st_ino;
    }
}

} // namespace ingot
