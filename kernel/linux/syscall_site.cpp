#include "linux/syscall_site.h"

#include "arch/x86_64/instruction_decoder.h"
#include "lib/string.h"

namespace kernel::syscall_site {

namespace {

constexpr uint8_t int3 = 0xcc;

void put32(uint8_t* out, int32_t value) {
    for (int i = 0; i < 4; ++i)
        out[i] = static_cast<uint8_t>(static_cast<uint32_t>(value) >> (8 * i));
}

int32_t displacement(uint64_t from, size_t length, uint64_t to) {
    return static_cast<int32_t>(static_cast<int64_t>(to - (from + length)));
}

} // namespace

ErrorOr<Plan> plan(const uint8_t* function, size_t syscall_offset) {
    size_t offset = 0, previous = 0;
    x86::DecodedInstruction before;
    while (offset < syscall_offset) {
        x86::DecodedInstruction instruction =
            x86::decode_instruction(function + offset, syscall_offset + syscall_length - offset);
        if (instruction.length == 0)
            return EINVAL;
        previous = offset;
        before = instruction;
        offset += instruction.length;
    }
    if (offset != syscall_offset || syscall_offset == 0 || function[offset] != 0x0f ||
        function[offset + 1] != 0x05)
        return EINVAL;
    if (before.length < jump_length || before.rip_relative || before.transfers_control)
        return ENOTSUP;
    return Plan{static_cast<uint8_t>(syscall_offset - previous)};
}

bool reaches(uint64_t from, size_t length, uint64_t to) {
    int64_t distance = static_cast<int64_t>(to - (from + length));
    return distance >= INT32_MIN && distance <= INT32_MAX;
}

void write_stub(uint8_t* stub, uint64_t stub_address, const uint8_t* moved, const Plan& plan,
                uint64_t syscall_address, uint64_t entry_slot) {
    memset(stub, int3, stub_size);
    memcpy(stub, moved, plan.length);
    uint8_t* lea = stub + plan.length; // lea resume(%rip), %rcx
    lea[0] = 0x48;
    lea[1] = 0x8d;
    lea[2] = 0x0d;
    put32(lea + 3, displacement(stub_address + plan.length, 7, syscall_address + syscall_length));
    uint8_t* jump = lea + 7; // jmp *entry_slot(%rip)
    jump[0] = 0xff;
    jump[1] = 0x25;
    put32(jump + 2, displacement(stub_address + plan.length + 7, 6, entry_slot));
}

void write_jump(uint8_t* code, uint64_t address, const Plan& plan, uint64_t stub_address) {
    memset(code, int3, plan.length);
    code[0] = 0xe9;
    put32(code + 1, displacement(address, jump_length, stub_address));
}

} // namespace kernel::syscall_site
