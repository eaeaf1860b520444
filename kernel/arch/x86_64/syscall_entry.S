// The program runs in ring 0 too, so `syscall` switches neither privilege nor stack: we must
// leave the program's stack (and its 128-byte red zone) before pushing anything. Interrupts
// are masked by FMASK, and there is one CPU, so a scratch slot is safe.

#include "arch/x86_64/general_registers.inc"

    .section .text
    .global syscall_entry
    .global syscall_return
syscall_entry:
    mov %rsp, syscall_user_rsp_scratch(%rip)
    mov current_kernel_stack_top(%rip), %rsp
    push syscall_user_rsp_scratch(%rip)
    push_general_registers
    mov %rsp, %rdi
    xor %ebp, %ebp
    call syscall_dispatch
    test %rax, %rax
    jnz full_return

// Also the first return to the program of every thread: RSP points at its SyscallFrame.
syscall_return:
    pop_general_registers
    // Restore RFLAGS while still on the kernel stack, then load the program's stack pointer
    // and jump: no sysret (it would drop to ring 3) and nothing written below the red zone.
    push %r11
    popfq
    pop %rsp
    jmp *%rcx

// syscall_dispatch returned an InterruptFrame (after rt_sigreturn): it goes where an interrupt's
// frame would be, and the interrupt return restores every register with iretq.
full_return:
    mov %rax, %rsi
    mov current_kernel_stack_top(%rip), %rdi
    sub $INTERRUPT_FRAME_SIZE, %rdi
    mov %rdi, %rsp
    mov $INTERRUPT_FRAME_SIZE / 8, %ecx
    cld
    rep movsq
    jmp interrupt_resume

    .section .bss
    .balign 8
syscall_user_rsp_scratch:
    .skip 8

    .section .note.GNU-stack, "", @progbits
