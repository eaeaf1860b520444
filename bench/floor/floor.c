// The boot floor: the least work a KVM monitor can do to run one guest instruction in 64-bit
// long mode. It opens /dev/kvm, creates a VM with 64 KiB of memory and one vCPU, enters long
// mode directly through KVM_SET_SREGS (page tables and flat segments, as Ingot does), and runs
// a guest whose first instruction is a store to guest-physical memory with nothing behind it.
// That store exits to the monitor as KVM_EXIT_MMIO; seeing it, the floor exits 0.
// `ingot run` does the same plus loading a kernel and a program: bench/run.sh compares the two.
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEMORY_SIZE 0x10000ull             // 64 KiB of guest RAM at guest-physical 0
#define GUEST_BASE 0xffffffff80000000ull   // where the code runs: Ingot's kernel window
#define MMIO_PHYSICAL 0x100000ull          // above the RAM: no memory slot, so a store exits

// Guest-physical layout: code, then one page per table level, then the GDT.
enum { CODE = 0x0000, PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, PT = 0x4000, GDT = 0x5000 };
#define PRESENT_WRITABLE_USER 0x7ull // user too: on PVM the guest runs at CPL 3

static int check(int result, const char* what) {
    if (result < 0) {
        perror(what);
        exit(1);
    }
    return result;
}

int main(void) {
    int kvm = check(open("/dev/kvm", O_RDWR | O_CLOEXEC), "open /dev/kvm");
    int vm = check(ioctl(kvm, KVM_CREATE_VM, 0), "KVM_CREATE_VM");

    // Guest memory: anonymous host pages, zero-filled, given to KVM as slot 0.
    uint8_t* memory = mmap(NULL, MEMORY_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED)
        return perror("mmap guest memory"), 1;
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = MEMORY_SIZE, .userspace_addr = (uint64_t)memory};
    check(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region), "KVM_SET_USER_MEMORY_REGION");

    // The guest: movabs rax, GUEST_BASE + MEMORY_SIZE; mov [rax], eax; hlt (never reached).
    // GUEST_BASE + MEMORY_SIZE maps to MMIO_PHYSICAL, outside every memory slot.
    const uint8_t code[] = {0x48, 0xb8, 0x00, 0x00, 0x01, 0x80, 0xff, 0xff, 0xff, 0xff, 0x89, 0x00, 0xf4};
    memcpy(memory + CODE, code, sizeof code);

    // 4-level paging with 4 KiB pages: the RAM at GUEST_BASE, then one page of MMIO after it.
    uint64_t* pml4 = (uint64_t*)(memory + PML4);
    uint64_t* pdpt = (uint64_t*)(memory + PDPT);
    uint64_t* pd = (uint64_t*)(memory + PD);
    uint64_t* pt = (uint64_t*)(memory + PT);
    pml4[(GUEST_BASE >> 39) & 511] = PDPT | PRESENT_WRITABLE_USER;
    pdpt[(GUEST_BASE >> 30) & 511] = PD | PRESENT_WRITABLE_USER;
    pd[(GUEST_BASE >> 21) & 511] = PT | PRESENT_WRITABLE_USER;
    for (uint64_t i = 0; i < MEMORY_SIZE / 0x1000; ++i)
        pt[i] = i * 0x1000 | PRESENT_WRITABLE_USER;
    pt[MEMORY_SIZE / 0x1000] = MMIO_PHYSICAL | PRESENT_WRITABLE_USER;

    // Ingot's GDT (Linux's selectors, which PVM requires): 0x10/0x18 kernel, 0x2b/0x33 user.
    const uint64_t gdt[] = {0, 0x00cf9a000000ffff, 0x00af9a000000ffff, 0x00cf92000000ffff,
                            0x00cffa000000ffff, 0x00cff2000000ffff, 0x00affa000000ffff};
    memcpy(memory + GDT, gdt, sizeof gdt);

    int vcpu = check(ioctl(vm, KVM_CREATE_VCPU, 0), "KVM_CREATE_VCPU");
    int run_size = check(ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), "KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run* run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED)
        return perror("mmap kvm_run"), 1;

    // Long mode straight away: flat 64-bit code and data segments, paging on. Under PVM
    // (kvm_pvm loaded) the guest must use the user selectors and run at CPL 3, as in Ingot.
    int ring3 = access("/sys/module/kvm_pvm", F_OK) == 0;
    struct kvm_sregs sregs;
    check(ioctl(vcpu, KVM_GET_SREGS, &sregs), "KVM_GET_SREGS");
    struct kvm_segment segment = {.base = 0, .limit = 0xffffffff, .selector = ring3 ? 0x33 : 0x10,
                                  .type = 11, .present = 1, .dpl = ring3 ? 3 : 0, .s = 1, .l = 1, .g = 1};
    sregs.cs = segment;
    segment.selector = ring3 ? 0x2b : 0x18;
    segment.type = 3; // data, read/write
    segment.l = 0;
    segment.db = 1;
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = segment;
    sregs.gdt.base = GUEST_BASE + GDT;
    sregs.gdt.limit = sizeof gdt - 1;
    sregs.cr3 = PML4;
    sregs.cr4 = 1u << 5;      // PAE
    sregs.cr0 = 0x80050033;   // PG AM WP NE ET MP PE
    sregs.efer = 0x500;       // LMA LME
    check(ioctl(vcpu, KVM_SET_SREGS, &sregs), "KVM_SET_SREGS");

    struct kvm_regs regs = {.rip = GUEST_BASE + CODE, .rflags = 0x2};
    check(ioctl(vcpu, KVM_SET_REGS, &regs), "KVM_SET_REGS");

    // Run until the store reaches us. KVM_RUN may return early on a signal: run again.
    for (;;) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            perror("KVM_RUN");
            return 1;
        }
        if (run->exit_reason == KVM_EXIT_MMIO && run->mmio.is_write &&
            run->mmio.phys_addr == MMIO_PHYSICAL)
            return 0;
        if (run->exit_reason != KVM_EXIT_INTR) {
            fprintf(stderr, "floor: unexpected exit %u at the guest's first instruction\n", run->exit_reason);
            return 1;
        }
    }
}
