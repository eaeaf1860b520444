// The x86-64 length decoder: hand-written encodings of every form it knows, random bytes for its
// bounds, and objdump as an oracle over real code (the C library with its AVX2 and EVEX string
// functions, libm, libstdc++, OpenSSL's libcrypto with its AVX-512 paths, and the static test
// program and the kernel when the build provides them).
//
// The decoder's header needs only <stddef.h> and <stdint.h>, and this test needs <cstdio> for
// popen, which kernel_test_support.h (include-first, no system header after it) does not carry:
// so this file goes without it and includes the system headers it needs itself.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "arch/x86_64/instruction_decoder.h"

namespace {

using kernel::x86::decode_instruction;
using kernel::x86::DecodedInstruction;

using Bytes = std::vector<uint8_t>;

std::string hex(const uint8_t* bytes, size_t count) {
    std::string text;
    char byte[4];
    for (size_t i = 0; i < count; ++i) {
        std::snprintf(byte, sizeof byte, "%s%02x", i ? " " : "", bytes[i]);
        text += byte;
    }
    return text;
}

std::string hex(const Bytes& bytes) {
    return hex(bytes.data(), bytes.size());
}

// Decodes the first `available` bytes from an exactly sized heap copy, so that ASan reports any
// read past them.
DecodedInstruction decode(const Bytes& bytes, size_t available) {
    std::unique_ptr<uint8_t[]> copy(new uint8_t[available]);
    if (available)
        std::memcpy(copy.get(), bytes.data(), available);
    return decode_instruction(copy.get(), available);
}

enum Flags : unsigned { plain = 0, rip = 1, control = 2 };

std::string describe(const DecodedInstruction& decoded) {
    return "length " + std::to_string(decoded.length) +
           (decoded.rip_relative ? ", rip-relative" : "") +
           (decoded.transfers_control ? ", transfers control" : "");
}

// `instruction` is exactly one instruction: it decodes to its whole length with `flags`, the
// same with more bytes after it, and to length 0 from any shorter prefix of it.
::testing::AssertionResult decodes(const Bytes& instruction, unsigned flags = plain) {
    Bytes padded = instruction;
    padded.insert(padded.end(), 16, 0x90);
    for (size_t available : {instruction.size(), padded.size()}) {
        DecodedInstruction decoded = decode(padded, available);
        if (decoded.length != instruction.size() || decoded.rip_relative != bool(flags & rip) ||
            decoded.transfers_control != bool(flags & control))
            return ::testing::AssertionFailure()
                   << hex(instruction) << " (" << available
                   << " bytes available): " << describe(decoded) << ", expected length "
                   << instruction.size() << (flags & rip ? ", rip-relative" : "")
                   << (flags & control ? ", transfers control" : "");
    }
    for (size_t available = 0; available < instruction.size(); ++available)
        if (DecodedInstruction decoded = decode(instruction, available); decoded.length != 0)
            return ::testing::AssertionFailure() << hex(instruction) << " truncated to "
                                                 << available << " bytes: " << describe(decoded);
    return ::testing::AssertionSuccess();
}

// `bytes` is no valid instruction: length 0 whatever follows.
::testing::AssertionResult refused(const Bytes& bytes) {
    Bytes padded = bytes;
    padded.insert(padded.end(), 16, 0x00);
    for (size_t available : {bytes.size(), padded.size()})
        if (DecodedInstruction decoded = decode(padded, available); decoded.length != 0)
            return ::testing::AssertionFailure()
                   << hex(bytes) << " (" << available << " bytes available): " << describe(decoded)
                   << ", expected length 0";
    return ::testing::AssertionSuccess();
}

Bytes repeat(uint8_t byte, size_t count) {
    return Bytes(count, byte);
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes all;
    for (const Bytes& part : parts)
        all.insert(all.end(), part.begin(), part.end());
    return all;
}

TEST(InstructionDecoder, SingleBytes) {
    EXPECT_TRUE(decodes({0x90}));       // nop
    EXPECT_TRUE(decodes({0x50}));       // push %rax
    EXPECT_TRUE(decodes({0x5d}));       // pop %rbp
    EXPECT_TRUE(decodes({0x99}));       // cltd
    EXPECT_TRUE(decodes({0xc9}));       // leave
    EXPECT_TRUE(decodes({0xa4}));       // movsb
    EXPECT_TRUE(decodes({0xfc}));       // cld
    EXPECT_TRUE(decodes({0x0f, 0xa2})); // cpuid
    EXPECT_TRUE(decodes({0x0f, 0x31})); // rdtsc
    EXPECT_TRUE(decodes({0x0f, 0xc8})); // bswap %eax
    EXPECT_TRUE(decodes({0x0f, 0x77})); // emms
}

TEST(InstructionDecoder, LegacyPrefixes) {
    EXPECT_TRUE(decodes({0xf0, 0x48, 0x0f, 0xb1, 0x0a}));                // lock cmpxchg
    EXPECT_TRUE(decodes({0xf3, 0x48, 0xa5}));                            // rep movsq
    EXPECT_TRUE(decodes({0xf2, 0xae}));                                  // repnz scasb
    EXPECT_TRUE(decodes({0xf3, 0x0f, 0x1e, 0xfa}));                      // endbr64
    EXPECT_TRUE(decodes({0xf3, 0x90}));                                  // pause
    EXPECT_TRUE(decodes({0x66, 0x90}));                                  // xchg %ax,%ax
    EXPECT_TRUE(decodes({0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65, 0x90}));    // every segment
    EXPECT_TRUE(decodes({0x64, 0x48, 0x8b, 0x04, 0x25, 0x28, 0, 0, 0})); // mov %fs:0x28,%rax
    EXPECT_TRUE(decodes({0x67, 0x8b, 0x00}));                            // mov (%eax),%eax
    EXPECT_TRUE(decodes({0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0})); // cs nopw
    EXPECT_TRUE(decodes({0xf0, 0x66, 0x83, 0x00, 0x01}));                // lock addw $1,(%rax)
    EXPECT_TRUE(decodes({0x66, 0xf2, 0x0f, 0x38, 0xf1, 0xc1}));          // crc32w
    EXPECT_TRUE(decodes({0xf2, 0xe9, 0, 0, 0, 0}, control));             // bnd jmp
    EXPECT_TRUE(decodes({0x3e, 0xff, 0xe0}, control));                   // notrack jmp *%rax
    EXPECT_TRUE(decodes({0x2e, 0x74, 0x00}, control));                   // je, "not taken"
}

TEST(InstructionDecoder, FifteenBytesAtMost) {
    // data16 x5, cs nopw 0x0(%rax,%rax,1): 15 bytes, the limit.
    Bytes nop15 = concat({repeat(0x66, 6), {0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}});
    ASSERT_EQ(nop15.size(), 15u);
    EXPECT_TRUE(decodes(nop15));
    // One more prefix: 16 bytes, #GP.
    EXPECT_TRUE(refused(concat({{0x66}, nop15})));
    EXPECT_TRUE(decodes(concat({repeat(0x66, 14), {0x90}})));
    EXPECT_TRUE(refused(concat({repeat(0x66, 15), {0x90}})));
    EXPECT_TRUE(refused(repeat(0x66, 16)));
    EXPECT_TRUE(refused(repeat(0x2e, 40)));
    // A long instruction's immediate pushed past byte 15 by prefixes.
    EXPECT_TRUE(decodes(concat({repeat(0x66, 2), {0x48, 0xb8}, repeat(0x11, 8)})));
    EXPECT_TRUE(decodes(concat({repeat(0x66, 5), {0x48, 0xb8}, repeat(0x11, 8)})));
    EXPECT_TRUE(refused(concat({repeat(0x66, 6), {0x48, 0xb8}, repeat(0x11, 8)})));
}

TEST(InstructionDecoder, Rex) {
    EXPECT_TRUE(decodes({0x48, 0x89, 0xe5}));             // mov %rsp,%rbp
    EXPECT_TRUE(decodes({0x41, 0x50}));                   // push %r8
    EXPECT_TRUE(decodes({0x4d, 0x31, 0xc0}));             // xor %r8,%r8
    EXPECT_TRUE(decodes({0x49, 0xc7, 0xc0, 1, 2, 3, 4})); // mov $imm32,%r8: sign-extended
    EXPECT_TRUE(decodes({0x48, 0x05, 1, 2, 3, 4}));       // add $imm32,%rax
    EXPECT_TRUE(decodes({0x40, 0x88, 0xc6}));             // mov %al,%sil
    EXPECT_TRUE(decodes({0x48, 0x48, 0x89, 0xe5}));       // the last REX counts
    // REX.W beats 66 for the operand size, wherever 66 stands.
    EXPECT_TRUE(decodes({0x66, 0x48, 0xc7, 0xc0, 1, 2, 3, 4})); // mov $imm32,%rax
    EXPECT_TRUE(decodes({0x66, 0x48, 0x05, 1, 2, 3, 4}));       // add $imm32,%rax
    // A REX followed by a legacy prefix is ignored: here 66 alone sets imm16.
    EXPECT_TRUE(decodes({0x48, 0x66, 0x05, 1, 2}));       // add $imm16,%ax
    EXPECT_TRUE(decodes({0x48, 0x66, 0xb8, 1, 2}));       // mov $imm16,%ax
    EXPECT_TRUE(decodes({0x48, 0x2e, 0xb8, 1, 2, 3, 4})); // mov $imm32,%eax
}

TEST(InstructionDecoder, ModrmSibAndDisplacement) {
    EXPECT_TRUE(decodes({0x8b, 0xc1}));                         // mov %ecx,%eax
    EXPECT_TRUE(decodes({0x8b, 0x00}));                         // mov (%rax),%eax
    EXPECT_TRUE(decodes({0x8b, 0x40, 0x08}));                   // disp8
    EXPECT_TRUE(decodes({0x8b, 0x80, 1, 2, 3, 4}));             // disp32
    EXPECT_TRUE(decodes({0x8b, 0x04, 0x24}));                   // (%rsp): SIB
    EXPECT_TRUE(decodes({0x8b, 0x44, 0x24, 0x08}));             // SIB + disp8
    EXPECT_TRUE(decodes({0x8b, 0x84, 0x24, 1, 2, 3, 4}));       // SIB + disp32
    EXPECT_TRUE(decodes({0x8b, 0x04, 0x25, 1, 2, 3, 4}));       // SIB, no base: disp32
    EXPECT_TRUE(decodes({0x8b, 0x04, 0x65, 1, 2, 3, 4}));       // index*2, no base
    EXPECT_TRUE(decodes({0x41, 0x8b, 0x04, 0x25, 1, 2, 3, 4})); // REX.B: still no base
    EXPECT_TRUE(decodes({0x8b, 0x44, 0x25, 0x08}));             // (%rbp,%riz): disp8
    EXPECT_TRUE(decodes({0x8b, 0x45, 0x00}));                   // 0(%rbp)
    EXPECT_TRUE(decodes({0x41, 0x8b, 0x45, 0x00}));             // 0(%r13)
    EXPECT_TRUE(decodes({0x67, 0x8b, 0x44, 0x24, 0x08}));       // 32-bit addressing
    EXPECT_TRUE(decodes({0x67, 0x8b, 0x04, 0x25, 1, 2, 3, 4})); // same ModRM form
    EXPECT_TRUE(decodes({0x48, 0x8d, 0x04, 0xc5, 0, 0, 0, 0})); // lea 0(,%rax,8),%rax
    EXPECT_TRUE(decodes({0x0f, 0xb6, 0x44, 0x0a, 0xff}));       // movzbl -1(%rdx,%rcx)
    EXPECT_TRUE(decodes({0xd9, 0x44, 0x24, 0x08}));             // flds: x87 ModRM
    EXPECT_TRUE(decodes({0xdf, 0xe0}));                         // fnstsw %ax
    EXPECT_TRUE(decodes({0x0f, 0x01, 0xd0}));                   // xgetbv: group 7 mod 11
    EXPECT_TRUE(decodes({0x0f, 0xae, 0xf8}));                   // sfence
    EXPECT_TRUE(decodes({0x0f, 0x18, 0x48, 0x40}));             // prefetcht0 0x40(%rax)
    // mov to/from CRn and DRn ignore mod: no SIB or displacement whatever it says.
    EXPECT_TRUE(decodes({0x0f, 0x20, 0xc0})); // mov %cr0,%rax
    EXPECT_TRUE(decodes({0x0f, 0x22, 0x05})); // mod 00 r/m 101: no disp32
    EXPECT_TRUE(decodes({0x0f, 0x21, 0x84})); // mod 10 r/m 100
    EXPECT_TRUE(decodes({0x0f, 0x23, 0x44})); // mod 01
}

TEST(InstructionDecoder, RipRelative) {
    EXPECT_TRUE(decodes({0x48, 0x8b, 0x05, 1, 2, 3, 4}, rip));                // mov x(%rip),%rax
    EXPECT_TRUE(decodes({0x48, 0x8d, 0x3d, 1, 2, 3, 4}, rip));                // lea x(%rip),%rdi
    EXPECT_TRUE(decodes({0x4c, 0x8b, 0x2d, 1, 2, 3, 4}, rip));                // REX.R: still rip
    EXPECT_TRUE(decodes({0x41, 0x8b, 0x05, 1, 2, 3, 4}, rip));                // REX.B: still rip
    EXPECT_TRUE(decodes({0x67, 0x8b, 0x05, 1, 2, 3, 4}, rip));                // x(%eip)
    EXPECT_TRUE(decodes({0xc7, 0x05, 1, 2, 3, 4, 5, 6, 7, 8}, rip));          // movl $imm32,x(%rip)
    EXPECT_TRUE(decodes({0x48, 0xc7, 0x05, 1, 2, 3, 4, 5, 6, 7, 8}, rip));    // movq $imm32,x(%rip)
    EXPECT_TRUE(decodes({0x66, 0xc7, 0x05, 1, 2, 3, 4, 5, 6}, rip));          // movw $imm16,x(%rip)
    EXPECT_TRUE(decodes({0x80, 0x3d, 1, 2, 3, 4, 0}, rip));                   // cmpb $0,x(%rip)
    EXPECT_TRUE(decodes({0xf6, 0x05, 1, 2, 3, 4, 0x10}, rip));                // testb $16,x(%rip)
    EXPECT_TRUE(decodes({0xf2, 0x0f, 0x10, 0x05, 1, 2, 3, 4}, rip));          // movsd x(%rip)
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x3a, 0x0f, 0x05, 1, 2, 3, 4, 8}, rip)); // palignr
    EXPECT_TRUE(decodes({0xc5, 0xf9, 0x6f, 0x05, 1, 2, 3, 4}, rip));          // vmovdqa x(%rip)
    EXPECT_TRUE(decodes({0x62, 0xf1, 0xfe, 0x48, 0x6f, 0x05, 1, 2, 3, 4}, rip)); // vmovdqu64
    EXPECT_TRUE(decodes({0xff, 0x15, 1, 2, 3, 4}, rip | control));               // call *x(%rip)
    EXPECT_TRUE(decodes({0xff, 0x25, 1, 2, 3, 4}, rip | control));               // jmp *x(%rip)
    EXPECT_TRUE(decodes({0x8f, 0x05, 1, 2, 3, 4}, rip));                         // pop x(%rip)
    // Not rip-relative: a SIB without base, mod 01/10 with r/m 101, and registers.
    EXPECT_TRUE(decodes({0x8b, 0x04, 0x25, 1, 2, 3, 4}));
    EXPECT_TRUE(decodes({0x8b, 0x45, 0x08}));
    EXPECT_TRUE(decodes({0x8b, 0x85, 1, 2, 3, 4}));
    EXPECT_TRUE(decodes({0x8b, 0xc5}));
    EXPECT_TRUE(decodes({0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8})); // movabs: absolute
}

