// pvh entry: QEMU, Firecracker and cloud-hypervisor start a PVH kernel at the physical
// address in its XEN_ELFNOTE_PHYS32_ENTRY note, in 32-bit protected mode with paging off,
// EBX holding the physical address of hvm_start_info and nothing else set up: no stack, no
// usable GDT. We map the first 4 GiB three times (identity, direct map, kernel window), enter
// long mode and continue in C++ at pvh_main.

#define KERNEL_VIRTUAL 0xffffffff80000000
#define PHYSICAL(symbol) ((symbol) - KERNEL_VIRTUAL)
#define PRESENT_WRITABLE 0x3
#define LARGE_PAGE 0x80
#define UNCACHED 0x18
#define DIRECT_MAP_SLOT 273 // abi::direct_map_base >> 39 & 511

    .section .note.Xen, "a", @note
    .balign 4
    .long 4  // name size
    .long 4  // descriptor size
    .long 18 // XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .long PHYSICAL(pvh_entry)

    .section .text.entry, "ax"
    .code32
    .global pvh_entry
pvh_entry:
    cli
    cld
    rdtsc
    mov %eax, PHYSICAL(kernel_entry_tsc)
    mov %edx, PHYSICAL(kernel_entry_tsc) + 4
    mov %ebx, %esi

    mov $PHYSICAL(pvh_page_tables), %edi
    mov $(pvh_page_tables_end - pvh_page_tables) / 4, %ecx
    xor %eax, %eax
    rep stosl

    // 2048 large pages cover 4 GiB; the last GiB is where PC devices live.
    mov $PHYSICAL(pvh_page_directories), %edi
    xor %eax, %eax
    mov $2048, %ecx
1:  mov %eax, %ebx
    or $(LARGE_PAGE | PRESENT_WRITABLE), %ebx
    cmp $0xc0000000, %eax
    jb 2f
    or $UNCACHED, %ebx
2:  mov %ebx, (%edi)
    add $8, %edi
    add $0x200000, %eax
    loop 1b

    // Direct map and identity map share one PDPT; the kernel window reuses the first 2 GiB.
    mov $PHYSICAL(pvh_page_directories) + PRESENT_WRITABLE, %eax
    mov %eax, PHYSICAL(pvh_pdpt_direct)
    mov %eax, PHYSICAL(pvh_pdpt_kernel) + 510 * 8
    add $4096, %eax
    mov %eax, PHYSICAL(pvh_pdpt_direct) + 8
    mov %eax, PHYSICAL(pvh_pdpt_kernel) + 511 * 8
    add $4096, %eax
    mov %eax, PHYSICAL(pvh_pdpt_direct) + 16
    add $4096, %eax
    mov %eax, PHYSICAL(pvh_pdpt_direct) + 24
    mov $PHYSICAL(pvh_pdpt_direct) + PRESENT_WRITABLE, %eax
    mov %eax, PHYSICAL(pvh_pml4)
    mov %eax, PHYSICAL(pvh_pml4) + DIRECT_MAP_SLOT * 8
    mov $PHYSICAL(pvh_pdpt_kernel) + PRESENT_WRITABLE, %eax
    mov %eax, PHYSICAL(pvh_pml4) + 511 * 8

    mov %cr4, %eax
    or $0x20, %eax // PAE
    mov %eax, %cr4
    mov $PHYSICAL(pvh_pml4), %eax
    mov %eax, %cr3
    mov $0xc0000080, %ecx // EFER
    rdmsr
    or $0x901, %eax // NXE LME SCE
    wrmsr
    mov %cr0, %eax
    and $~0xc, %eax          // no EM, no TS: the program uses SSE
    or $0x80010023, %eax     // PG WP NE MP PE
    mov %eax, %cr0
    lgdt PHYSICAL(pvh_gdt_pointer)
    ljmp $0x10, $PHYSICAL(pvh_long_mode)

    .code64
pvh_long_mode:
    movabs $pvh_high, %rax
    jmp *%rax
pvh_high:
    mov $0x18, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %esi, %edi
    call pvh_main
    ud2

    .section .data
    .balign 16
    // Linux's layout, as on hvt (see src/vmm/boot_setup.cpp); the TSS descriptor is filled in
    // by descriptor_tables.cpp.
    .global kernel_gdt
kernel_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff // 0x08 32-bit code: the PVH entry's far jump comes from here
    .quad 0x00af9a000000ffff // 0x10 kernel code
    .quad 0x00cf92000000ffff // 0x18 kernel data
    .quad 0x00cffa000000ffff // 0x23 user 32-bit code
    .quad 0x00cff2000000ffff // 0x2b user data
    .quad 0x00affa000000ffff // 0x33 user code
    .quad 0, 0               // 0x38 TSS
kernel_gdt_end:
pvh_gdt_pointer:
    .word kernel_gdt_end - kernel_gdt - 1
    .long PHYSICAL(kernel_gdt)

    .section .bss
    .balign 4096
pvh_page_tables:
pvh_pml4:
    .skip 4096
pvh_pdpt_direct:
    .skip 4096
pvh_pdpt_kernel:
    .skip 4096
pvh_page_directories:
    .skip 4 * 4096
pvh_page_tables_end:
    .global pvh_pml4

    .section .note.GNU-stack, "", @progbits
