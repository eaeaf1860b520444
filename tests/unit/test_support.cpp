#include "test_support.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace ingot_test {

std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        ADD_FAILURE() << "cannot open test input " << path;
        return {};
    }
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

RedirectedDescriptor::RedirectedDescriptor(int fd, const std::string& input) : m_fd(fd) {
    std::fflush(nullptr);
    char name[] = "/tmp/ingot-unit-XXXXXX";
    m_file = ::mkstemp(name);
    if (m_file < 0)
        throw std::runtime_error("mkstemp failed");
    ::unlink(name);
    if (!input.empty() && ::write(m_file, input.data(), input.size()) != ssize_t(input.size()))
        throw std::runtime_error("write failed");
    ::lseek(m_file, 0, SEEK_SET);
    m_saved = ::dup(fd);
    ::dup2(m_file, fd);
}

RedirectedDescriptor::~RedirectedDescriptor() {
    std::fflush(nullptr);
    ::dup2(m_saved, m_fd);
    ::close(m_saved);
    ::close(m_file);
}

std::string RedirectedDescriptor::contents() const {
    std::string text;
    char buffer[4096];
    off_t offset = 0;
    for (;;) {
        ssize_t n = ::pread(m_file, buffer, sizeof buffer, offset);
        if (n <= 0)
            break;
        text.append(buffer, size_t(n));
        offset += n;
    }
    return text;
}

EmptyPipeStdin::EmptyPipeStdin() {
    int ends[2];
    if (::pipe(ends) != 0)
        throw std::runtime_error("pipe failed");
    m_saved = ::dup(STDIN_FILENO);
    ::dup2(ends[0], STDIN_FILENO);
    ::close(ends[0]);
    m_write_end = ends[1];
}

EmptyPipeStdin::~EmptyPipeStdin() {
    ::dup2(m_saved, STDIN_FILENO);
    ::close(m_saved);
    ::close(m_write_end);
}

std::vector<uint8_t> make_elf(uint16_t type, uint64_t entry, const std::vector<ElfSegment>& segments) {
    size_t headers_end = sizeof(Elf64_Ehdr) + segments.size() * sizeof(Elf64_Phdr);
    std::vector<uint8_t> bytes(headers_end, 0);
    Elf64_Ehdr header{};
    std::memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_ident[EI_DATA] = ELFDATA2LSB;
    header.e_ident[EI_VERSION] = EV_CURRENT;
    header.e_type = type;
    header.e_machine = EM_X86_64;
    header.e_version = EV_CURRENT;
    header.e_entry = entry;
    header.e_phoff = sizeof(Elf64_Ehdr);
    header.e_ehsize = sizeof(Elf64_Ehdr);
    header.e_phentsize = sizeof(Elf64_Phdr);
    header.e_phnum = static_cast<uint16_t>(segments.size());
    write_struct(std::span<uint8_t>(bytes), 0, header);
    for (size_t i = 0; i < segments.size(); ++i) {
        const auto& segment = segments[i];
        Elf64_Phdr program_header{};
        program_header.p_type = segment.type;
        program_header.p_flags = segment.flags;
        program_header.p_vaddr = program_header.p_paddr = segment.virtual_address;
        program_header.p_filesz = segment.data.size();
        program_header.p_memsz = segment.memory_size ? segment.memory_size : segment.data.size();
        program_header.p_align = 4096;
        if (!segment.data.empty()) {
            uint64_t offset = ((bytes.size() + 4095) & ~4095ull) + (segment.virtual_address & 4095);
            bytes.resize(offset, 0);
            bytes.insert(bytes.end(), segment.data.begin(), segment.data.end());
            program_header.p_offset = offset;
        }
        write_struct(std::span<uint8_t>(bytes), sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr),
                     program_header);
    }
    return bytes;
}

} // namespace ingot_test
