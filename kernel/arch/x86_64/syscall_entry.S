// The program runs in ring 0 too, so `syscall` switches neither privilege nor stack: we must
// leave the program's stack (and its 128-byte red zone) before pushing anything. Interrupts
// are masked by FMASK, and there is one CPU, so a scratch slot is safe.

#include "arch/x86_64/general_registers.inc"

    .section .text
    .global syscall_entry
    .global syscall_return
    .global syscall_call_entry_pvh
    .global syscall_call_entry_hvt
syscall_entry:
    mov %rsp, syscall_user_rsp_scratch(%rip)
    mov current_kernel_stack_top(%rip), %rsp
    push syscall_user_rsp_scratch(%rip)
    push_general_registers
    mov %rsp, %rdi
    mov $1, %esi // trapped: the site may be rewritten
    jmp dispatch

// A rewritten syscall site's stub jumps here (linux/syscall_site.h) with RCX holding the
// address after the syscall, as `syscall` sets it; R11 is free, as `syscall` overwrites it.
// A jump masks no flags, so the entry does FMASK's work: on pvh it first turns interrupts off
// (an interrupt before that is taken as in the program, which is harmless), and the RFLAGS it
// saves get IF back. On hvt the monitor delivers no event while RIP is in the kernel, and
// `cli` would fault in ring 3 (PVM hosts), so that entry goes without it.
syscall_call_entry_pvh:
    cli
    mov %rsp, syscall_user_rsp_scratch(%rip)
    mov current_kernel_stack_top(%rip), %rsp
    pushfq
    pop %r11
    or $0x200, %r11
    jmp call_common
syscall_call_entry_hvt:
    mov %rsp, syscall_user_rsp_scratch(%rip)
    mov current_kernel_stack_top(%rip), %rsp
    pushfq
    pop %r11
call_common:
    push $0x2 // clears what FMASK clears: TF, DF, AC (popfq leaves IF alone in ring 3)
    popfq
    push syscall_user_rsp_scratch(%rip)
    push_general_registers
    mov %rsp, %rdi
    xor %esi, %esi
dispatch:
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
