#include "support/file.h"

#include "support/error.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ingot {

namespace {

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    ~FileDescriptor() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int get() const { return m_fd; }

private:
    int m_fd;
};

int open_for_reading(const std::string& path, const char* what, struct stat& status) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("cannot open {} '{}': {}", what, path, system_error_text(errno));
    if (::fstat(fd, &status) != 0 || !S_ISREG(status.st_mode)) {
        ::close(fd);
        fail("{} '{}' is not a regular file", what, path);
    }
    return fd;
}

} // namespace

std::vector<uint8_t> read_file(const std::string& path, const char* what) {
    struct stat status;
    FileDescriptor fd(open_for_reading(path, what, status));
    std::vector<uint8_t> bytes(static_cast<size_t>(status.st_size));
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::read(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail("cannot read {} '{}': {}", what, path,
                 n == 0 ? "file shrank" : system_error_text(errno));
        done += static_cast<size_t>(n);
    }
    return bytes;
}

void write_file_atomically(const std::string& path, std::span<const uint8_t> bytes,
                           bool executable) {
    std::string temporary = path + ".tmp-XXXXXX";
    int fd = ::mkstemp(temporary.data());
    if (fd < 0)
        fail("cannot create '{}': {}", path, system_error_text(errno));
    FileDescriptor guard(fd);
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int error = errno;
            ::unlink(temporary.c_str());
            fail("cannot write '{}': {}", path, system_error_text(error));
        }
        done += static_cast<size_t>(n);
    }
    ::fchmod(fd, executable ? 0755 : 0644);
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        int error = errno;
        ::unlink(temporary.c_str());
        fail("cannot create '{}': {}", path, system_error_text(error));
    }
}

MappedFile::MappedFile(const std::string& path, const char* what) : m_path(path) {
    struct stat status;
    FileDescriptor fd(open_for_reading(path, what, status));
    m_size = static_cast<size_t>(status.st_size);
    if (m_size == 0)
        fail("{} '{}' is empty", what, path);
    void* data = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (data == MAP_FAILED)
        fail("cannot read {} '{}': {}", what, path, system_error_text(errno));
    m_data = static_cast<const uint8_t*>(data);
}

MappedFile::~MappedFile() {
    if (m_data)
        ::munmap(const_cast<uint8_t*>(m_data), m_size);
}

} // namespace ingot
