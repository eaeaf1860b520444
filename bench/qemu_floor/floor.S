// QEMU's boot floor: the least a PVH kernel can do. QEMU (microvm, pc, q35) loads this ELF,
// its firmware enters `floor_entry` in 32-bit protected mode (the PVH boot ABI, found through
// the XEN_ELFNOTE_PHYS32_ENTRY note below), and the first thing the guest does is write 0 to
// isa-debug-exit at port 0xf4: QEMU exits at once with status (0 << 1) | 1 = 1.
// bench/qemu.sh times this beside `ingot run --platform qemu` and a Linux guest.

    .section .note.Xen, "a", @note
    .balign 4
    .long 4                  // n_namesz: "Xen\0"
    .long 8                  // n_descsz
    .long 18                 // n_type: XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad floor_entry        // QEMU reads a 64-bit value from a 64-bit ELF

    .section .text, "ax"
    .code32
    .globl floor_entry
floor_entry:
    mov $0, %eax
    out %eax, $0xf4          // isa-debug-exit: QEMU exits with status 1
1:  cli                      // without the device: stop here
    hlt
    jmp 1b
