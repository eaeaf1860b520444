/* A minimal PVH guest that speaks ingot's framed console (include/ingot/abi/pvh_console.h),
 * so the QEMU launcher and relay can be tested without the real kernel: it says "ready" on
 * stderr, echoes its input to stdout, and exits with status 0 at end of input, 128+N on host
 * signal N. It stays in the 32-bit protected mode PVH starts it in.
 */
.section .note.pvh, "a"
.balign 4
.long 4, 4, 18 /* name size, description size, XEN_ELFNOTE_PHYS32_ENTRY */
.asciz "Xen"
.long _start

.text
.code32
.globl _start
_start:
    mov $0xff, %al
    call putc
    mov $'e', %al
    call putc
    lea ready, %esi
    mov $(ready_end - ready), %ecx
1:  lodsb
    call putc
    loop 1b
    mov $0xff, %al
    call putc
    mov $'o', %al
    call putc
    mov $0xff, %al /* input may come now */
    call putc
    mov $'r', %al
    call putc
echo:
    call getc
    cmp $0xff, %al
    je escape
    call putc
    jmp echo
escape:
    call getc
    cmp $'d', %al
    je end_of_input
    cmp $'s', %al
    je host_signal
    call putc /* an escaped 0xff goes back escaped */
    call putc
    jmp echo
end_of_input:
    xor %ebx, %ebx
    jmp exit
host_signal:
    call getc
    movzbl %al, %ebx
    add $128, %ebx
exit:
    mov $0xff, %al
    call putc
    mov $'x', %al
    call putc
    mov %bl, %al
    call putc
    xor %al, %al
    call putc
    call putc
    call putc
    mov $0xf4, %dx
    mov %ebx, %eax
    outl %eax, %dx
    hlt

getc: /* waits for COM1's receive buffer */
    mov $0x3fd, %dx
1:  inb %dx, %al
    test $1, %al
    jz 1b
    mov $0x3f8, %dx
    inb %dx, %al
    ret

putc:
    mov $0x3f8, %dx
    outb %al, %dx
    ret

ready: .ascii "ready\n"
ready_end:
