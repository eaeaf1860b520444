// The program runs in ring 0 too, so `syscall` switches neither privilege nor stack: we must
// leave the program's stack (and its 128-byte red zone) before pushing anything. Interrupts
// are masked by FMASK, and there is one CPU, so a scratch slot is safe.
    .section .text
    .global syscall_entry
    .global syscall_return
syscall_entry:
    mov %rsp, syscall_user_rsp_scratch(%rip)
    mov current_kernel_stack_top(%rip), %rsp
    push syscall_user_rsp_scratch(%rip)
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    xor %ebp, %ebp
    call syscall_dispatch

// Also the first return to the program of every thread: RSP points at its SyscallFrame.
syscall_return:
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    // Restore RFLAGS while still on the kernel stack, then load the program's stack pointer
    // and jump: no sysret (it would drop to ring 3) and nothing written below the red zone.
    push %r11
    popfq
    pop %rsp
    jmp *%rcx

    .section .bss
    .balign 8
syscall_user_rsp_scratch:
    .skip 8

    .section .note.GNU-stack, "", @progbits