TEST(InstructionDecoder, OneByteImmediates) {
    EXPECT_TRUE(decodes({0x04, 0x7f}));                         // add $imm8,%al
    EXPECT_TRUE(decodes({0x05, 1, 2, 3, 4}));                   // add $imm32,%eax
    EXPECT_TRUE(decodes({0x66, 0x05, 1, 2}));                   // add $imm16,%ax
    EXPECT_TRUE(decodes({0x3c, 0x0a}));                         // cmp $imm8,%al
    EXPECT_TRUE(decodes({0xa8, 0x01}));                         // test $imm8,%al
    EXPECT_TRUE(decodes({0xa9, 1, 2, 3, 4}));                   // test $imm32,%eax
    EXPECT_TRUE(decodes({0x80, 0xc0, 0x01}));                   // group 1 Eb,Ib
    EXPECT_TRUE(decodes({0x81, 0xc0, 1, 2, 3, 4}));             // group 1 Ev,Iz
    EXPECT_TRUE(decodes({0x66, 0x81, 0xc0, 1, 2}));             // ... with 66
    EXPECT_TRUE(decodes({0x83, 0xc0, 0x01}));                   // group 1 Ev,Ib
    EXPECT_TRUE(decodes({0x69, 0xc0, 1, 2, 3, 4}));             // imul $imm32
    EXPECT_TRUE(decodes({0x6b, 0xc0, 0x03}));                   // imul $imm8
    EXPECT_TRUE(decodes({0x68, 1, 2, 3, 4}));                   // push $imm32
    EXPECT_TRUE(decodes({0x66, 0x68, 1, 2}));                   // pushw $imm16
    EXPECT_TRUE(decodes({0x6a, 0x01}));                         // push $imm8
    EXPECT_TRUE(decodes({0xb0, 0x01}));                         // mov $imm8,%al
    EXPECT_TRUE(decodes({0x41, 0xb7, 0x01}));                   // mov $imm8,%r15b
    EXPECT_TRUE(decodes({0xb8, 1, 2, 3, 4}));                   // mov $imm32,%eax
    EXPECT_TRUE(decodes({0x66, 0xb8, 1, 2}));                   // mov $imm16,%ax
    EXPECT_TRUE(decodes({0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8})); // movabs $imm64,%rax
    EXPECT_TRUE(decodes({0x49, 0xbf, 1, 2, 3, 4, 5, 6, 7, 8})); // movabs $imm64,%r15
    EXPECT_TRUE(decodes({0xc0, 0xe0, 0x04}));                   // shl $4,%al
    EXPECT_TRUE(decodes({0xc1, 0xe0, 0x04}));                   // shl $4,%eax
    EXPECT_TRUE(decodes({0xd1, 0xe0}));                         // shl %eax
    EXPECT_TRUE(decodes({0xc6, 0x00, 0x01}));                   // movb $1,(%rax)
    EXPECT_TRUE(decodes({0xc7, 0x00, 1, 2, 3, 4}));             // movl $imm32,(%rax)
    EXPECT_TRUE(decodes({0xc7, 0x44, 0x24, 0x08, 1, 2, 3, 4})); // SIB + disp8 + imm32
    EXPECT_TRUE(decodes({0xc8, 0x10, 0x00, 0x00}));             // enter $16,$0
    EXPECT_TRUE(decodes({0xe4, 0x60}));                         // in $0x60,%al
    EXPECT_TRUE(decodes({0xe7, 0x60}));                         // out %eax,$0x60
    // moffs: the address size, 8 bytes, 4 with 67; 66 and REX.W do not matter.
    EXPECT_TRUE(decodes({0xa0, 1, 2, 3, 4, 5, 6, 7, 8}));       // movabs x,%al
    EXPECT_TRUE(decodes({0xa3, 1, 2, 3, 4, 5, 6, 7, 8}));       // movabs %eax,x
    EXPECT_TRUE(decodes({0x66, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8})); // movabs x,%ax
    EXPECT_TRUE(decodes({0x67, 0xa0, 1, 2, 3, 4}));             // addr32 mov x,%al
    EXPECT_TRUE(decodes({0x67, 0x48, 0xa1, 1, 2, 3, 4}));       // addr32 mov x,%rax
}

