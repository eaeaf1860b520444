// hvt entry (pvh_entry.S has the PVH one): the monitor starts us in 64-bit mode on the boot page tables with RDI holding the
// guest-physical address of BootInfo, in ring 0 or (on PVM hosts, where only user mode runs
// SSE natively) in ring 3. Nothing is on a stack yet.
    .section .text.header, "ax"
    .global kernel_header
kernel_header:
    .quad 0x3152444854474e49 // abi::kernel_header_magic
    .quad syscall_entry

    .section .text.entry, "ax"
    .global kernel_entry
kernel_entry:
    mov %rdi, %rsi
    rdtsc
    shl $32, %rdx
    or %rdx, %rax
    mov %rax, kernel_entry_tsc(%rip)
    mov %rsi, %rbx
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    call run_global_constructors
    mov %rbx, %rdi
    call kernel_main
    ud2

    .section .bss
    .balign 8
    .global kernel_entry_tsc
kernel_entry_tsc: // the TSC at the first instruction, for --boot-trace
    .skip 8
    .balign 16
    .global boot_stack_top
boot_stack:
    .skip 32768
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
