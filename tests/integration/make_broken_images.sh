#!/usr/bin/env bash
# Images Ingot must refuse, derived from a good one: make_broken_images.sh GOOD.img OUTDIR
#   truncated-half.img      the first half of the image
#   truncated-headers.img   the first 100 bytes (the ELF header, part of the program headers)
#   corrupt-layout.img      the payload header's total_size overwritten with 0xff bytes
#   corrupt-version.img     the payload header's version overwritten
#   corrupt-manifest.img    the manifest's magic overwritten
#   corrupt-program.img     the embedded program's ELF magic overwritten
#   corrupt-payload.img     4 bytes in the middle of the embedded program overwritten: only the
#                           payload's checksum notices
#   corrupt-magic.img       the payload header's magic overwritten
#   no-pvh-note.img         the kernel's PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) made another
#                           Xen note, so QEMU and Firecracker would not find the entry
# The payload header starts with "INGOPAD1" (31 44 41 50 4f 47 4e 49 little-endian) at a
# page-aligned offset; the kernel's code may hold the same bytes elsewhere.
set -eu
good=$1
out=$2
mkdir -p "$out"
size=$(stat -c %s "$good")
head -c $((size / 2)) "$good" >"$out/truncated-half.img"
head -c 100 "$good" >"$out/truncated-headers.img"

payload=""
while read -r offset; do
    if [ $((offset % 4096)) = 0 ]; then
        payload=$offset
    fi
done < <(LC_ALL=C grep -obUaP 'INGOPAD1' "$good" | cut -d: -f1)
if [ -z "$payload" ]; then
    echo "make_broken_images.sh: no page-aligned INGOPAD1 payload header in $good" >&2
    exit 1
fi
# PayloadHeader: magic u64 @0, version u32 @8, header_size u32 @12, manifest_offset u64 @16,
# manifest_size u64 @24, program_offset u64 @32, program_size u64 @40, total_size u64 @48,
# symbols_offset u64 @56, symbols_size u64 @64, symbol_count u64 @72, checksum u64 @80.
patch() { # file offset bytes(printf format)
    # shellcheck disable=SC2059 # the bytes are given as a printf format on purpose
    printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
cp "$good" "$out/corrupt-layout.img"
patch "$out/corrupt-layout.img" $((payload + 48)) '\xff\xff\xff\xff\xff\xff\xff\x7f'
cp "$good" "$out/corrupt-version.img"
patch "$out/corrupt-version.img" $((payload + 8)) '\x63\x00\x00\x00'
manifest_offset=$(od -An -t u8 -j $((payload + 16)) -N 8 "$good" | tr -d ' ')
cp "$good" "$out/corrupt-manifest.img"
patch "$out/corrupt-manifest.img" $((payload + manifest_offset)) 'XXXX'
program_offset=$(od -An -t u8 -j $((payload + 32)) -N 8 "$good" | tr -d ' ')
cp "$good" "$out/corrupt-program.img"
patch "$out/corrupt-program.img" $((payload + program_offset)) 'JUNK'
program_size=$(od -An -t u8 -j $((payload + 40)) -N 8 "$good" | tr -d ' ')
cp "$good" "$out/corrupt-payload.img"
patch "$out/corrupt-payload.img" $((payload + program_offset + program_size / 2)) 'ABCD'
cp "$good" "$out/corrupt-magic.img"
patch "$out/corrupt-magic.img" "$payload" 'XXXXXXXX'
# A note is namesz=4, descsz, type=18 (XEN_ELFNOTE_PHYS32_ENTRY), "Xen\0": its type becomes 17.
# A kernel without the note yet gives an unchanged copy, which lacks it just the same.
cp "$good" "$out/no-pvh-note.img"
while read -r offset; do
    patch "$out/no-pvh-note.img" $((offset + 8)) '\x11'
done < <(LC_ALL=C grep -obUaP '\x04\x00\x00\x00[\x04\x08]\x00\x00\x00\x12\x00\x00\x00Xen\x00' "$good" |
    cut -d: -f1)
echo "payload header at $payload, manifest at +$manifest_offset; broken images in $out"