TEST(InstructionDecoder, GroupThreeTestCarriesAnImmediate) {
    EXPECT_TRUE(decodes({0xf6, 0xc0, 0x01}));                   // test $1,%al (/0)
    EXPECT_TRUE(decodes({0xf6, 0xc8, 0x01}));                   // test $1,%al (/1)
    EXPECT_TRUE(decodes({0xf6, 0xd0}));                         // not %al (/2)
    EXPECT_TRUE(decodes({0xf6, 0xf1}));                         // div %cl (/6)
    EXPECT_TRUE(decodes({0xf7, 0xc0, 1, 2, 3, 4}));             // test $imm32,%eax
    EXPECT_TRUE(decodes({0xf7, 0xc8, 1, 2, 3, 4}));             // /1
    EXPECT_TRUE(decodes({0x66, 0xf7, 0xc0, 1, 2}));             // test $imm16,%ax
    EXPECT_TRUE(decodes({0x48, 0xf7, 0xc0, 1, 2, 3, 4}));       // test $imm32,%rax
    EXPECT_TRUE(decodes({0xf7, 0xd8}));                         // neg %eax
    EXPECT_TRUE(decodes({0x48, 0xf7, 0xe1}));                   // mul %rcx
    EXPECT_TRUE(decodes({0xf7, 0x44, 0x24, 0x08, 1, 2, 3, 4})); // testl $imm32,8(%rsp)
}

TEST(InstructionDecoder, TwoAndThreeByteMaps) {
    EXPECT_TRUE(decodes({0x0f, 0x1f, 0x44, 0x00, 0x00})); // nopl 0(%rax,%rax)
    EXPECT_TRUE(decodes({0x0f, 0x10, 0xc1}));             // movups
    EXPECT_TRUE(decodes({0x66, 0x0f, 0xef, 0xc0}));       // pxor
    EXPECT_TRUE(decodes({0x48, 0x0f, 0xaf, 0xc1}));       // imul %rcx,%rax
    EXPECT_TRUE(decodes({0x0f, 0x44, 0xc1}));             // cmove
    EXPECT_TRUE(decodes({0x0f, 0x94, 0xc0}));             // sete %al
    EXPECT_TRUE(decodes({0xf3, 0x48, 0x0f, 0xb8, 0xc1})); // popcnt
    EXPECT_TRUE(decodes({0xf3, 0x0f, 0xbc, 0xc1}));       // tzcnt
    EXPECT_TRUE(decodes({0x0f, 0xc7, 0xf0}));             // rdrand %eax
    EXPECT_TRUE(decodes({0x48, 0x0f, 0xc7, 0x0f}));       // cmpxchg16b (%rdi)
    // 0F maps with an imm8.
    EXPECT_TRUE(decodes({0x0f, 0x70, 0xc1, 0x1b}));                   // pshufw
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x70, 0xc1, 0x1b}));             // pshufd
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x71, 0xd0, 0x02}));             // psrlw $2
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x72, 0xe0, 0x02}));             // psrad $2
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x73, 0xd8, 0x08}));             // psrldq $8
    EXPECT_TRUE(decodes({0x0f, 0xc2, 0xc1, 0x00}));                   // cmpeqps
    EXPECT_TRUE(decodes({0x66, 0x0f, 0xc4, 0xc0, 0x01}));             // pinsrw
    EXPECT_TRUE(decodes({0x66, 0x0f, 0xc5, 0xc0, 0x01}));             // pextrw
    EXPECT_TRUE(decodes({0x0f, 0xc6, 0xc1, 0x44}));                   // shufps
    EXPECT_TRUE(decodes({0x0f, 0xa4, 0xc8, 0x04}));                   // shld $4
    EXPECT_TRUE(decodes({0x0f, 0xa5, 0xc8}));                         // shld %cl
    EXPECT_TRUE(decodes({0x48, 0x0f, 0xac, 0xc8, 0x04}));             // shrd $4
    EXPECT_TRUE(decodes({0x0f, 0xba, 0xe0, 0x03}));                   // bt $3,%eax
    EXPECT_TRUE(decodes({0x48, 0x0f, 0xba, 0x6c, 0x24, 0x08, 0x3f})); // bts $63,8(%rsp)
    // 3DNow!: ModRM, then the opcode as a trailing byte.
    EXPECT_TRUE(decodes({0x0f, 0x0f, 0xc1, 0xb4}));             // pfmul %mm1,%mm0
    EXPECT_TRUE(decodes({0x0f, 0x0f, 0x44, 0x24, 0x08, 0x9e})); // pfadd 8(%rsp),%mm0
    // AMD SSE4a: extrq/insertq with two imm8; plain 0F 78 is vmread.
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x78, 0xc0, 0x04, 0x08})); // extrq $8,$4,%xmm0
    EXPECT_TRUE(decodes({0xf2, 0x0f, 0x78, 0xc1, 0x04, 0x08})); // insertq
    EXPECT_TRUE(decodes({0x0f, 0x78, 0xc0}));                   // vmread %rax,%rax
    // VIA PadLock (0F A6, 0F A7): ModRM forms.
    EXPECT_TRUE(decodes({0xf3, 0x0f, 0xa6, 0xd0})); // rep xsha256
    EXPECT_TRUE(decodes({0xf3, 0x0f, 0xa7, 0xc8})); // rep xcrypt-ecb
    EXPECT_TRUE(decodes({0x0f, 0xa7, 0xc0}));       // xstore-rng
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x79, 0xc1})); // extrq %xmm1,%xmm0
    // 0F 38: ModRM only. 0F 3A: ModRM and imm8.
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x38, 0x00, 0xc1}));             // pshufb
    EXPECT_TRUE(decodes({0x0f, 0x38, 0xf0, 0x07}));                   // movbe (%rdi),%eax
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x38, 0x17, 0x44, 0x24, 0x08})); // ptest 8(%rsp)
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x3a, 0x0f, 0xc1, 0x08}));       // palignr $8
    EXPECT_TRUE(decodes({0x66, 0x0f, 0x3a, 0x63, 0x07, 0x1a}));       // pcmpistri
    EXPECT_TRUE(decodes({0x66, 0x48, 0x0f, 0x3a, 0x16, 0xc0, 0x01})); // pextrq $1
    EXPECT_TRUE(decodes({0x0f, 0x3a, 0xcc, 0xc1, 0x00}));             // sha1rnds4
}

