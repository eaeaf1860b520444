#!/usr/bin/env bash
# Inputs Ingot must refuse: make_bad_inputs.sh OUTDIR [GCC]
#   not-elf.txt   a text file
#   empty.bin     an empty file
#   elf32         a 32-bit x86 ELF executable: from gcc -m32 -static when that works,
#                 otherwise a minimal hand-made one (header, one PT_LOAD, "exit(7)")
set -eu
out=$1
gcc=${2:-gcc}
mkdir -p "$out"
printf 'This is a plain text file, not a program.\n' >"$out/not-elf.txt"
: >"$out/empty.bin"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int main(void) { return 7; }\n' >"$tmp/t.c"
if "$gcc" -m32 -static -O2 "$tmp/t.c" -o "$tmp/elf32" 2>/dev/null; then
    cp "$tmp/elf32" "$out/elf32"
    exit 0
fi
# Hand-made ELF32: 52-byte header + 32-byte program header + 12 bytes of code at 0x08048054:
#   mov eax,1 ; mov ebx,7 ; int 0x80
{
    printf '\x7fELF\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00' # e_ident: ELFCLASS32, LSB
    printf '\x02\x00\x03\x00\x01\x00\x00\x00'                         # ET_EXEC, EM_386, version 1
    printf '\x54\x80\x04\x08\x34\x00\x00\x00\x00\x00\x00\x00'         # entry, phoff 52, shoff 0
    printf '\x00\x00\x00\x00\x34\x00\x20\x00\x01\x00\x00\x00\x00\x00\x00\x00' # flags, sizes, 1 phdr
    printf '\x01\x00\x00\x00\x00\x00\x00\x00\x00\x80\x04\x08\x00\x80\x04\x08' # PT_LOAD at 0x08048000
    printf '\x60\x00\x00\x00\x60\x00\x00\x00\x05\x00\x00\x00\x00\x10\x00\x00' # sizes, R+X, align
    printf '\xb8\x01\x00\x00\x00\xbb\x07\x00\x00\x00\xcd\x80'                 # the code
} >"$out/elf32"
chmod +x "$out/elf32"
