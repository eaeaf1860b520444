// Page-table changes must reach the CPU: each mode touches memory first (so that the CPU has
// cached its translation), changes the mapping, then checks that the old translation is gone.
//   munmap            a read after munmap faults (the program dies with SIGSEGV)
//   mprotect          a write after mprotect(PROT_READ) faults
//   reuse             a fresh mapping at a reused address reads zero, and writing it leaves
//                     the mapping that took the old pages alone
//   mremap-neighbour  after mremap moves a region, a neighbour growing in place into the
//                     old range gets fresh pages, not those the moved region still has
//   mremap-fixed      mremap with MREMAP_FIXED onto a mapping carries the pages over, and the
//                     old range is free and fresh afterwards
//   sbrk-regrow       after the heap shrinks and an mmap follows, the regrown heap is fresh
//                     and does not alias the new mapping
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL
#define PAGES 16

static int failures;

static unsigned char* map_pages(void* at, size_t pages, int extra_flags) {
    void* p = mmap(at, pages * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | extra_flags, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    return p;
}

static void fill(volatile unsigned char* p, size_t pages, unsigned char value) {
    for (size_t i = 0; i < pages * PAGE; i += 64)
        p[i] = value;
}

// Whether every touched byte of the pages holds `value`; says where not.
static int holds(const char* what, volatile unsigned char* p, size_t pages, unsigned char value) {
    for (size_t i = 0; i < pages * PAGE; i += 64) {
        if (p[i] != value) {
            printf("%s: byte %zu is 0x%02x, not 0x%02x\n", what, i, p[i], value);
            ++failures;
            return 0;
        }
    }
    return 1;
}

static void after_munmap(void) {
    volatile unsigned char* p = map_pages(NULL, PAGES, 0);
    fill(p, PAGES, 0x11);
    holds("before munmap", p, PAGES, 0x11);
    munmap((void*)p, PAGES * PAGE);
    printf("reading after munmap\n");
    fflush(stdout);
    printf("read after munmap returned 0x%02x: no fault\n", p[PAGE]);
    exit(1);
}

static void after_mprotect(void) {
    volatile unsigned char* p = map_pages(NULL, PAGES, 0);
    fill(p, PAGES, 0x22);
    mprotect((void*)p, PAGES * PAGE, PROT_READ);
    holds("after mprotect", p, PAGES, 0x22);
    printf("writing after mprotect(PROT_READ)\n");
    fflush(stdout);
    p[PAGE] = 0x33;
    printf("write after mprotect(PROT_READ) did not fault\n");
    exit(1);
}

static void reuse(void) {
    // Room for the old mapping and, after a page's gap, the other one.
    unsigned char* area = map_pages(NULL, 2 * PAGES + 2, 0);
    munmap(area, (2 * PAGES + 2) * PAGE);
    for (int round = 0; round < 20; ++round) {
        unsigned char* old = map_pages(area, PAGES, MAP_FIXED_NOREPLACE);
        fill(old, PAGES, 0xa0 + round);
        munmap(old, PAGES * PAGE);
        // The freed pages go to the next mapping, elsewhere...
        unsigned char* other = map_pages(area + (PAGES + 1) * PAGE, PAGES + 1, MAP_FIXED_NOREPLACE);
        fill(other, PAGES + 1, 0x5b);
        // ...and a fresh mapping takes the old address.
        unsigned char* fresh = map_pages(old, PAGES, MAP_FIXED_NOREPLACE);
        if (!holds("fresh mapping at a reused address", fresh, PAGES, 0))
            break;
        fill(fresh, PAGES, 0xc3);
        if (!holds("the mapping that took the freed pages", other, PAGES + 1, 0x5b))
            break;
        munmap(fresh, PAGES * PAGE);
        munmap(other, (PAGES + 1) * PAGE);
    }
    printf("a fresh mapping at a reused address reads zero: %s\n", failures ? "no" : "yes");
}

static void mremap_neighbour(void) {
    // [neighbour: 4 pages][moving: 4 pages][blocker: 1 page], carved out of one reservation.
    unsigned char* base = map_pages(NULL, 9, 0);
    unsigned char* neighbour = base;
    unsigned char* moving = base + 4 * PAGE;
    munmap(base, 9 * PAGE);
    map_pages(neighbour, 4, MAP_FIXED_NOREPLACE);
    map_pages(moving, 4, MAP_FIXED_NOREPLACE);
    void* blocker = mmap(base + 8 * PAGE, PAGE, PROT_READ,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (blocker == MAP_FAILED) {
        perror("mmap blocker");
        exit(2);
    }
    fill(neighbour, 4, 0x4e);
    fill(moving, 4, 0x3d);
    // The blocker stops it growing in place: it moves.
    unsigned char* moved = mremap(moving, 4 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
    if (moved == MAP_FAILED || moved == moving) {
        printf("mremap did not move the region\n");
        exit(2);
    }
    holds("the moved region", moved, 4, 0x3d);
    holds("the moved region's new part", moved + 4 * PAGE, 4, 0);
    // The neighbour grows in place into the range the moved region left.
    unsigned char* grown = mremap(neighbour, 4 * PAGE, 8 * PAGE, 0);
    if (grown != neighbour) {
        printf("the neighbour did not grow in place\n");
        exit(2);
    }
    holds("the neighbour's old part", grown, 4, 0x4e);
    holds("the neighbour's new part", grown + 4 * PAGE, 4, 0);
    fill(grown + 4 * PAGE, 4, 0x77);
    holds("the moved region after the neighbour grew", moved, 4, 0x3d);
    printf("the grown neighbour and the moved region are apart: %s\n", failures ? "no" : "yes");
}

static void mremap_fixed(void) {
    unsigned char* source = map_pages(NULL, 2, 0);
    unsigned char* target = map_pages(NULL, 4, 0);
    fill(source, 2, 0x42);
    fill(target, 4, 0x99);
    unsigned char* moved =
        mremap(source, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    if (moved != target) {
        perror("mremap MREMAP_FIXED");
        exit(2);
    }
    holds("the moved pages", target, 2, 0x42);
    holds("the page the move added", target + 2 * PAGE, 1, 0);
    holds("the page after the moved range", target + 3 * PAGE, 1, 0x99);
    // The source range's pages went with the move: a fresh mapping there reads zero.
    unsigned char* again = map_pages(source, 2, MAP_FIXED_NOREPLACE);
    holds("a fresh mapping where the pages were", again, 2, 0);
    fill(again, 2, 0x17);
    holds("the moved pages after the old range was reused", target, 2, 0x42);
    printf("mremap with MREMAP_FIXED moved the pages: %s\n", failures ? "no" : "yes");
}

static void sbrk_regrow(void) {
    const size_t pages = 32;
    unsigned char* heap = sbrk(0);
    // Start on a page boundary, so that the pages given back are exactly those touched.
    sbrk((intptr_t)((PAGE - (uintptr_t)heap % PAGE) % PAGE));
    heap = sbrk(0);
    if (sbrk(pages * PAGE) == (void*)-1) {
        perror("sbrk");
        exit(2);
    }
    fill(heap, pages, 0x48);
    sbrk(-(intptr_t)(pages * PAGE));
    unsigned char* mapped = map_pages(NULL, pages, 0);
    fill(mapped, pages, 0x6d);
    if (sbrk(pages * PAGE) != heap) {
        printf("the heap did not regrow where it was\n");
        exit(2);
    }
    holds("the regrown heap", heap, pages, 0);
    fill(heap, pages, 0x68);
    holds("the mapping made while the heap was small", mapped, pages, 0x6d);
    printf("the regrown heap and the new mapping are apart: %s\n", failures ? "no" : "yes");
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "munmap"))
        after_munmap();
    else if (!strcmp(mode, "mprotect"))
        after_mprotect();
    else if (!strcmp(mode, "reuse"))
        reuse();
    else if (!strcmp(mode, "mremap-neighbour"))
        mremap_neighbour();
    else if (!strcmp(mode, "mremap-fixed"))
        mremap_fixed();
    else if (!strcmp(mode, "sbrk-regrow"))
        sbrk_regrow();
    else {
        fprintf(stderr, "usage: memory_defects "
                        "munmap|mprotect|reuse|mremap-neighbour|mremap-fixed|sbrk-regrow\n");
        return 2;
    }
    return failures ? 1 : 0;
}
