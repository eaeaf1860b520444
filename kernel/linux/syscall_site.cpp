#include "linux/syscall_site.h"

#include "arch/x86_64/instruction_decoder.h"
#include "lib/string.h"

namespace kernel::syscall_site {

namespace {

constexpr uint8_t int3 = 0xcc;
constexpr uint8_t short_jump = 0xeb;
// The reach of the short jump that replaces the syscall, counted from its end.
constexpr int64_t short_reach_back = -128, short_reach_forward = 127;

void put32(uint8_t* out, int32_t value) {
    for (int i = 0; i < 4; ++i)
        out[i] = static_cast<uint8_t>(static_cast<uint32_t>(value) >> (8 * i));
}

int32_t read32(const uint8_t* bytes) {
    uint32_t value = 0;
    for (int i = 0; i < 4; ++i)
        value |= uint32_t(bytes[i]) << (8 * i);
    return static_cast<int32_t>(value);
}

int32_t displacement(uint64_t from, size_t length, uint64_t to) {
    return static_cast<int32_t>(static_cast<int64_t>(to - (from + length)));
}

// A run of dead bytes: [start, end) of the function's bytes, all nop or int3 instructions,
// after an instruction control never falls through from.
struct Run {
    size_t start;
    size_t end;
    bool lands_a_branch = false;
};

class Runs {
public:
    void add(size_t start, size_t end) {
        if (end - start >= jump_length && m_count < capacity)
            m_runs[m_count++] = {start, end};
    }
    // A branch of the function lands on `target` (from the function's start, maybe outside).
    void branch_to(int64_t target) {
        for (size_t i = 0; i < m_count; ++i) {
            if (target >= int64_t(m_runs[i].start) && target < int64_t(m_runs[i].end))
                m_runs[i].lands_a_branch = true;
        }
    }
    // A jump table may land anywhere before `end`.
    void branches_anywhere_before(size_t end) {
        for (size_t i = 0; i < m_count; ++i) {
            if (m_runs[i].start < end)
                m_runs[i].lands_a_branch = true;
        }
    }
    // The first run the short jump at `syscall_offset` reaches that no branch lands on.
    const Run* usable(size_t syscall_offset) const {
        int64_t from = int64_t(syscall_offset + syscall_length);
        for (size_t i = 0; i < m_count; ++i) {
            int64_t distance = int64_t(m_runs[i].start) - from;
            if (!m_runs[i].lands_a_branch && distance >= short_reach_back &&
                distance <= short_reach_forward)
                return &m_runs[i];
        }
        return nullptr;
    }

private:
    static constexpr size_t capacity = 16;
    Run m_runs[capacity];
    size_t m_count = 0;
};

bool is_padding(const x86::DecodedInstruction& instruction, const uint8_t* bytes) {
    return instruction.is_nop || (instruction.length == 1 && bytes[0] == int3);
}

// The dead bytes from `offset` on (up to `end`): nops and int3, as long as they decode.
size_t padding_end(const uint8_t* function, size_t offset, size_t end) {
    while (offset < end) {
        x86::DecodedInstruction instruction =
            x86::decode_instruction(function + offset, end - offset);
        if (instruction.length == 0 || !is_padding(instruction, function + offset))
            break;
        offset += instruction.length;
    }
    return offset;
}

} // namespace

ErrorOr<Plan> plan(const uint8_t* function, size_t length, size_t trailing, size_t syscall_offset) {
    if (syscall_offset + syscall_length > length)
        return EINVAL;
    // Decode the whole function once: where its instructions begin, the one before the
    // syscall, the dead runs within reach, and whether a jump table may land anywhere.
    Runs runs;
    x86::DecodedInstruction before, last;
    size_t before_offset = 0, offset = 0;
    bool found = false, indirect_jump = false;
    while (offset < length) {
        x86::DecodedInstruction instruction =
            x86::decode_instruction(function + offset, length - offset);
        if (instruction.length == 0)
            return EINVAL;
        if (offset == syscall_offset)
            found = function[offset] == 0x0f && function[offset + 1] == 0x05;
        else if (offset + instruction.length == syscall_offset)
            before = instruction, before_offset = offset;
        indirect_jump |= instruction.indirect_jump;
        last = instruction;
        offset += instruction.length;
        if (instruction.ends_flow && offset < length) {
            size_t end = padding_end(function, offset, length);
            runs.add(offset, end);
            offset = end;
        }
    }
    if (!found || offset != length)
        return EINVAL;
    if (before.length >= jump_length && !before.transfers_control)
        return Plan{Plan::Kind::Moved, uint8_t(syscall_offset - before_offset),
                    before.rip_relative ? before.rip_displacement_at : uint8_t(0), 0, 0};

    // Dead bytes after the function, when its last instruction does not fall into them.
    if (last.ends_flow)
        runs.add(length, padding_end(function, length, length + trailing));
    // A jump table may send control to any byte: then only the bytes after the function are
    // sure to be dead.
    if (indirect_jump)
        runs.branches_anywhere_before(length);
    for (offset = 0; offset < length;) {
        x86::DecodedInstruction instruction =
            x86::decode_instruction(function + offset, length - offset);
        offset += instruction.length;
        if (instruction.relative_branch)
            runs.branch_to(int64_t(offset) + instruction.displacement);
    }
    const Run* run = runs.usable(syscall_offset);
    if (!run)
        return ENOTSUP;
    size_t run_length = run->end - run->start;
    return Plan{Plan::Kind::Padding, 0, 0, run->start,
                uint8_t(run_length < 255 ? run_length : 255)};
}

bool reaches(uint64_t from, size_t length, uint64_t to) {
    int64_t distance = static_cast<int64_t>(to - (from + length));
    return distance >= INT32_MIN && distance <= INT32_MAX;
}

bool write_stub(uint8_t* stub, uint64_t stub_address, const Plan& plan, const uint8_t* moved,
                uint64_t syscall_address, uint64_t entry_slot) {
    memset(stub, int3, stub_size);
    size_t moved_length = plan.kind == Plan::Kind::Moved ? plan.moved_length : 0;
    if (moved_length)
        memcpy(stub, moved, moved_length);
    if (moved_length && plan.rip_displacement_at) {
        // The operand's address is the next instruction's plus the displacement: keep it.
        uint64_t moved_address = syscall_address - moved_length;
        uint64_t target =
            moved_address + moved_length + int64_t(read32(moved + plan.rip_displacement_at));
        if (!reaches(stub_address, moved_length, target))
            return false;
        put32(stub + plan.rip_displacement_at, displacement(stub_address, moved_length, target));
    }
    uint8_t* lea = stub + moved_length; // lea resume(%rip), %rcx
    lea[0] = 0x48;
    lea[1] = 0x8d;
    lea[2] = 0x0d;
    put32(lea + 3, displacement(stub_address + moved_length, 7, syscall_address + syscall_length));
    uint8_t* jump = lea + 7; // jmp *entry_slot(%rip)
    jump[0] = 0xff;
    jump[1] = 0x25;
    put32(jump + 2, displacement(stub_address + moved_length + 7, 6, entry_slot));
    return true;
}

void write_jump(uint8_t* code, uint64_t address, size_t length, uint64_t target) {
    memset(code, int3, length);
    code[0] = 0xe9;
    put32(code + 1, displacement(address, jump_length, target));
}

void write_short_jump(uint8_t* code, const Plan& plan, size_t syscall_offset) {
    code[0] = short_jump;
    code[1] = static_cast<uint8_t>(
        static_cast<int8_t>(int64_t(plan.padding_offset) - int64_t(syscall_offset + 2)));
}

} // namespace kernel::syscall_site