TEST(InstructionDecoder, Vex) {
    EXPECT_TRUE(decodes({0xc5, 0xf8, 0x77}));                   // vzeroupper: no ModRM
    EXPECT_TRUE(decodes({0xc5, 0xfc, 0x77}));                   // vzeroall
    EXPECT_TRUE(decodes({0xc5, 0xfd, 0x6f, 0x07}));             // vmovdqa (%rdi),%ymm0
    EXPECT_TRUE(decodes({0xc5, 0xfe, 0x6f, 0x4c, 0x24, 0x20})); // vmovdqu 0x20(%rsp)
    EXPECT_TRUE(decodes({0xc5, 0xfd, 0x74, 0x0f}));             // vpcmpeqb
    EXPECT_TRUE(decodes({0xc5, 0xf9, 0x70, 0xc1, 0x1b}));       // vpshufd: map 1 imm8
    EXPECT_TRUE(decodes({0xc5, 0xf1, 0x73, 0xd8, 0x08}));       // vpsrldq $8
    EXPECT_TRUE(decodes({0xc5, 0xf8, 0xc6, 0xc1, 0x44}));       // vshufps
    EXPECT_TRUE(decodes({0xc5, 0xf9, 0xc5, 0xc0, 0x01}));       // vpextrw
    EXPECT_TRUE(decodes({0xc4, 0xe1, 0xf9, 0x7e, 0xc0}));       // vmovq %xmm0,%rax
    EXPECT_TRUE(decodes({0xc4, 0xe1, 0x7c, 0x28, 0x04, 0x24})); // three-byte VEX, map 1
    EXPECT_TRUE(decodes({0xc4, 0xe2, 0x7d, 0x00, 0xc1}));       // vpshufb: map 2
    EXPECT_TRUE(decodes({0xc4, 0xe2, 0x7d, 0x78, 0x07}));       // vpbroadcastb (%rdi)
    EXPECT_TRUE(decodes({0xc4, 0x42, 0xf8, 0xf5, 0xc1}));       // bzhi (BMI2)
    EXPECT_TRUE(decodes({0xc4, 0xe2, 0xe9, 0xf7, 0xc1}));       // shlx
    EXPECT_TRUE(decodes({0xc4, 0xe3, 0x7d, 0x0f, 0xc1, 0x08})); // vpalignr: map 3 imm8
    EXPECT_TRUE(decodes({0xc4, 0xe3, 0x7d, 0x39, 0xc1, 0x01})); // vextracti128
    EXPECT_TRUE(decodes({0xc4, 0xe3, 0xfb, 0xf0, 0xc1, 0x05})); // rorx $5
    EXPECT_TRUE(decodes({0xc4, 0xe1, 0xfb, 0x92, 0xc8}));       // kmovq %rax,%k1
    EXPECT_TRUE(decodes({0xc5, 0xf8, 0x98, 0xc1}));             // kortestw %k1,%k0
    EXPECT_TRUE(decodes({0x2e, 0xc5, 0xf8, 0x77}));             // segment prefix is fine
    EXPECT_TRUE(decodes({0x67, 0xc5, 0xf9, 0x6f, 0x00}));       // so is 67
    // 66, F2, F3, lock or REX before VEX: #UD.
    EXPECT_TRUE(refused({0x66, 0xc5, 0xf9, 0x6f, 0xc1}));
    EXPECT_TRUE(refused({0xf3, 0xc5, 0xf9, 0x6f, 0xc1}));
    EXPECT_TRUE(refused({0xf2, 0xc4, 0xe1, 0x7c, 0x28, 0xc1}));
    EXPECT_TRUE(refused({0xf0, 0xc5, 0xf9, 0x6f, 0xc1}));
    EXPECT_TRUE(refused({0x48, 0xc5, 0xf9, 0x6f, 0xc1}));
    // Maps other than 1-3.
    EXPECT_TRUE(refused({0xc4, 0xe0, 0x7d, 0x00, 0xc1}));
    EXPECT_TRUE(refused({0xc4, 0xe4, 0x7d, 0x00, 0xc1}));
    EXPECT_TRUE(refused({0xc4, 0xe8, 0x78, 0xc0, 0xc1, 0x05}));
}

TEST(InstructionDecoder, Evex) {
    EXPECT_TRUE(decodes({0x62, 0xf1, 0x7c, 0x48, 0x10, 0x00}));             // vmovups (%rax),%zmm0
    EXPECT_TRUE(decodes({0x62, 0xe1, 0xfe, 0x28, 0x6f, 0x07}));             // vmovdqu64 ymm16
    EXPECT_TRUE(decodes({0x62, 0xf1, 0x7d, 0x48, 0x6f, 0x44, 0x24, 0x01})); // disp8*N
    EXPECT_TRUE(decodes({0x62, 0xf1, 0x7d, 0x48, 0x6f, 0x84, 0x24, 1, 2, 3, 4})); // disp32
    EXPECT_TRUE(decodes({0x62, 0xf1, 0x7d, 0x48, 0x72, 0xe0, 0x05}));             // vpsrad $5: imm8
    EXPECT_TRUE(decodes({0x62, 0xf1, 0x7c, 0x48, 0xc2, 0xc1, 0x00})); // vcmpps $0,...,%k0
    EXPECT_TRUE(decodes({0x62, 0xf2, 0x7d, 0x48, 0x00, 0xc1}));       // vpshufb: map 2
    EXPECT_TRUE(decodes({0x62, 0xb2, 0x7d, 0x48, 0x64, 0xc1}));       // vpblendmd %zmm17
    EXPECT_TRUE(decodes({0x62, 0xf3, 0x7d, 0x48, 0x25, 0xc1, 0xff})); // vpternlogd: map 3
    EXPECT_TRUE(decodes({0x62, 0xf3, 0x7d, 0x28, 0x3f, 0x07, 0x00})); // vpcmpb $0,(%rdi): vpcmpeqb
    EXPECT_TRUE(decodes({0x62, 0xf5, 0x7c, 0x48, 0x58, 0xc1}));       // vaddph: map 5
    EXPECT_TRUE(decodes({0x62, 0xf6, 0x7d, 0x48, 0x2c, 0xc1}));       // vscalefph: map 6
    EXPECT_TRUE(decodes({0x62, 0xf1, 0xfd, 0xcb, 0x6f, 0xc1}));       // {k3}{z}
    EXPECT_TRUE(decodes({0x62, 0xf1, 0x7c, 0x58, 0x58, 0x47, 0x01})); // {1to16} broadcast
    // Prefixes EVEX replaces, and maps it does not have (4 and 7 are APX's, 0 is reserved).
    EXPECT_TRUE(refused({0x66, 0x62, 0xf1, 0x7d, 0x48, 0x6f, 0xc1}));
    EXPECT_TRUE(refused({0x48, 0x62, 0xf1, 0x7d, 0x48, 0x6f, 0xc1}));
    EXPECT_TRUE(refused({0x62, 0xf0, 0x7d, 0x48, 0x6f, 0xc1}));
    EXPECT_TRUE(refused({0x62, 0xf4, 0x7d, 0x48, 0x6f, 0xc1}));
    EXPECT_TRUE(refused({0x62, 0xf7, 0x7d, 0x48, 0x6f, 0xc1}));
}

TEST(InstructionDecoder, XopAndPop) {
    EXPECT_TRUE(decodes({0x8f, 0xe8, 0x78, 0xc0, 0xc1, 0x05}));       // vprotb $5: map 8, imm8
    EXPECT_TRUE(decodes({0x8f, 0xe9, 0x78, 0x81, 0xc1}));             // vfrczpd: map 9
    EXPECT_TRUE(decodes({0x8f, 0xea, 0x78, 0x10, 0xc0, 1, 2, 3, 4})); // bextr $imm32: map 0A
    EXPECT_TRUE(refused({0x8f, 0xeb, 0x78, 0x10, 0xc0}));             // map 0B
    EXPECT_TRUE(refused({0x66, 0x8f, 0xe8, 0x78, 0xc0, 0xc1, 0x05}));
    // pop Ev: ModRM.reg 0, so its low five bits stay below 8.
    EXPECT_TRUE(decodes({0x8f, 0xc0}));             // pop %rax
    EXPECT_TRUE(decodes({0x8f, 0x00}));             // pop (%rax)
    EXPECT_TRUE(decodes({0x8f, 0x44, 0x24, 0x08})); // pop 8(%rsp)
    EXPECT_TRUE(decodes({0x41, 0x8f, 0x07}));       // pop (%r15)
    // Any other ModRM.reg sets bit 3 of those bits: 8F /1-/7 is all XOP space.
    EXPECT_TRUE(decodes({0x8f, 0xc8, 0x78, 0xc0, 0xc1, 0x05})); // 8F C8: XOP map 8
    EXPECT_TRUE(refused({0x8f, 0xcb, 0x78, 0xc0, 0xc1}));       // 8F CB: XOP map 0B
}

