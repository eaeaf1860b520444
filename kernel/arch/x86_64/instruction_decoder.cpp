// x86-64 instruction length decoding (64-bit mode only), after the Intel SDM vol. 2:
//
//   2.1      the instruction format: prefixes, opcode, ModRM, SIB, displacement, immediate
//   2.1.1    legacy prefixes (groups 1-4); 2.2.1 REX, which counts only right before the opcode
//   2.1.5    ModRM and SIB (tables 2-2 and 2-3), 2.2.1.6 RIP-relative addressing
//   2.3      VEX (C4: three bytes, C5: two); 2.3.2 the prefixes VEX refuses
//   2.7      EVEX (62 plus three payload bytes)
//   appendix A: the opcode maps (A.3: one-byte, 0F, 0F38, 0F3A; A.4: groups by ModRM.reg)
//
// plus AMD's XOP (AMD64 APM vol. 3, 1.8: 8F with map select >= 8, VEX-shaped) and 3DNow!
// (0F 0F ModRM, then one opcode byte that trails like an imm8).
//
// The decoder reads forward and needs nothing but the bytes: the length falls out of the opcode
// map, ModRM/SIB, and the operand-size (66, REX.W) and address-size (67) attributes. It never
// reads code[i] for i >= available and stops at 15 bytes, the architectural limit.
#include "arch/x86_64/instruction_decoder.h"

