// The program's standard streams, carried to the host's by the platform console.
#pragma once

#include "fs/file.h"

namespace kernel {

class ConsoleFile final : public File {
public:
    explicit ConsoleFile(int stream) : m_stream(stream) {}

    FileKind kind() const override { return FileKind::Console; }
    ErrorOr<size_t> read(uint64_t user_buffer, size_t length) override;
    ErrorOr<size_t> write(uint64_t user_buffer, size_t length) override;
    ErrorOr<void> stat(LinuxStat& stat) override;
    size_t describe(char* buffer, size_t capacity) override;
    ErrorOr<long> ioctl(uint32_t request, uint64_t argument) override;
    uint32_t access_mode() const override { return m_stream == 0 ? o_rdonly : o_wronly; }
    uint32_t poll_events() override;
    Readiness* readiness() override;

private:
    bool is_terminal() const;
    int m_stream;
};

} // namespace kernel