TEST(InstructionDecoder, ControlTransfers) {
    EXPECT_TRUE(decodes({0x74, 0x05}, control));                   // je rel8
    EXPECT_TRUE(decodes({0x7f, 0xfe}, control));                   // jg rel8
    EXPECT_TRUE(decodes({0xeb, 0xfe}, control));                   // jmp rel8
    EXPECT_TRUE(decodes({0xe0, 0xfe}, control));                   // loopne
    EXPECT_TRUE(decodes({0xe1, 0xfe}, control));                   // loope
    EXPECT_TRUE(decodes({0xe2, 0xfe}, control));                   // loop
    EXPECT_TRUE(decodes({0xe3, 0xfe}, control));                   // jrcxz
    EXPECT_TRUE(decodes({0x67, 0xe3, 0xfe}, control));             // jecxz
    EXPECT_TRUE(decodes({0xe8, 1, 2, 3, 4}, control));             // call rel32
    EXPECT_TRUE(decodes({0xe9, 1, 2, 3, 4}, control));             // jmp rel32
    EXPECT_TRUE(decodes({0x48, 0xe9, 1, 2, 3, 4}, control));       // REX.W: still rel32
    EXPECT_TRUE(decodes({0x0f, 0x84, 1, 2, 3, 4}, control));       // je rel32
    EXPECT_TRUE(decodes({0x0f, 0x8f, 1, 2, 3, 4}, control));       // jg rel32
    EXPECT_TRUE(decodes({0xc3}, control));                         // ret
    EXPECT_TRUE(decodes({0xf3, 0xc3}, control));                   // repz ret
    EXPECT_TRUE(decodes({0xc2, 0x08, 0x00}, control));             // ret $8
    EXPECT_TRUE(decodes({0x66, 0xc2, 0x08, 0x00}, control));       // retw $8: still imm16
    EXPECT_TRUE(decodes({0xca, 0x08, 0x00}, control));             // lret $8
    EXPECT_TRUE(decodes({0xcb}, control));                         // lret
    EXPECT_TRUE(decodes({0x48, 0xcb}, control));                   // lretq
    EXPECT_TRUE(decodes({0xcc}, control));                         // int3
    EXPECT_TRUE(decodes({0xcd, 0x80}, control));                   // int $0x80
    EXPECT_TRUE(decodes({0xcf}, control));                         // iret
    EXPECT_TRUE(decodes({0x48, 0xcf}, control));                   // iretq
    EXPECT_TRUE(decodes({0xf1}, control));                         // int1
    EXPECT_TRUE(decodes({0xf4}, control));                         // hlt
    EXPECT_TRUE(decodes({0xff, 0xd0}, control));                   // call *%rax
    EXPECT_TRUE(decodes({0x41, 0xff, 0xd3}, control));             // call *%r11
    EXPECT_TRUE(decodes({0xff, 0x50, 0x08}, control));             // call *8(%rax)
    EXPECT_TRUE(decodes({0xff, 0x1c, 0x24}, control));             // lcall *(%rsp)
    EXPECT_TRUE(decodes({0xff, 0xe0}, control));                   // jmp *%rax
    EXPECT_TRUE(decodes({0xff, 0x24, 0xc5, 1, 2, 3, 4}, control)); // jmp *x(,%rax,8)
    EXPECT_TRUE(decodes({0x48, 0xff, 0x2c, 0x24}, control));       // ljmp *(%rsp)
    EXPECT_TRUE(decodes({0x0f, 0x05}, control));                   // syscall
    EXPECT_TRUE(decodes({0x0f, 0x07}, control));                   // sysret
    EXPECT_TRUE(decodes({0x48, 0x0f, 0x07}, control));             // sysretq
    EXPECT_TRUE(decodes({0x0f, 0x34}, control));                   // sysenter
    EXPECT_TRUE(decodes({0x0f, 0x35}, control));                   // sysexit
    EXPECT_TRUE(decodes({0x0f, 0x0b}, control));                   // ud2
    EXPECT_TRUE(decodes({0x0f, 0xb9, 0xc0}, control));             // ud1 %eax,%eax
    EXPECT_TRUE(decodes({0x0f, 0xff, 0xc0}, control));             // ud0 %eax,%eax
    EXPECT_TRUE(decodes({0x0f, 0xaa}, control));                   // rsm
    EXPECT_TRUE(decodes({0x0f, 0x37}, control));                   // getsec
    EXPECT_TRUE(decodes({0x0f, 0x01, 0xc1}, control));             // vmcall
    EXPECT_TRUE(decodes({0x0f, 0x01, 0xd9}, control));             // vmmcall
    EXPECT_TRUE(decodes({0x0f, 0x01, 0xd7}, control));             // enclu
    EXPECT_TRUE(decodes({0xf3, 0x0f, 0x01, 0xca}, control));       // eretu
    EXPECT_TRUE(decodes({0xf3, 0x0f, 0x01, 0xec}, control));       // uiret
    EXPECT_TRUE(decodes({0xc6, 0xf8, 0xff}, control));             // xabort $0xff
    EXPECT_TRUE(decodes({0xc7, 0xf8, 1, 2, 3, 4}, control));       // xbegin rel32
    EXPECT_TRUE(decodes({0x66, 0xc7, 0xf8, 1, 2}, control));       // xbegin rel16
    // Look alike, but stay in line.
    EXPECT_TRUE(decodes({0xff, 0xc0}));       // inc %eax (/0)
    EXPECT_TRUE(decodes({0xff, 0xc8}));       // dec %eax (/1)
    EXPECT_TRUE(decodes({0xff, 0x30}));       // push (%rax) (/6)
    EXPECT_TRUE(decodes({0x0f, 0x01, 0xca})); // clac
    EXPECT_TRUE(decodes({0x0f, 0x01, 0xd5})); // xend
    EXPECT_TRUE(decodes({0x0f, 0x01, 0xf9})); // rdtscp
    EXPECT_TRUE(decodes({0x0f, 0x01, 0x10})); // lgdt (%rax)
    EXPECT_TRUE(decodes({0x0f, 0x90, 0xc0})); // seto %al
    EXPECT_TRUE(decodes({0x0f, 0x40, 0xc1})); // cmovo
    EXPECT_TRUE(decodes({0xc6, 0xc0, 0x01})); // mov $1,%al (C6 /0, mod 11)
}

// What tells dead padding from code: where control cannot fall through, where branches land,
// and the nops assemblers pad with.
TEST(InstructionDecoder, FlowBranchTargetsAndNops) {
    auto decoded = [](const Bytes& bytes) { return decode(bytes, bytes.size()); };
    for (const Bytes& ends : std::vector<Bytes>{{0xc3},
                                                {0xc2, 0x08, 0x00},
                                                {0xcb},
                                                {0x48, 0xcf},
                                                {0xeb, 0xfe},
                                                {0xe9, 1, 2, 3, 4},
                                                {0xff, 0xe0},
                                                {0xff, 0x24, 0xc5, 1, 2, 3, 4},
                                                {0x48, 0xff, 0x2c, 0x24},
                                                {0xf4},
                                                {0x0f, 0x0b}})
        EXPECT_TRUE(decoded(ends).ends_flow) << hex(ends);
    for (const Bytes& continues : std::vector<Bytes>{
             {0x74, 0x05}, {0xe8, 1, 2, 3, 4}, {0xff, 0xd0}, {0xcc}, {0x0f, 0x05}, {0x90}})
        EXPECT_FALSE(decoded(continues).ends_flow) << hex(continues);

    EXPECT_TRUE(decoded({0xff, 0xe0}).indirect_jump);                   // jmp *%rax
    EXPECT_TRUE(decoded({0xff, 0x24, 0xc5, 1, 2, 3, 4}).indirect_jump); // jmp *x(,%rax,8)
    EXPECT_TRUE(decoded({0x48, 0xff, 0x2c, 0x24}).indirect_jump);       // ljmp *(%rsp)
    EXPECT_FALSE(decoded({0xff, 0xd0}).indirect_jump);                  // call *%rax

    struct Branch {
        Bytes bytes;
        int32_t displacement;
    };
    for (const Branch& branch : std::vector<Branch>{{{0x74, 0xfe}, -2},
                                                    {{0xeb, 0x7f}, 127},
                                                    {{0xe3, 0x80}, -128},
                                                    {{0xe8, 0x78, 0x56, 0x34, 0x12}, 0x12345678},
                                                    {{0xe9, 0xfb, 0xff, 0xff, 0xff}, -5},
                                                    {{0x0f, 0x84, 0x10, 0, 0, 0}, 16},
                                                    {{0x48, 0xe9, 1, 0, 0, 0}, 1},
                                                    {{0xc7, 0xf8, 0x20, 0, 0, 0}, 32},
                                                    {{0x66, 0xc7, 0xf8, 0xf0, 0xff}, -16}}) {
        DecodedInstruction result = decoded(branch.bytes);
        EXPECT_TRUE(result.relative_branch) << hex(branch.bytes);
        EXPECT_EQ(result.displacement, branch.displacement) << hex(branch.bytes);
    }
    EXPECT_FALSE(decoded({0xff, 0xe0}).relative_branch);
    EXPECT_FALSE(decoded({0xb8, 1, 2, 3, 4}).relative_branch);

    for (const Bytes& nop : std::vector<Bytes>{{0x90},
                                               {0x66, 0x90},
                                               {0x0f, 0x1f, 0x00},
                                               {0x0f, 0x1f, 0x40, 0x00},
                                               {0x0f, 0x1f, 0x44, 0x00, 0x00},
                                               {0x66, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0},
                                               {0x66, 0x2e, 0x0f, 0x1f, 0x84, 0, 0, 0, 0, 0}})
        EXPECT_TRUE(decoded(nop).is_nop) << hex(nop);
    for (const Bytes& other : std::vector<Bytes>{{0x41, 0x90},        // xchg %eax,%r8d
                                                 {0xf3, 0x90},        // pause
                                                 {0x0f, 0x1f, 0x08},  // 0F 1F /1: reserved
                                                 {0x0f, 0x18, 0x00}}) // prefetchnta
        EXPECT_FALSE(decoded(other).is_nop) << hex(other);
}