namespace kernel::x86 {

namespace {

// SDM 2.3.11: "the maximum length of an Intel 64 and IA-32 instruction remains 15 bytes";
// longer is #GP.
constexpr size_t max_instruction_length = 15;

// What follows an opcode byte of the legacy maps (one-byte and 0F). The names are two letters
// so that the maps below line up as the SDM's tables do; the SDM's operand codes are in brackets.
enum Shape : uint8_t {
    Xx, // invalid in 64-bit mode (#UD), or unassigned: decoded as length 0
    No, // nothing: the opcode byte(s) are the whole instruction
    Mr, // ModRM, with its SIB and displacement [E, G, M, ...]
    Mb, // ModRM, then imm8 [Ev,Ib]
    Mz, // ModRM, then imm16 with 66, else imm32 [Ev,Iz]
    Ib, // imm8 [Ib]
    Iw, // imm16 [Iw]
    Iz, // imm16 with 66, else imm32 [Iz]
    Iv, // imm16 / imm32 / imm64 by operand size: mov reg, imm (B8-BF) [Iv]
    En, // imm16 then imm8: enter (C8) [Iw,Ib]
    Mo, // a moffs: 8 bytes, 4 with 67: mov al/rax <-> [moffs] (A0-A3) [Ob, Ov]
    Jb, // rel8 [Jb]
    Jz, // rel32 [Jz]. With 66 (and no REX.W, which overrides it), Intel ignores the prefix
        // and AMD reads a rel16 (and truncates RIP): the length depends on the vendor, so such
        // a near jmp/call/jcc is refused. 66 66 48 E8 is the usual TLS general-dynamic call.
    Tb, // group 3 on Eb (F6): ModRM; /0 and /1 (test) add an imm8
    Tz, // group 3 on Ev (F7): ModRM; /0 and /1 (test) add an imm16/imm32 like Iz
    Cr, // ModRM whose mod is ignored and read as 11: mov to/from CRn/DRn (0F 20-23)
    Sa, // 0F 78: vmread (ModRM); with 66 or F2 AMD's SSE4a extrq/insertq, ModRM + imm8 + imm8
    Px, // a prefix (legacy or REX): consumed before the opcode, never looked up
    Es, // an escape (0F, VEX C4/C5, EVEX 62): dispatched before the lookup
};

// clang-format off

// SDM table A-2, the one-byte opcode map; rows are the high nibble, columns the low one.
// Invalid in 64-bit mode: push/pop es/cs/ss/ds (06 07 0E 16 17 1E 1F), daa das aaa aas (27 2F
// 37 3F), pusha popa (60 61), 82 (the alias of 80), far call/jmp ptr16:32 (9A EA), into (CE),
// aam aad salc (D4 D5 D6). 62, C4 and C5 are EVEX and VEX, never bound/les/lds.
constexpr Shape one_byte_map[256] = {
//   0   1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
    Mr, Mr, Mr, Mr, Ib, Iz, Xx, Xx, Mr, Mr, Mr, Mr, Ib, Iz, Xx, Es, // 0  add, or
    Mr, Mr, Mr, Mr, Ib, Iz, Xx, Xx, Mr, Mr, Mr, Mr, Ib, Iz, Xx, Xx, // 1  adc, sbb
    Mr, Mr, Mr, Mr, Ib, Iz, Px, Xx, Mr, Mr, Mr, Mr, Ib, Iz, Px, Xx, // 2  and, sub; es cs
    Mr, Mr, Mr, Mr, Ib, Iz, Px, Xx, Mr, Mr, Mr, Mr, Ib, Iz, Px, Xx, // 3  xor, cmp; ss ds
    Px, Px, Px, Px, Px, Px, Px, Px, Px, Px, Px, Px, Px, Px, Px, Px, // 4  REX
    No, No, No, No, No, No, No, No, No, No, No, No, No, No, No, No, // 5  push, pop
    Xx, Xx, Es, Mr, Px, Px, Px, Px, Iz, Mz, Ib, Mb, No, No, No, No, // 6  movsxd; fs gs 66 67
    Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, Jb, // 7  jcc rel8
    Mb, Mz, Xx, Mb, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // 8  group 1, test, xchg, mov
    No, No, No, No, No, No, No, No, No, No, Xx, No, No, No, No, No, // 9  xchg, cbw, pushf, sahf
    Mo, Mo, Mo, Mo, No, No, No, No, Ib, Iz, No, No, No, No, No, No, // A  mov moffs, string ops
    Ib, Ib, Ib, Ib, Ib, Ib, Ib, Ib, Iv, Iv, Iv, Iv, Iv, Iv, Iv, Iv, // B  mov reg, imm
    Mb, Mb, Iw, No, Es, Es, Mb, Mz, En, No, Iw, No, No, Ib, Xx, No, // C  shifts, ret, mov, enter
    Mr, Mr, Mr, Mr, Xx, Xx, Xx, No, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // D  shifts, xlat, x87
    Jb, Jb, Jb, Jb, Ib, Ib, Ib, Ib, Jz, Jz, Xx, Jb, No, No, No, No, // E  loop, in/out, call, jmp
    Px, No, Px, Px, No, No, Tb, Tz, No, No, No, No, No, No, Mr, Mr, // F  lock rep; hlt, group 3-5
};

// SDM table A-3, the two-byte opcode map (0F xx). Every 0F 38 xx has a ModRM and nothing else,
// every 0F 3A xx a ModRM and an imm8 (tables ), so those two maps need no table.
// Unassigned: 04 0A 0C 24-27 (mov TRn is gone) 36 39 3B-3F 7A 7B. A6 and A7, reserved for
// Intel, are VIA PadLock's xsha*/montmul and xstore/xcrypt* (ModRM forms, mod 11), which
// cryptographic libraries carry.
constexpr Shape two_byte_map[256] = {
//   0   1   2   3   4   5   6   7   8   9   A   B   C   D   E   F
    Mr, Mr, Mr, Mr, Xx, No, No, No, No, No, Xx, No, Xx, Mr, No, Mb, // 0  groups 6-7, syscall, ud2, 3DNow!
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // 1  SSE moves, prefetch, nop Ev
    Cr, Cr, Cr, Cr, Xx, Xx, Xx, Xx, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // 2  mov CR/DR, SSE
    No, No, No, No, No, No, Xx, No, Es, Xx, Es, Xx, Xx, Xx, Xx, Xx, // 3  msr, tsc, sysenter; 38 3A
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // 4  cmovcc
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // 5  SSE
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // 6  MMX/SSE
    Mb, Mb, Mb, Mb, Mr, Mr, Mr, No, Sa, Mr, Xx, Xx, Mr, Mr, Mr, Mr, // 7  pshuf, groups 12-14, emms
    Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, Jz, // 8  jcc rel32
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // 9  setcc
    No, No, No, Mr, Mb, Mr, Mr, Mr, No, No, No, Mr, Mb, Mr, Mr, Mr, // A  fs gs, cpuid, bt, shld/shrd
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mb, Mr, Mr, Mr, Mr, Mr, // B  cmpxchg, movzx, group 8
    Mr, Mr, Mb, Mr, Mb, Mb, Mb, Mr, No, No, No, No, No, No, No, No, // C  xadd, cmpps, group 9, bswap
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // D  MMX/SSE
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // E  MMX/SSE
    Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, Mr, // F  MMX/SSE, ud0
};

// clang-format on

// A set of opcode bytes (a 256-bit table), written as a list of bytes and ranges.
class OpcodeSet {
public:
    struct Range {
        constexpr Range(uint8_t opcode) : first(opcode), last(opcode) {}
        constexpr Range(uint8_t first, uint8_t last) : first(first), last(last) {}
        uint8_t first;
        uint8_t last;
    };

