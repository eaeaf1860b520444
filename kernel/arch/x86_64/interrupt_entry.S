// Every IDT vector enters through a 16-byte stub on an IST stack: the program runs in ring 0
// with a red zone, and a same-privilege interrupt would otherwise push onto its stack. The
// stubs give every vector the same InterruptFrame (interrupt_frame.h).
//
// interrupt_dispatch returns nonzero to preempt the interrupted program: the frame moves to
// the current thread's kernel stack (free while the thread runs the program), the scheduler
// switches away from there, and the thread resumes with the iretq below when it runs again.
// The IST stack is then free for the next interrupt.
//
// On hvt there is no IDT: the monitor enters a stub itself, on the kernel's event stack, with
// the frame a CPU would have pushed (abi::GuestInfo). The rest is the same.

#include "arch/x86_64/general_registers.inc"

.macro interrupt_stub vector
    .balign 16
    .if \vector == 8 || (\vector >= 10 && \vector <= 14) || \vector == 17 || \vector == 21 || \vector == 29 || \vector == 30
    .else
    pushq $0 // the CPU pushes an error code only for these
    .endif
    pushq $\vector
    jmp interrupt_common
.endm

    .altmacro
    .section .text
    .balign 16
    .global interrupt_stubs
    .global interrupt_resume
interrupt_stubs:
    .set vector, 0
    .rept 256
    interrupt_stub %vector
    .set vector, vector + 1
    .endr

interrupt_common:
    push_general_registers
    cld
    mov %rsp, %rdi
    xor %ebp, %ebp
    call interrupt_dispatch
    test %eax, %eax
    jnz preempt
interrupt_resume:
    pop_general_registers
    add $16, %rsp
    iretq

preempt:
    mov %rsp, %rsi
    mov current_kernel_stack_top(%rip), %rdi
    sub $INTERRUPT_FRAME_SIZE, %rdi
    mov %rdi, %rsp
    mov $INTERRUPT_FRAME_SIZE / 8, %ecx
    rep movsq
    call preempt_current
    jmp interrupt_resume

    .section .note.GNU-stack, "", @progbits
