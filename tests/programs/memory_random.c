// A long random run of mmap, munmap, mprotect and mremap (fixed seed) that tracks what every
// page of every mapping must hold and checks it on every step: fresh memory reads zero, and
// written pages keep their contents through protection changes, moves, shrinking and growth.
// Only pages that should be accessible are touched, so a correct kernel never faults.
//   memory_random [STEPS]      (default 100000)
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_OBJECTS 48
#define MAX_PAGES 16
#define WORDS (PAGE / sizeof(uint64_t))

// One mapping, as the program made it: a run of pages with one protection.
struct object {
    unsigned char* base;
    size_t pages;
    int prot;
    uint64_t tags[MAX_PAGES]; // what each page holds: 0 = zeros, else the tag written
};

static struct object objects[MAX_OBJECTS];
static size_t object_count;
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t next_tag = 1;
static long step;
static long operations[6];

static uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t below(size_t n) {
    return (size_t)(rng() % n);
}

static void fail(const char* what, const struct object* o, size_t page, uint64_t seen,
                 uint64_t wanted) {
    printf("step %ld: %s: page %zu of %p (%zu pages, prot %d) holds %#llx, expected %#llx\n", step,
           what, page, (void*)o->base, o->pages, o->prot, (unsigned long long)seen,
           (unsigned long long)wanted);
    exit(1);
}

static void fail_call(const char* call) {
    printf("step %ld: %s failed: %m\n", step, call);
    exit(1);
}

// The words a page's tag is written to: its first, middle and last.
static const size_t tagged_words[] = {0, WORDS / 2 - 1, WORDS - 1};

static void write_tag(struct object* o, size_t page) {
    uint64_t tag = next_tag++;
    volatile uint64_t* words = (volatile uint64_t*)(o->base + page * PAGE);
    for (size_t i = 0; i < 3; ++i)
        words[tagged_words[i]] = tag + i;
    o->tags[page] = tag;
}

static void check(const char* what, const struct object* o) {
    if (!(o->prot & PROT_READ))
        return;
    for (size_t page = 0; page < o->pages; ++page) {
        volatile const uint64_t* words = (volatile const uint64_t*)(o->base + page * PAGE);
        uint64_t tag = o->tags[page];
        for (size_t i = 0; i < 3; ++i) {
            uint64_t wanted = tag ? tag + i : 0;
            uint64_t seen = words[tagged_words[i]];
            if (seen != wanted)
                fail(what, o, page, seen, wanted);
        }
    }
}

static int random_prot(void) {
    size_t r = below(10);
    return r < 6 ? PROT_READ | PROT_WRITE : r < 8 ? PROT_READ : PROT_NONE;
}

static void scribble(struct object* o) {
    if (!(o->prot & PROT_WRITE))
        return;
    for (size_t page = 0; page < o->pages; ++page) {
        if (below(2))
            write_tag(o, page);
    }
}

static void fresh(struct object* o, unsigned char* base, size_t pages, int prot) {
    o->base = base;
    o->pages = pages;
    o->prot = prot;
    memset(o->tags, 0, sizeof o->tags);
    check("a fresh mapping", o);
    scribble(o);
}

static void do_map(void) {
    if (object_count == MAX_OBJECTS)
        return;
    size_t pages = 1 + below(MAX_PAGES);
    int prot = random_prot();
    void* p = mmap(NULL, pages * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fail_call("mmap");
    fresh(&objects[object_count++], p, pages, prot);
}

static void remove_object(size_t index) {
    objects[index] = objects[--object_count];
}

static void do_replace(struct object* o) {
    int prot = random_prot();
    void* p = mmap(o->base, o->pages * PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p != o->base)
        fail_call("mmap MAP_FIXED");
    fresh(o, p, o->pages, prot);
}

static void do_unmap(size_t index) {
    struct object* o = &objects[index];
    size_t cut = 1 + below(o->pages);
    if (cut == o->pages || below(3) == 0) {
        if (munmap(o->base, o->pages * PAGE) != 0)
            fail_call("munmap");
        remove_object(index);
        return;
    }
    if (below(2)) { // the head
        if (munmap(o->base, cut * PAGE) != 0)
            fail_call("munmap");
        memmove(o->tags, o->tags + cut, (o->pages - cut) * sizeof o->tags[0]);
        o->base += cut * PAGE;
    } else if (munmap(o->base + (o->pages - cut) * PAGE, cut * PAGE) != 0) {
        fail_call("munmap");
    }
    o->pages -= cut;
    check("what munmap left", o);
}

static void do_protect(struct object* o) {
    int prot = random_prot();
    if (mprotect(o->base, o->pages * PAGE, prot) != 0)
        fail_call("mprotect");
    o->prot = prot;
    check("after mprotect", o);
    scribble(o);
}

static void do_remap(struct object* o) {
    size_t pages = 1 + below(MAX_PAGES);
    void* p = mremap(o->base, o->pages * PAGE, pages * PAGE, MREMAP_MAYMOVE);
    if (p == MAP_FAILED)
        fail_call("mremap");
    for (size_t page = o->pages; page < pages; ++page)
        o->tags[page] = 0;
    o->base = p;
    o->pages = pages;
    check("after mremap", o);
    scribble(o);
}

int main(int argc, char** argv) {
    long steps = argc > 1 ? atol(argv[1]) : 100000;
    for (step = 0; step < steps; ++step) {
        size_t r = below(100);
        if (object_count == 0 || r < 25) {
            do_map();
            ++operations[0];
            continue;
        }
        size_t index = below(object_count);
        struct object* o = &objects[index];
        check("before the step", o);
        if (r < 40) {
            do_unmap(index);
            ++operations[1];
        } else if (r < 55) {
            do_protect(o);
            ++operations[2];
        } else if (r < 70) {
            do_remap(o);
            ++operations[3];
        } else if (r < 75) {
            do_replace(o);
            ++operations[4];
        } else {
            scribble(o);
            ++operations[5];
        }
        if (step % 1000 == 999) {
            for (size_t i = 0; i < object_count; ++i)
                check("in the sweep of all mappings", &objects[i]);
        }
    }
    for (size_t i = 0; i < object_count; ++i)
        check("at the end", &objects[i]);
    printf("memory_random: %ld steps (%ld mmap, %ld munmap, %ld mprotect, %ld mremap, %ld "
           "MAP_FIXED, %ld writes): contents intact\n",
           steps, operations[0], operations[1], operations[2], operations[3], operations[4],
           operations[5]);
    return 0;
}