    template <size_t count> constexpr OpcodeSet(const Range (&ranges)[count]) {
        for (const Range& range : ranges)
            for (unsigned opcode = range.first; opcode <= range.last; ++opcode)
                m_bits[opcode / 64] |= uint64_t(1) << (opcode % 64);
    }

    constexpr bool contains(uint8_t opcode) const {
        return (m_bits[opcode / 64] >> (opcode % 64)) & 1;
    }

private:
    uint64_t m_bits[4] = {};
};

// Opcodes that transfer control or whose effect depends on where they lie (beyond
// RIP-relative operands, which rip_relative reports). One-byte map: jcc rel8; ret imm16, ret;
// far ret imm16, far ret, int3, int imm8; iret; loopne, loope, loop, jrcxz; call rel32,
// jmp rel32; jmp rel8; int1; hlt. Groups add FF /2-/5 (indirect and far call/jmp) and
// xabort/xbegin (C6 F8, C7 F8), see decode_legacy.
constexpr OpcodeSet one_byte_control(
    {{0x70, 0x7f}, {0xc2, 0xc3}, {0xca, 0xcd}, 0xcf, {0xe0, 0xe3}, {0xe8, 0xe9}, 0xeb, 0xf1, 0xf4});

// 0F map: syscall, sysret, ud2, sysenter and sysexit, getsec, jcc rel32, rsm, ud1, ud0. Group
// 7 (0F 01) adds the register forms below.
constexpr OpcodeSet
    map_0f_control({0x05, 0x07, 0x0b, {0x34, 0x35}, 0x37, {0x80, 0x8f}, 0xaa, 0xb9, 0xff});

// 0F 01 with these whole ModRM bytes (SDM table A-6, group 7, mod 11): enclv, vmcall,
// vmlaunch, vmresume; tdcall (66); seamret (66); encls, or seamcall with 66; enclu, vmrun,
// vmmcall. erets/eretu (F2/F3 0F 01 CA) and uiret (F3 0F 01 EC) are checked with their
// prefix: without it, 0F 01 CA is clac.
constexpr OpcodeSet group7_control({{0xc0, 0xc3}, 0xcc, {0xce, 0xcf}, {0xd7, 0xd9}});

// VEX and EVEX map 1 (0F) opcodes with an imm8: pshufd & co., the shift-by-immediate groups
// 12-14, cmpps, pinsrw, pextrw, shufps (the table A-3 entries with Ib that VEX encodes).
constexpr OpcodeSet vector_map1_imm8({{0x70, 0x73}, 0xc2, {0xc4, 0xc6}});

// Reads forward within min(available, 15) bytes; past that, every read fails.
class Reader {
public:
    Reader(const uint8_t* code, size_t available)
        : m_code(code),
          m_limit(available < max_instruction_length ? available : max_instruction_length) {}

