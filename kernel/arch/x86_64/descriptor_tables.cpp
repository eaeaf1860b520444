#include "arch/x86_64/descriptor_tables.h"

extern "C" {
extern uint64_t kernel_gdt[];
extern char interrupt_stubs[];
}

namespace kernel::cpu {

namespace {

constexpr uint16_t tss_selector = 0x38;
constexpr int tss_gdt_index = tss_selector / 8;

// Interrupts and exceptions use separate stacks so that a fault inside an interrupt handler
// still gets a clean stack for its report; NMI, #DF and #MC get their own.
enum InterruptStack : uint8_t { Interrupts = 1, Exceptions = 2, Critical = 3 };
constexpr uint64_t interrupt_stack_size = 16 * 1024;

struct [[gnu::packed]] TaskStateSegment {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_map_base;
};

struct IdtEntry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
};
static_assert(sizeof(IdtEntry) == 16);

struct [[gnu::packed]] TablePointer {
    uint16_t limit;
    uint64_t base;
};

alignas(16) TaskStateSegment tss;
alignas(16) IdtEntry idt[256];
alignas(16) uint8_t interrupt_stacks[3][interrupt_stack_size];

InterruptStack stack_for(int vector) {
    if (vector == 2 || vector == 8 || vector == 18)
        return Critical;
    return vector < 32 ? Exceptions : Interrupts;
}

void install_tss() {
    for (int i = 0; i < 3; ++i)
        tss.ist[i] = reinterpret_cast<uint64_t>(interrupt_stacks[i] + interrupt_stack_size);
    tss.io_map_base = sizeof tss; // no I/O bitmap
    auto base = reinterpret_cast<uint64_t>(&tss);
    uint64_t limit = sizeof tss - 1;
    kernel_gdt[tss_gdt_index] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
                                (0x89ull << 40) | // present, 64-bit available TSS
                                (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    kernel_gdt[tss_gdt_index + 1] = base >> 32;
}

void install_idt() {
    for (int vector = 0; vector < 256; ++vector) {
        auto handler = reinterpret_cast<uint64_t>(interrupt_stubs + vector * 16);
        auto& entry = idt[vector];
        entry.offset_low = handler & 0xffff;
        entry.selector = kernel_code_selector;
        entry.ist = stack_for(vector);
        entry.type_attributes = 0x8e; // present, ring 0, interrupt gate (IF cleared)
        entry.offset_middle = (handler >> 16) & 0xffff;
        entry.offset_high = static_cast<uint32_t>(handler >> 32);
        entry.reserved = 0;
    }
}

} // namespace

void load_descriptor_tables() {
    install_tss();
    install_idt();
    TablePointer gdt_pointer{static_cast<uint16_t>((tss_gdt_index + 2) * 8 - 1),
                             reinterpret_cast<uint64_t>(kernel_gdt)};
    TablePointer idt_pointer{sizeof idt - 1, reinterpret_cast<uint64_t>(idt)};
    asm volatile("lgdt %0" : : "m"(gdt_pointer));
    asm volatile("lidt %0" : : "m"(idt_pointer));
    asm volatile("ltr %w0" : : "r"(tss_selector));
}

} // namespace kernel::cpu
