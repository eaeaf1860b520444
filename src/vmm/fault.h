// What a stopped vCPU says about why the program died, in the words and signal numbers a
// Linux user expects (segmentation fault, illegal instruction, ...).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace ingot {

struct FaultFacts {
    std::optional<uint8_t> vector; // the exception, when KVM reports it
    uint32_t error_code = 0;
    uint64_t cr2 = 0;
    uint64_t rsp = 0;
    bool emulation_failure = false;
    std::optional<std::array<uint8_t, 4>> instruction; // the first bytes at RIP
};

struct FaultVerdict {
    int signal;
    std::string description;
};

FaultVerdict classify_fault(const FaultFacts& facts);
const char* signal_description(int signal);

} // namespace ingot