    bool next(uint8_t& byte) {
        if (m_position >= m_limit)
            return false;
        byte = m_code[m_position++];
        return true;
    }
    bool peek(uint8_t& byte) const {
        if (m_position >= m_limit)
            return false;
        byte = m_code[m_position];
        return true;
    }
    bool skip(size_t count) {
        if (count > m_limit - m_position)
            return false;
        m_position += count;
        return true;
    }
    size_t position() const { return m_position; }
    const uint8_t* bytes() const { return m_code; }

private:
    const uint8_t* m_code;
    size_t m_limit;
    size_t m_position = 0;
};

struct Prefixes {
    bool lock = false;         // F0
    bool repne = false;        // F2
    bool rep = false;          // F3
    bool operand_size = false; // 66
    bool address_size = false; // 67
    uint8_t rex = 0;           // 40-4F right before the opcode, else 0
    bool rex_w() const { return rex & 0x08; }
};

// SDM 2.1.1: group 1 (F0 F2 F3), group 2 (segment overrides 2E 36 3E 26 64 65, of which 2E
// and 3E also serve as branch hints), group 3 (66), group 4 (67). Any number, in any order.
// REX (2.2.1.1) counts only as the last prefix; one followed by a legacy prefix is ignored.
bool read_prefixes(Reader& in, Prefixes& prefixes, uint8_t& opcode) {
    for (;;) {
        uint8_t byte;
        if (!in.next(byte))
            return false;
        switch (byte) {
        case 0xf0:
            prefixes.lock = true;
            break;
        case 0xf2:
            prefixes.repne = true;
            break;
        case 0xf3:
            prefixes.rep = true;
            break;
        case 0x66:
            prefixes.operand_size = true;
            break;
        case 0x67:
            prefixes.address_size = true;
            break;
        case 0x2e:
        case 0x36:
        case 0x3e:
        case 0x26:
        case 0x64:
        case 0x65:
            break;
        default:
            if ((byte & 0xf0) == 0x40) {
                prefixes.rex = byte;
                continue;
            }
            opcode = byte;
            return true;
        }
        prefixes.rex = 0;
    }
}

// ModRM, then SIB and displacement as the ModRM asks (SDM 2.1.5, tables 2-2 and 2-3; 2.2.1.6).
// A 67 prefix selects 32-bit addressing, which in 64-bit mode has the same ModRM form (16-bit
// addressing does not exist there): mod 00 r/m 101 is [rip/eip + disp32], and a SIB with base
// 101 under mod 00 has a disp32 and no base.
bool read_modrm(Reader& in, uint8_t& modrm, DecodedInstruction& result) {
    if (!in.next(modrm))
        return false;
    uint8_t mod = modrm >> 6;
    uint8_t rm = modrm & 7;
    if (mod == 3)
        return true;
    size_t displacement = mod == 1 ? 1 : mod == 2 ? 4 : 0;
    if (rm == 4) {
        uint8_t sib;
        if (!in.next(sib))
            return false;
        if (mod == 0 && (sib & 7) == 5)
            displacement = 4;
    } else if (mod == 0 && rm == 5) {
        result.rip_relative = true;
        result.rip_displacement_at = uint8_t(in.position());
        displacement = 4;
    }
    return in.skip(displacement);
}

// The size of an Iz immediate: 16 bits with 66, unless REX.W makes the operand 64-bit (and the
// immediate an imm32, sign-extended): SDM 2.2.1.5, vol. 1 table 3-4.
size_t immediate_z(const Prefixes& prefixes) {
    return prefixes.operand_size && !prefixes.rex_w() ? 2 : 4;
}

bool has_modrm(Shape shape) {
    return shape == Mr || shape == Mb || shape == Mz || shape == Tb || shape == Tz || shape == Sa;
}

// The bytes of immediate (or relative offset, or moffs) after the opcode and ModRM.
size_t immediate_size(Shape shape, const Prefixes& prefixes, uint8_t modrm) {
    switch (shape) {
    case Mb:
    case Ib:
    case Jb:
        return 1;
    case Iw:
        return 2;
    case En:
        return 3;
    case Mz:
    case Iz:
        return immediate_z(prefixes);
    case Jz:
        return 4;
    case Iv:
        // mov reg, imm: the full operand size, so imm64 with REX.W (SDM, MOV: REX.W + B8+rd io).
        return prefixes.rex_w() ? 8 : prefixes.operand_size ? 2 : 4;
    case Mo:
        // A0-A3: the offset has the address size, 64 bits unless 67 (SDM 2.2.1.4).
        return prefixes.address_size ? 4 : 8;
    case Tb:
    case Tz:
        // Group 3 (table A-6): /0 test Ib/Iz, and /1 its undocumented alias; /2-/7 take none.
        if (((modrm >> 3) & 7) > 1)
            return 0;
        return shape == Tb ? 1 : immediate_z(prefixes);
    case Sa:
        // 66 0F 78 /0 ib ib (extrq), F2 0F 78 /r ib ib (insertq); plain 0F 78 is vmread.
        return prefixes.operand_size || prefixes.repne ? 2 : 0;
    default:
        return 0;
    }
}

// A.4: the groups whose ModRM.reg leaves encodings unassigned (#UD): group 4 (FE: /0 /1),
// group 5 (FF: /7 unassigned), group 11 (C6 C7: /0 mov, and the whole byte F8 for
// xabort/xbegin). Group 1A (8F) needs no check: its /1-/7 are XOP, dispatched earlier.
bool one_byte_group_valid(uint8_t opcode, uint8_t modrm) {
    uint8_t reg = (modrm >> 3) & 7;
    switch (opcode) {
    case 0xfe:
        return reg <= 1;
    case 0xff:
        return reg != 7;
    case 0xc6:
    case 0xc7:
        return reg == 0 || modrm == 0xf8;
    default:
        return true;
    }
}

enum class LegacyMap { OneByte, Escape0F, Escape0F38, Escape0F3A };

int32_t little_endian_signed(const uint8_t* bytes, size_t size) {
    if (size == 1)
        return static_cast<int8_t>(bytes[0]);
    if (size == 2)
        return static_cast<int16_t>(bytes[0] | (bytes[1] << 8));
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i)
        value |= uint32_t(bytes[i]) << (8 * i);
    return static_cast<int32_t>(value);
}

// ends_flow, relative_branch, indirect_jump and is_nop for a legacy-map instruction: `one_byte`
// or `two_byte` is its opcode in that map (-1 when in the other), `immediate` its last bytes.
void describe_flow(DecodedInstruction& result, int one_byte, int two_byte, Shape shape,
                   const Prefixes& prefixes, uint8_t modrm, const uint8_t* immediate,
                   size_t immediate_size) {
    uint8_t reg = (modrm >> 3) & 7;
    bool xbegin = one_byte == 0xc7 && modrm == 0xf8;
    if (shape == Jb || shape == Jz || xbegin) {
        result.relative_branch = true;
        result.displacement = little_endian_signed(immediate, immediate_size);
    }
    result.indirect_jump = one_byte == 0xff && (reg == 4 || reg == 5);
    switch (one_byte) {
    case 0xc2: // ret imm16, ret, far ret imm16, far ret, iret, jmp rel32, jmp rel8, hlt
    case 0xc3:
    case 0xca:
    case 0xcb:
    case 0xcf:
    case 0xe9:
    case 0xeb:
    case 0xf4:
        result.ends_flow = true;
        break;
    case 0x90: // REX.B makes it xchg with r8; F3 makes it pause
        result.is_nop = !(prefixes.rex & 1) && !prefixes.rep;
        break;
    default:
        break;
    }
    if (result.indirect_jump || two_byte == 0x0b)
        result.ends_flow = true;
    if (two_byte == 0x1f && reg == 0)
        result.is_nop = true;
}

// The one-byte, 0F, 0F 38 and 0F 3A maps (no VEX/EVEX/XOP), from the opcode's shape.
DecodedInstruction decode_legacy(Reader& in, const Prefixes& prefixes, uint8_t opcode) {
    DecodedInstruction result;
    LegacyMap map = LegacyMap::OneByte;
    if (opcode == 0x0f) {
        if (!in.next(opcode))
            return {};
        map = LegacyMap::Escape0F;
        if (opcode == 0x38 || opcode == 0x3a) {
            map = opcode == 0x38 ? LegacyMap::Escape0F38 : LegacyMap::Escape0F3A;
            if (!in.next(opcode))
                return {};
        }
    }
    Shape shape;
    switch (map) {
    case LegacyMap::OneByte:
        shape = one_byte_map[opcode];
        result.transfers_control = one_byte_control.contains(opcode);
        break;
    case LegacyMap::Escape0F:
        shape = two_byte_map[opcode];
        result.transfers_control = map_0f_control.contains(opcode);
        break;
    case LegacyMap::Escape0F38: // table A-4: a ModRM and nothing else
        shape = Mr;
        break;
    case LegacyMap::Escape0F3A: // table A-5: a ModRM and an imm8
        shape = Mb;
        break;
    }

    if (shape == Xx || shape == Px || shape == Es)
        return {};
    if (shape == Jz && prefixes.operand_size && !prefixes.rex_w())
        return {}; // see Jz
    uint8_t modrm = 0;
    if (shape == Cr) {
        // SDM vol. 2, MOV (control and debug registers): "the mod field is ignored"; the r/m
        // operand is always a register, so no SIB or displacement follows.
        if (!in.next(modrm))
            return {};
    } else if (has_modrm(shape) && !read_modrm(in, modrm, result)) {
        return {};
    }
    size_t immediate = immediate_size(shape, prefixes, modrm);

    uint8_t reg = (modrm >> 3) & 7;
    if (map == LegacyMap::OneByte) {
        if (!one_byte_group_valid(opcode, modrm))
            return {};
        // Group 5: call/callf/jmp/jmpf indirect. Group 11: xabort (C6 F8), xbegin (C7 F8,
        // rel16/rel32: the abort handler's address is relative).
        if ((opcode == 0xff && reg >= 2 && reg <= 5) ||
            ((opcode == 0xc6 || opcode == 0xc7) && modrm == 0xf8))
            result.transfers_control = true;
    } else if (map == LegacyMap::Escape0F && opcode == 0x01 && (modrm >> 6) == 3) {
        if (group7_control.contains(modrm) || (modrm == 0xca && (prefixes.rep || prefixes.repne)) ||
            (modrm == 0xec && prefixes.rep))
            result.transfers_control = true;
    }

    size_t immediate_start = in.position();
    if (!in.skip(immediate))
        return {};
    result.length = uint8_t(in.position());
    describe_flow(result, map == LegacyMap::OneByte ? opcode : -1,
                  map == LegacyMap::Escape0F ? opcode : -1, shape, prefixes, modrm,
                  in.bytes() + immediate_start, immediate);
    return result;
}

// VEX (C4, C5), EVEX (62) and XOP (8F): the payload names the opcode map and stands for the
// 66/F2/F3 and REX prefixes, which therefore may not come too; nor may lock (SDM 2.3.2-2.3.4:
// #UD). The opcode always has a ModRM, except VEX 0F 77 (vzeroupper, vzeroall).
DecodedInstruction decode_vector(Reader& in, const Prefixes& prefixes, uint8_t escape) {
    if (prefixes.rex || prefixes.operand_size || prefixes.rep || prefixes.repne || prefixes.lock)
        return {};
    uint8_t payload[3];
    size_t payload_length = escape == 0xc5 ? 1 : escape == 0x62 ? 3 : 2;
    for (size_t i = 0; i < payload_length; ++i)
        if (!in.next(payload[i]))
            return {};
    // C5: [R vvvv L pp], map 0F implied. C4 and 8F: [R X B mmmmm] [W vvvv L pp].
    // 62: [R X B R' 0 mmm] [W vvvv 1 pp] [z L'L b V' aaa] (SDM 2.7.1). Its compressed disp8
    // (disp8*N) is still one byte, so the length needs nothing more of the payload.
    uint8_t map = escape == 0xc5 ? 1 : escape == 0x62 ? payload[0] & 0x07 : payload[0] & 0x1f;

    enum { None, Imm8, Imm32 } immediate;
    switch (map) {
    case 1: // 0F
        immediate = None;
        break;
    case 2: // 0F 38
        immediate = None;
        break;
    case 3: // 0F 3A
        immediate = Imm8;
        break;
    case 5: // EVEX only: the AVX512-FP16 maps 5 and 6, without immediates
    case 6:
        if (escape != 0x62)
            return {};
        immediate = None;
        break;
    case 8: // XOP only (AMD APM vol. 3, 1.8): map 8 has an imm8, map 9 none, map 0A an imm32
    case 9:
    case 10:
        if (escape != 0x8f)
            return {};
        immediate = map == 8 ? Imm8 : map == 9 ? None : Imm32;
        break;
    default: // map 0, EVEX map 4 and 7 (APX), and the reserved ones
        return {};
    }

    uint8_t opcode;
    if (!in.next(opcode))
        return {};
    DecodedInstruction result;
    if (map == 1 && escape != 0x8f && vector_map1_imm8.contains(opcode))
        immediate = Imm8;
    bool has_modrm = !(map == 1 && opcode == 0x77 && escape != 0x62);
    uint8_t modrm;
    if (has_modrm && !read_modrm(in, modrm, result))
        return {};
    if (!in.skip(immediate == Imm8 ? 1 : immediate == Imm32 ? 4 : 0))
        return {};
    result.length = uint8_t(in.position());
    return result;
}

} // namespace

DecodedInstruction decode_instruction(const uint8_t* code, size_t available) {
    Reader in(code, available);
    Prefixes prefixes;
    uint8_t opcode;
    if (!read_prefixes(in, prefixes, opcode))
        return {};
    // In 64-bit mode C4, C5 and 62 are always VEX and EVEX (les, lds and bound are gone).
    // 8F is XOP when the next byte's map select (its low five bits) is 8 or more; pop Ev's
    // ModRM (/0) has those bits below 8 (AMD APM vol. 3, 1.8.1).
    if (opcode == 0xc4 || opcode == 0xc5 || opcode == 0x62)
        return decode_vector(in, prefixes, opcode);
    if (opcode == 0x8f) {
        uint8_t next;
        if (!in.peek(next))
            return {};
        if ((next & 0x1f) >= 8)
            return decode_vector(in, prefixes, opcode);
    }
    return decode_legacy(in, prefixes, opcode);
}

} // namespace kernel::x86
