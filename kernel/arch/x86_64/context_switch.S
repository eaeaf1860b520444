// switch_context(uint64_t* save_rsp, uint64_t next_rsp): the System V callee-saved registers
// live on each thread's kernel stack; everything else the caller already saved.
    .section .text
    .global switch_context
    .global thread_first_entry
switch_context:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret

// A new thread's first switch returns here; its SyscallFrame sits right above.
thread_first_entry:
    jmp syscall_return

    .section .note.GNU-stack, "", @progbits
