// The length and a few properties of one x86-64 instruction (64-bit mode), decoded forward from
// its first byte: what the syscall-site rewriter needs to find instruction boundaries and to
// know whether an instruction may run from another address. Intel SDM vol. 2, chapter 2
// (instruction format, REX, VEX, EVEX) and appendix A (opcode maps).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::x86 {

struct DecodedInstruction {
    // 0: not decoded (an invalid or unknown encoding, more than 15 bytes, or running past the
    // bytes given). Also refused: 66 on a near jmp/call/jcc rel32 without REX.W, whose length
    // differs between Intel (rel32) and AMD (rel16); VEX/EVEX after 66, F2, F3, F0 or REX
    // (#UD); APX's REX2 (D5) and EVEX maps 4 and 7.
    uint8_t length = 0;
    // A memory operand addressed relative to RIP (ModRM mod 00, r/m 101, no SIB), in any map,
    // with or without 67 (then relative to EIP).
    bool rip_relative = false;
    // Where its 32-bit displacement lies in the instruction, when rip_relative.
    uint8_t rip_displacement_at = 0;
    // It may transfer control or depends on where it lies: jmp, jcc, call, ret, loop*, jrcxz,
    // int*, syscall, sysenter, sysexit, sysret, iret, far transfers, hlt, ud*, xbegin and
    // xabort, rsm, getsec, and the VMX, SVM, SGX, TDX and FRED calls and returns.
    bool transfers_control = false;
    // What finding dead bytes in a function needs (linux/syscall_site.h):
    // control never falls through to the next instruction: ret, far ret, iret, jmp (direct,
    // indirect, far), hlt, ud2;
    bool ends_flow = false;
    // a jmp, jcc, call, loop*, jrcxz or xbegin whose target is the next instruction's address
    // plus `displacement`;
    bool relative_branch = false;
    int32_t displacement = 0;
    // an indirect jmp (FF /4, /5): a jump table may send control anywhere;
    bool indirect_jump = false;
    // a nop the assembler pads with: 90 (not xchg with r8, not pause) or 0F 1F /0.
    bool is_nop = false;
};

// Decodes the instruction at `code`, reading no byte at or past code[available].
DecodedInstruction decode_instruction(const uint8_t* code, size_t available);

} // namespace kernel::x86