// Where a RIP-relative operand's displacement lies, so that a moved instruction can keep
// pointing at the same place.
TEST(InstructionDecoder, RipDisplacementPosition) {
    struct Case {
        Bytes bytes;
        uint8_t at;
    };
    for (const Case& c : std::vector<Case>{
             {{0x48, 0x8b, 0x05, 1, 2, 3, 4}, 3},                      // mov x(%rip),%rax
             {{0x48, 0x8d, 0x3d, 1, 2, 3, 4}, 3},                      // lea x(%rip),%rdi
             {{0x8b, 0x05, 1, 2, 3, 4}, 2},                            // mov x(%rip),%eax
             {{0x66, 0x0f, 0x6f, 0x05, 1, 2, 3, 4}, 4},                // movdqa x(%rip),%xmm0
             {{0xc7, 0x05, 1, 2, 3, 4, 5, 6, 7, 8}, 2},                // movl $imm,x(%rip)
             {{0x80, 0x3d, 1, 2, 3, 4, 0}, 2},                         // cmpb $0,x(%rip)
             {{0xc5, 0xfa, 0x6f, 0x05, 1, 2, 3, 4}, 4},                // vmovdqu x(%rip),%xmm0
             {{0x62, 0xf1, 0x7e, 0x48, 0x6f, 0x05, 1, 2, 3, 4}, 6}}) { // vmovdqu32 x(%rip),%zmm0
        DecodedInstruction result = decode(c.bytes, c.bytes.size());
        EXPECT_TRUE(result.rip_relative) << hex(c.bytes);
        EXPECT_EQ(result.rip_displacement_at, c.at) << hex(c.bytes);
    }
}

TEST(InstructionDecoder, NearBranchesWithOperandSizeAreVendorSpecific) {
    // Intel ignores 66 on near jmp/call/jcc in 64-bit mode, AMD reads a rel16: refused.
    EXPECT_TRUE(refused({0x66, 0xe8, 1, 2, 3, 4}));
    EXPECT_TRUE(refused({0x66, 0xe9, 1, 2, 3, 4}));
    EXPECT_TRUE(refused({0x66, 0x0f, 0x84, 1, 2, 3, 4}));
    // REX.W overrides 66 on both: the TLS general-dynamic call (data16 data16 rex.W call
    // __tls_get_addr), which compilers emit as padding for the linker to relax.
    EXPECT_TRUE(decodes({0x66, 0x66, 0x48, 0xe8, 1, 2, 3, 4}, control));
    EXPECT_TRUE(decodes({0x66, 0x48, 0xe9, 1, 2, 3, 4}, control));
    EXPECT_TRUE(decodes({0x66, 0x48, 0x0f, 0x84, 1, 2, 3, 4}, control));
    EXPECT_TRUE(refused({0x66, 0x48, 0x66, 0xe8, 1, 2, 3, 4})); // that REX is ignored
    // rel8 forms have one length either way.
    EXPECT_TRUE(decodes({0x66, 0xeb, 0xfe}, control));
    EXPECT_TRUE(decodes({0x66, 0x74, 0xfe}, control));
}

TEST(InstructionDecoder, InvalidInLongMode) {
    for (uint8_t opcode : {0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37,
                           0x3f, 0x60, 0x61, 0x82, 0x9a, 0xce, 0xd4, 0xd5, 0xd6, 0xea})
        EXPECT_TRUE(refused({opcode, 0xc0, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06}));
    // Unassigned group members.
    EXPECT_TRUE(refused({0xfe, 0xd0}));       // group 4 /2
    EXPECT_TRUE(refused({0xfe, 0x38}));       // group 4 /7
    EXPECT_TRUE(refused({0xff, 0xf8}));       // group 5 /7
    EXPECT_TRUE(refused({0xff, 0x38}));       // group 5 /7, memory
    EXPECT_TRUE(refused({0xc6, 0xc8, 0x01})); // group 11 /1
    EXPECT_TRUE(refused({0xc6, 0x38, 0x01})); // group 11 /7 but not F8
    EXPECT_TRUE(refused({0xc7, 0xf9, 1, 2, 3, 4}));
    // Unassigned 0F bytes.
    for (uint8_t opcode : {0x04, 0x0a, 0x0c, 0x24, 0x25, 0x26, 0x27, 0x36, 0x39, 0x3b, 0x3c, 0x3d,
                           0x3e, 0x3f, 0x7a, 0x7b})
        EXPECT_TRUE(refused({0x0f, opcode, 0xc0, 0x01, 0x02, 0x03, 0x04}));
}

