// The vDSO's bytes (built and checked by kernel/CMakeLists.txt), page-aligned so the loader
// can copy them page by page (vdso_mapping.cpp).
    .section .rodata
    .balign 4096
    .globl vdso_image_start, vdso_image_end
vdso_image_start:
    .incbin INGOT_VDSO_PATH
vdso_image_end:
    .section .note.GNU-stack, "", @progbits
