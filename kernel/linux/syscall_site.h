// How one `syscall` instruction of the program becomes a jump into the kernel: the plain
// logic of the rewrite (linux/syscall_rewriter.h does it to the running program).
//
// Two ways, neither of which moves an instruction boundary any code may be at:
// - Moved: the instruction before the syscall (at least 5 bytes: `mov $NR, %eax` in most C
//   libraries; one relative to RIP gets its displacement adjusted) is replaced by a `jmp` to a
//   stub, which runs that instruction, loads RCX with
//   the address after the syscall, as `syscall` would, and jumps to the kernel's call entry.
//   The syscall's own two bytes stay, so a branch that lands on them, and a restarted call
//   (Linux rewinds RIP by 2), still trap as before.
// - Padding: when the instruction before is too short (`xor %eax, %eax`, `mov %r9, %rax`), the
//   syscall itself becomes a two-byte `jmp` to dead bytes within 128 of it (nops or int3 the
//   assembler padded with after a ret or jmp, that no branch of the function lands on), which
//   become a `jmp` to a stub that only loads RCX and enters the kernel. A restarted call then
//   goes through the stub again, with RAX restored.
// Nothing is pushed: the program's red zone below RSP stays intact. Where the instructions lie
// is known only by decoding forward from the start of the function, which the caller finds
// (unwind tables, symbols): decoding backwards from the syscall is ambiguous on x86.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::syscall_site {

// The bytes of `syscall` (0F 05), of the short jump that may replace it, and of the jump to a
// stub.
inline constexpr size_t syscall_length = 2;
inline constexpr size_t jump_length = 5;
// One stub: a moved instruction (at most 15 bytes), `lea` (7) and `jmp *` (6), padded.
inline constexpr size_t stub_size = 32;

struct Plan {
    enum class Kind : uint8_t { Moved, Padding };
    Kind kind;
    // Moved: the instruction before the syscall, `moved_length` bytes; when it addresses memory
    // relative to RIP, its displacement is at `rip_displacement_at` (else 0).
    uint8_t moved_length;
    uint8_t rip_displacement_at;
    // Padding: the dead bytes, from the function's start.
    size_t padding_offset;
    uint8_t padding_length;
};

// `function` holds a whole function's bytes, [0, length), then `trailing` bytes that no function
// covers (the caller checked); the syscall lies at `syscall_offset`. EINVAL when decoding the
// function does not find a syscall there; ENOTSUP when neither way applies.
ErrorOr<Plan> plan(const uint8_t* function, size_t length, size_t trailing, size_t syscall_offset);

// Whether a rel32 jump (or RIP-relative operand) at `from` reaches `to`: the displacement is
// counted from the end of an instruction of `length` bytes at `from`.
bool reaches(uint64_t from, size_t length, uint64_t to);

// The stub for the syscall at `syscall_address`: for a Moved plan, `moved` (plan.moved_length
// bytes) first. The stub lies at `stub_address`, and the kernel's call entry's address is
// stored at `entry_slot`: both within reach of it. False when the moved instruction's operand
// relative to RIP is out of the stub's reach.
bool write_stub(uint8_t* stub, uint64_t stub_address, const Plan& plan, const uint8_t* moved,
                uint64_t syscall_address, uint64_t entry_slot);

// A jump at `address` to `target`, then int3 to `length` (never run: nothing branches into an
// instruction, nor into dead bytes): what replaces the moved instruction, or the padding.
void write_jump(uint8_t* code, uint64_t address, size_t length, uint64_t target);

// Padding: the two bytes that replace the syscall, a short jump to the padding.
void write_short_jump(uint8_t* code, const Plan& plan, size_t syscall_offset);

} // namespace kernel::syscall_site
