// How one `syscall` instruction of the program becomes a jump into the kernel: the plain
// logic of the rewrite (linux/syscall_rewriter.h does it to the running program).
//
// The instruction before the syscall (at least 5 bytes: `mov $NR, %eax` in most C libraries)
// is replaced by a `jmp` to a stub, and the stub runs that instruction, loads RCX with the
// address after the syscall, as `syscall` would, and jumps to the kernel's call entry. Nothing
// is pushed: the program's red zone below RSP stays intact. The syscall's own two bytes stay,
// so a branch that lands on them, and a restarted call (Linux rewinds RIP by 2), still trap as
// before. Where the instructions lie is known only by decoding forward from the start of the
// function that holds them, which the caller finds (unwind tables, symbols): decoding
// backwards from the syscall is ambiguous on x86.
#pragma once

#include "lib/error_or.h"

#include <stddef.h>
#include <stdint.h>

namespace kernel::syscall_site {

// The bytes of `syscall` (0F 05) and of the jump that replaces the instruction before it.
inline constexpr size_t syscall_length = 2;
inline constexpr size_t jump_length = 5;
// One stub: the moved instruction (at most 15 bytes), `lea` (7) and `jmp *` (6), padded.
inline constexpr size_t stub_size = 32;

// The instruction to move: it starts `length` bytes before the syscall.
struct Plan {
    uint8_t length;
};

// `function` holds a function's bytes from its first instruction up to and including the
// syscall at `syscall_offset`. EINVAL when the bytes there are no syscall, or decoding from the
// start does not land on it; ENOTSUP when the instruction before it is too short or cannot run
// from elsewhere (it is relative to RIP or a branch).
ErrorOr<Plan> plan(const uint8_t* function, size_t syscall_offset);

// Whether a rel32 jump (or RIP-relative operand) at `from` reaches `to`: the displacement is
// counted from the end of an instruction of `length` bytes at `from`.
bool reaches(uint64_t from, size_t length, uint64_t to);

// Writes the stub for the instruction `moved` (plan.length bytes) of the syscall at
// `syscall_address`; the stub lies at `stub_address`, and the kernel's call entry's address
// is stored at `entry_slot`. Both must be within reach of the stub.
void write_stub(uint8_t* stub, uint64_t stub_address, const uint8_t* moved, const Plan& plan,
                uint64_t syscall_address, uint64_t entry_slot);

// The bytes that replace the moved instruction at `address`: a jump to the stub, then int3 to
// the instruction's end (never run: nothing branches into an instruction).
void write_jump(uint8_t* code, uint64_t address, const Plan& plan, uint64_t stub_address);

} // namespace kernel::syscall_site