TEST(InstructionDecoder, Truncation) {
    EXPECT_EQ(decode({}, 0).length, 0);
    EXPECT_EQ(decode_instruction(nullptr, 0).length, 0);
    const uint8_t nop = 0x90;
    EXPECT_EQ(decode_instruction(&nop, 0).length, 0);
    // Every way to run out: in the prefixes, the escape, a VEX/EVEX payload, the ModRM, the
    // SIB, the displacement, the immediate. decodes() tries every shorter length.
    EXPECT_TRUE(decodes({0x66, 0xf2, 0x0f, 0x38, 0xf1, 0x44, 0x24, 0x08}));
    EXPECT_TRUE(decodes({0x62, 0xf3, 0x7d, 0x48, 0x25, 0x84, 0x24, 1, 2, 3, 4, 0xff}));
    EXPECT_TRUE(decodes({0xc4, 0xe3, 0x7d, 0x0f, 0x44, 0x24, 0x08, 0x01}));
    EXPECT_TRUE(decodes({0x48, 0xc7, 0x84, 0x24, 1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_TRUE(decodes({0x48, 0xb8, 1, 2, 3, 4, 5, 6, 7, 8}));
    EXPECT_TRUE(decodes({0x8f, 0xea, 0x78, 0x10, 0xc0, 1, 2, 3, 4}));
    EXPECT_TRUE(decodes({0x0f, 0x0f, 0x44, 0x24, 0x08, 0x9e}));
}

// Random bytes: the length stays within what was given and 15 bytes, and a decoded instruction
// decodes the same from exactly its own bytes and not at all from fewer.
TEST(InstructionDecoder, RandomBytesStayInBounds) {
    std::mt19937 random(12345);
    // Bias towards prefixes and escapes, where the interesting paths are.
    const uint8_t interesting[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e, 0x48, 0x41, 0x0f,
                                   0x38, 0x3a, 0xc4, 0xc5, 0x62, 0x8f, 0x05, 0x04, 0x25};
    size_t decoded_count = 0;
    for (int round = 0; round < 100000; ++round) {
        Bytes bytes(1 + random() % 17);
        for (uint8_t& byte : bytes)
            byte = random() % 3 ? uint8_t(random()) : interesting[random() % sizeof interesting];
        DecodedInstruction decoded = decode(bytes, bytes.size());
        ASSERT_LE(decoded.length, bytes.size()) << hex(bytes);
        ASSERT_LE(decoded.length, 15) << hex(bytes);
        if (decoded.length == 0)
            continue;
        ++decoded_count;
        DecodedInstruction exact = decode(bytes, decoded.length);
        ASSERT_EQ(exact.length, decoded.length) << hex(bytes);
        ASSERT_EQ(exact.rip_relative, decoded.rip_relative) << hex(bytes);
        ASSERT_EQ(exact.transfers_control, decoded.transfers_control) << hex(bytes);
        ASSERT_EQ(decode(bytes, decoded.length - 1).length, 0) << hex(bytes);
    }
    EXPECT_GT(decoded_count, 10000u);
}

// --- objdump as the oracle ---------------------------------------------------------------------

// One line of `objdump -d --insn-width=16`: "  addr:\tbytes\tmnemonic operands".
struct ObjdumpLine {
    uint64_t address = 0;
    Bytes bytes;
    std::string text;
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

// False for anything but an instruction line (headers, labels, blank lines, "...").
bool parse_line(const char* line, ObjdumpLine& parsed) {
    const char* p = line;
    while (*p == ' ')
        ++p;
    if (hex_digit(*p) < 0)
        return false;
    parsed.address = 0;
    for (; hex_digit(*p) >= 0; ++p)
        parsed.address = parsed.address << 4 | uint64_t(hex_digit(*p));
    if (p[0] != ':' || p[1] != '\t')
        return false;
    p += 2;
    parsed.bytes.clear();
    while (hex_digit(p[0]) >= 0 && hex_digit(p[1]) >= 0) {
        parsed.bytes.push_back(uint8_t(hex_digit(p[0]) << 4 | hex_digit(p[1])));
        p += 2;
        while (*p == ' ')
            ++p;
    }
    if (parsed.bytes.empty())
        return false;
    if (*p == '\t')
        ++p;
    parsed.text.assign(p);
    while (!parsed.text.empty() && (parsed.text.back() == '\n' || parsed.text.back() == ' '))
        parsed.text.pop_back();
    return true;
}

// The words objdump shows for prefixes: legacy ones, REX ("rex", "rex.W", ...) and hints.
bool is_prefix_word(std::string_view word) {
    static const std::string_view prefixes[] = {
        "lock",   "rep",     "repz",     "repnz",    "repe",  "repne",  "data16",
        "addr32", "cs",      "ds",       "es",       "ss",    "fs",     "gs",
        "bnd",    "notrack", "xacquire", "xrelease", "{vex}", "{vex3}", "{evex}"};
    if (word.substr(0, 3) == "rex")
        return true;
    for (std::string_view prefix : prefixes)
        if (word == prefix)
            return true;
    return false;
}

// Calls `visit` with each space-separated word of `text` until it returns false.
template <typename Visit> void for_each_word(std::string_view text, Visit visit) {
    while (!text.empty()) {
        size_t end = text.find(' ');
        std::string_view word = text.substr(0, end);
        if (!word.empty() && !visit(word))
            return;
        if (end == std::string_view::npos)
            return;
        text.remove_prefix(end + 1);
    }
}

// A line objdump shows with prefixes only (a REX followed by another prefix, a prefix run it
// does not attach): the CPU reads them as part of the next instruction.
bool only_prefixes(std::string_view text) {
    bool all = !text.empty();
    for_each_word(text, [&](std::string_view word) { return all = is_prefix_word(word); });
    return all;
}

// The mnemonic: the first word that is not a prefix, in the last of the lines merged into
// `text` (joined by " | ").
std::string_view mnemonic(std::string_view text) {
    if (size_t last = text.rfind(" | "); last != std::string_view::npos)
        text.remove_prefix(last + 3);
    std::string_view found;
    for_each_word(text, [&](std::string_view word) {
        if (is_prefix_word(word))
            return true;
        found = word;
        return false;
    });
    return found;
}

// What transfers_control promises, by objdump's name (AT&T, with -M suffix).
bool mnemonic_transfers_control(std::string_view name) {
    static const std::string_view names[] = {
        "j",      "call",   "lcall",    "ljmp",     "ret",    "lret",     "iret",
        "loop",   "int",    "icebp",    "sys",      "ud",     "hlt",      "xbegin",
        "xabort", "vmcall", "vmlaunch", "vmresume", "vmrun",  "vmmcall",  "encl",
        "getsec", "rsm",    "eret",     "uiret",    "tdcall", "seamcall", "seamret"};
    for (std::string_view prefix : names)
        if (name.substr(0, prefix.size()) == prefix)
            return true;
    return false;
}

bool is_legacy_prefix(uint8_t byte) {
    switch (byte) {
    case 0x66:
    case 0x67:
    case 0xf0:
    case 0xf2:
    case 0xf3:
    case 0x2e:
    case 0x36:
    case 0x3e:
    case 0x26:
    case 0x64:
    case 0x65:
        return true;
    default:
        return false;
    }
}

// The offset of the first byte after the legacy and REX prefixes.
size_t opcode_offset(const uint8_t* bytes, size_t count) {
    size_t i = 0;
    while (i < count && (is_legacy_prefix(bytes[i]) || (bytes[i] & 0xf0) == 0x40))
        ++i;
    return i;
}

// Encodings objdump decodes one way and the decoder refuses on purpose: 66 without REX.W on a
// near jmp/call/jcc (rel16 on AMD, rel32 on Intel), and VEX or EVEX after 66, F2, F3, lock or
// REX (#UD, SDM 2.3.2-2.3.4). Both turn up only in data that lies in .text.
bool refused_on_purpose(const uint8_t* bytes, size_t count) {
    size_t opcode = opcode_offset(bytes, count);
    if (opcode == 0 || opcode >= count)
        return false;
    bool operand_size = false;
    for (size_t i = 0; i < opcode; ++i)
        operand_size = operand_size || bytes[i] == 0x66;
    uint8_t byte = bytes[opcode];
    if (byte == 0xc4 || byte == 0xc5 || byte == 0x62) {
        uint8_t last = bytes[opcode - 1];
        return operand_size || last == 0xf0 || last == 0xf2 || last == 0xf3 ||
               (last & 0xf0) == 0x40;
    }
    bool rex_w = (bytes[opcode - 1] & 0xf8) == 0x48;
    return operand_size && !rex_w &&
           (byte == 0xe8 || byte == 0xe9 ||
            (byte == 0x0f && opcode + 1 < count && (bytes[opcode + 1] & 0xf0) == 0x80));
}

struct OracleCounts {
    size_t compared = 0;
    size_t vex = 0;
    size_t evex = 0;
    size_t rip_relative = 0;
    size_t control = 0;
    size_t skipped_undecoded = 0;
    size_t skipped_on_purpose = 0;
};

std::string objdump_problem() {
    FILE* pipe = popen("objdump --version 2>/dev/null", "r");
    if (!pipe)
        return "cannot run objdump";
    char buffer[256];
    bool any = std::fgets(buffer, sizeof buffer, pipe) != nullptr;
    while (std::fgets(buffer, sizeof buffer, pipe))
        ;
    int status = pclose(pipe);
    if (!any || status != 0)
        return "objdump is not installed";
    return {};
}

// An instruction as objdump shows it, within a run of contiguous bytes.
struct OracleInstruction {
    size_t start;       // offset in the run's bytes
    size_t text_start;  // offset in the run's text: objdump's, merged lines joined by " | "
    bool skip;          // not an instruction for objdump: (bad), .byte, cut at a symbol
    bool prefixes_only; // objdump's text (its last line) is prefixes alone
};

class OracleRun {
public:
    explicit OracleRun(OracleCounts& counts) : m_counts(counts) {}

    // Adds one line of objdump's; a gap in the addresses starts a new run.
    void add(const ObjdumpLine& line) {
        if (!m_instructions.empty() && line.address != m_end_address)
            check();
        m_end_address = line.address + line.bytes.size();
        bool merge =
            !m_instructions.empty() && (line.text.empty() || m_instructions.back().prefixes_only);
        if (merge) {
            // A continuation line of the previous instruction's bytes, or what follows a line
            // of prefixes alone (seen in data within .text, never in compiled code): for the
            // CPU the two lines are one instruction.
            m_text += " | ";
        } else {
            m_instructions.push_back({m_bytes.size(), m_text.size(), false, false});
        }
        OracleInstruction& last = m_instructions.back();
        last.prefixes_only = only_prefixes(line.text);
        last.skip = last.skip || line.text.find("(bad)") != std::string::npos ||
                    line.text.find(".byte") != std::string::npos;
        m_text += line.text;
        m_bytes.insert(m_bytes.end(), line.bytes.begin(), line.bytes.end());
    }

    // A label or other non-instruction line: prefixes objdump left alone before it were cut
    // off by the symbol, so they are not compared.
    void boundary() {
        if (!m_instructions.empty() && m_instructions.back().prefixes_only)
            m_instructions.back().skip = true;
    }

    // Compares every instruction of the run with the decoder; clears the run.
    void check() {
        boundary();
        for (size_t i = 0; i < m_instructions.size(); ++i) {
            const OracleInstruction& instruction = m_instructions[i];
            bool last = i + 1 == m_instructions.size();
            size_t end = last ? m_bytes.size() : m_instructions[i + 1].start;
            size_t text_end = last ? m_text.size() : m_instructions[i + 1].text_start;
            std::string_view text(m_text);
            compare(instruction, end - instruction.start,
                    text.substr(instruction.text_start, text_end - instruction.text_start));
        }
        m_bytes.clear();
        m_text.clear();
        m_instructions.clear();
    }

    size_t mismatches() const { return m_mismatches; }
    const std::string& report() const { return m_report; }

private:
    void compare(const OracleInstruction& instruction, size_t expected, std::string_view text) {
        if (instruction.skip) {
            ++m_counts.skipped_undecoded;
            return;
        }
        const uint8_t* bytes = m_bytes.data() + instruction.start;
        size_t available = m_bytes.size() - instruction.start;
        DecodedInstruction decoded = decode_instruction(bytes, available);
        if (decoded.length > 0 && decoded.length < expected && bytes[decoded.length - 1] == 0x9b) {
            // objdump shows fwait (9B) and the x87 instruction after it as one (fstsw rather
            // than fnstsw): two instructions for the CPU, and both must decode.
            DecodedInstruction x87 =
                decode_instruction(bytes + decoded.length, available - decoded.length);
            x87.length = x87.length ? uint8_t(x87.length + decoded.length) : 0;
            decoded = x87;
        }
        if (decoded.length == 0 && refused_on_purpose(bytes, expected)) {
            ++m_counts.skipped_on_purpose;
            return;
        }
        bool rip = text.find("(%rip)") != std::string_view::npos ||
                   text.find("(%eip)") != std::string_view::npos;
        bool control = mnemonic_transfers_control(mnemonic(text));
        ++m_counts.compared;
        size_t opcode = opcode_offset(bytes, expected);
        if (opcode < expected) {
            m_counts.vex += bytes[opcode] == 0xc4 || bytes[opcode] == 0xc5;
            m_counts.evex += bytes[opcode] == 0x62;
        }
        m_counts.rip_relative += rip;
        m_counts.control += control;
        if (decoded.length == expected && decoded.rip_relative == rip &&
            decoded.transfers_control == control)
            return;
        if (++m_mismatches <= 20)
            m_report += "  " + hex(bytes, expected) + "  " + std::string(text) +
                        "\n    objdump: length " + std::to_string(expected) +
                        (rip ? ", rip-relative" : "") + (control ? ", transfers control" : "") +
                        "; decoder: " + describe(decoded) + "\n";
    }

    OracleCounts& m_counts;
    Bytes m_bytes;      // the run's contiguous bytes
    std::string m_text; // objdump's text for them
    std::vector<OracleInstruction> m_instructions;
    uint64_t m_end_address = 0;
    size_t m_mismatches = 0;
    std::string m_report;
};

// Disassembles `path` with objdump and checks every instruction's length, rip_relative and
// transfers_control against it. Each instruction is decoded with the bytes that really follow
// it available (the rest of its run of contiguous lines), as when decoding a function forward.
void check_against_objdump(const std::string& path, OracleCounts& counts) {
    std::string command = "objdump -d --insn-width=16 -M suffix '" + path + "' 2>/dev/null";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr) << command;
    OracleRun run(counts);
    char* line = nullptr;
    size_t capacity = 0;
    ObjdumpLine parsed;
    while (getline(&line, &capacity, pipe) > 0) {
        if (parse_line(line, parsed))
            run.add(parsed);
        else
            run.boundary(); // a section header, a label, "..." for skipped zeros, a blank line
    }
    run.check();
    std::free(line);
    int status = pclose(pipe);
    EXPECT_EQ(status, 0) << command;
    EXPECT_EQ(run.mismatches(), 0u) << path << ": " << run.mismatches() << " of " << counts.compared
                                    << " instructions differ from objdump; the first ones:\n"
                                    << run.report();
    std::printf("[ oracle   ] %s: %zu instructions compared (%zu VEX, %zu EVEX, %zu rip-relative, "
                "%zu control transfers); skipped %zu that objdump does not decode, %zu the "
                "decoder refuses on purpose\n",
                path.c_str(), counts.compared, counts.vex, counts.evex, counts.rip_relative,
                counts.control, counts.skipped_undecoded, counts.skipped_on_purpose);
}

#define SKIP_UNLESS_AVAILABLE(path)                                                                \
    do {                                                                                           \
        if (std::string problem = objdump_problem(); !problem.empty())                             \
            GTEST_SKIP() << problem;                                                               \
        if (access((path), R_OK) != 0)                                                             \
            GTEST_SKIP() << (path) << " is missing";                                               \
    } while (0)

// Compiled code has no data in .text: objdump decodes every byte, and nothing is refused.
void expect_only_instructions(const OracleCounts& counts) {
    EXPECT_EQ(counts.skipped_undecoded, 0u);
    EXPECT_EQ(counts.skipped_on_purpose, 0u);
}

// glibc: compiled C and its hand-written string functions, AVX2 and EVEX among them.
TEST(InstructionDecoderOracle, SharedCLibrary) {
    const char* path = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    SKIP_UNLESS_AVAILABLE(path);
    OracleCounts counts;
    check_against_objdump(path, counts);
    expect_only_instructions(counts);
    EXPECT_GT(counts.compared, 100000u);
    EXPECT_GT(counts.vex, 1000u);
    EXPECT_GT(counts.evex, 1000u);
    EXPECT_GT(counts.rip_relative, 1000u);
}

// x87, and FMA variants of the math functions.
TEST(InstructionDecoderOracle, MathLibrary) {
    const char* path = "/usr/lib/x86_64-linux-gnu/libm.so.6";
    SKIP_UNLESS_AVAILABLE(path);
    OracleCounts counts;
    check_against_objdump(path, counts);
    expect_only_instructions(counts);
    EXPECT_GT(counts.compared, 10000u);
    EXPECT_GT(counts.vex, 1000u);
}

// Compiled C++, with TLS general-dynamic calls (data16 data16 rex.W call __tls_get_addr).
TEST(InstructionDecoderOracle, CxxLibrary) {
    const char* path = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
    SKIP_UNLESS_AVAILABLE(path);
    OracleCounts counts;
    check_against_objdump(path, counts);
    expect_only_instructions(counts);
    EXPECT_GT(counts.compared, 100000u);
}

// OpenSSL's generated assembly: AES-NI, SHA, VAES, VPCLMULQDQ, AVX-512, and tables in .text
// that objdump decodes as whatever they happen to spell.
TEST(InstructionDecoderOracle, CryptoLibrary) {
    const char* path = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3";
    SKIP_UNLESS_AVAILABLE(path);
    OracleCounts counts;
    check_against_objdump(path, counts);
    EXPECT_GT(counts.compared, 100000u);
    EXPECT_GT(counts.evex, 1000u);
}

#ifdef INGOT_TEST_STATIC_PROGRAM
// A static program: the C library's archive objects, linked.
TEST(InstructionDecoderOracle, StaticProgram) {
    const char* path = INGOT_TEST_STATIC_PROGRAM;
    SKIP_UNLESS_AVAILABLE(path);
    OracleCounts counts;
    check_against_objdump(path, counts);
    expect_only_instructions(counts);
    EXPECT_GT(counts.compared, 10000u);
}
#endif

#ifdef INGOT_TEST_KERNEL_ELF
TEST(InstructionDecoderOracle, Kernel) {
    const char* path = INGOT_TEST_KERNEL_ELF;
    SKIP_UNLESS_AVAILABLE(path);
    OracleCounts counts;
    check_against_objdump(path, counts);
    EXPECT_GT(counts.compared, 1000u);
}
#endif

// More files on demand, kept out of the default run for time, e.g.
//   INGOT_DECODER_ORACLE_FILES=/usr/lib/x86_64-linux-gnu/libc.a:/usr/lib/x86_64-linux-gnu/libLLVM-15.so.1
TEST(InstructionDecoderOracle, FilesFromEnvironment) {
    const char* list = std::getenv("INGOT_DECODER_ORACLE_FILES");
    if (!list || !*list)
        GTEST_SKIP() << "INGOT_DECODER_ORACLE_FILES is not set";
    std::string_view files(list);
    while (!files.empty()) {
        size_t end = files.find(':');
        std::string path(files.substr(0, end));
        files.remove_prefix(end == std::string_view::npos ? files.size() : end + 1);
        if (path.empty())
            continue;
        SKIP_UNLESS_AVAILABLE(path.c_str());
        OracleCounts counts;
        check_against_objdump(path, counts);
        EXPECT_GT(counts.compared, 0u) << path;
    }
}

} // namespace
