// The vDSO, as a program finds and uses it: AT_SYSINFO_EHDR, its symbols at LINUX_2.6 (looked up
// in its own ELF tables, as Go and musl do), the clocks it reads agreeing with the syscall, and
// its errors the kernel's. Each check prints "NAME: ok" or "NAME: FAIL ..."; it runs natively
// too. The last line says how many clock_gettime syscalls it made itself, so a trace of the run
// (--trace-syscalls) can show the vDSO made none.
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec*);
typedef int (*gettimeofday_fn)(struct timeval*, void*);
typedef time_t (*time_fn)(time_t*);
typedef int (*getcpu_fn)(unsigned*, unsigned*, void*);
typedef int (*clock_getres_fn)(clockid_t, struct timespec*);

static int failures;
static int raw_clock_syscalls;

static void report(const char* name, int ok, const char* detail) {
    if (ok)
        printf("%s: ok\n", name);
    else {
        printf("%s: FAIL %s\n", name, detail);
        ++failures;
    }
}

// The vDSO's dynamic symbol table, from its program headers (it is mapped as one piece).
struct vdso_tables {
    uintptr_t bias;
    const Elf64_Sym* symbols;
    const char* strings;
    const Elf64_Word* hash;
    const Elf64_Half* versions;
    const Elf64_Verdef* definitions;
};

static int find_tables(uintptr_t base, struct vdso_tables* tables) {
    const Elf64_Ehdr* header = (const Elf64_Ehdr*)base;
    if (memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_type != ET_DYN)
        return 0;
    const Elf64_Phdr* segments = (const Elf64_Phdr*)(base + header->e_phoff);
    const Elf64_Dyn* dynamic = NULL;
    int have_load = 0;
    memset(tables, 0, sizeof *tables);
    for (int i = 0; i < header->e_phnum; ++i) {
        if (segments[i].p_type == PT_LOAD && !have_load) {
            tables->bias = base + segments[i].p_offset - segments[i].p_vaddr;
            have_load = 1;
        }
        if (segments[i].p_type == PT_DYNAMIC)
            dynamic = (const Elf64_Dyn*)(base + segments[i].p_offset);
    }
    if (!have_load || !dynamic)
        return 0;
    for (; dynamic->d_tag != DT_NULL; ++dynamic) {
        uintptr_t address = tables->bias + dynamic->d_un.d_ptr;
        switch (dynamic->d_tag) {
        case DT_SYMTAB:
            tables->symbols = (const Elf64_Sym*)address;
            break;
        case DT_STRTAB:
            tables->strings = (const char*)address;
            break;
        case DT_HASH:
            tables->hash = (const Elf64_Word*)address;
            break;
        case DT_VERSYM:
            tables->versions = (const Elf64_Half*)address;
            break;
        case DT_VERDEF:
            tables->definitions = (const Elf64_Verdef*)address;
            break;
        }
    }
    return tables->symbols && tables->strings && tables->hash && tables->versions &&
           tables->definitions;
}

// The name of version index `index` in the vDSO's version definitions.
static const char* version_name(const struct vdso_tables* tables, unsigned index) {
    const Elf64_Verdef* definition = tables->definitions;
    for (;;) {
        if ((definition->vd_ndx & 0x7fff) == index) {
            const Elf64_Verdaux* aux =
                (const Elf64_Verdaux*)((const char*)definition + definition->vd_aux);
            return tables->strings + aux->vda_name;
        }
        if (!definition->vd_next)
            return "";
        definition = (const Elf64_Verdef*)((const char*)definition + definition->vd_next);
    }
}

// A defined function `name` at version LINUX_2.6, or NULL; `weak`: whether it is weak.
static void* lookup(const struct vdso_tables* tables, const char* name, int* weak) {
    Elf64_Word count = tables->hash[1]; // DT_HASH's nchain: one per symbol
    for (Elf64_Word i = 1; i < count; ++i) {
        const Elf64_Sym* symbol = &tables->symbols[i];
        if (ELF64_ST_TYPE(symbol->st_info) != STT_FUNC || symbol->st_shndx == SHN_UNDEF ||
            strcmp(tables->strings + symbol->st_name, name) != 0)
            continue;
        if (strcmp(version_name(tables, tables->versions[i] & 0x7fff), "LINUX_2.6") != 0)
            continue;
        *weak = ELF64_ST_BIND(symbol->st_info) == STB_WEAK;
        return (void*)(tables->bias + symbol->st_value);
    }
    return NULL;
}

static int64_t ns_of(struct timespec t) {
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static struct timespec raw_clock_gettime(clockid_t id) {
    struct timespec t = {0, 0};
    ++raw_clock_syscalls;
    syscall(SYS_clock_gettime, id, &t);
    return t;
}

// syscall, vDSO, syscall: the vDSO's reading must lie between the two.
static void check_between(const char* name, clock_gettime_fn vdso_gettime, clockid_t id) {
    struct timespec before = raw_clock_gettime(id), during = {0, 0};
    int status = vdso_gettime(id, &during);
    struct timespec after = raw_clock_gettime(id);
    char detail[160];
    snprintf(detail, sizeof detail, "status %d: %lld <= %lld <= %lld?", status,
             (long long)ns_of(before), (long long)ns_of(during), (long long)ns_of(after));
    report(name,
           status == 0 && ns_of(before) <= ns_of(during) && ns_of(during) <= ns_of(after) &&
               during.tv_nsec >= 0 && during.tv_nsec < 1000000000,
           detail);
}

int main(void) {
    uintptr_t base = getauxval(AT_SYSINFO_EHDR);
    report("AT_SYSINFO_EHDR", base != 0, "missing");
    struct vdso_tables tables;
    if (!base || !find_tables(base, &tables)) {
        report("tables", 0, "no dynamic symbol table, DT_HASH or versions");
        return 1;
    }

    // /proc/self/maps names the two mappings as Linux does.
    FILE* maps = fopen("/proc/self/maps", "r");
    int vdso_named = 0, vvar_named = 0;
    char line[512];
    while (maps && fgets(line, sizeof line, maps)) {
        unsigned long start, end;
        char perms[8];
        if (sscanf(line, "%lx-%lx %7s", &start, &end, perms) != 3)
            continue;
        if (strstr(line, " [vdso]\n") && start == base && strcmp(perms, "r-xp") == 0)
            vdso_named = 1;
        if (strstr(line, " [vvar]\n") && strcmp(perms, "r--p") == 0)
            vvar_named = 1;
    }
    if (maps)
        fclose(maps);
    report("maps", vdso_named && vvar_named, "no [vdso] at AT_SYSINFO_EHDR or no read-only [vvar]");

    static const char* const names[] = {"clock_gettime", "gettimeofday", "time", "getcpu",
                                        "clock_getres"};
    void* functions[5];
    int all_found = 1;
    for (int i = 0; i < 5; ++i) {
        char prefixed[64];
        snprintf(prefixed, sizeof prefixed, "__vdso_%s", names[i]);
        int weak = 0, alias_weak = 0;
        functions[i] = lookup(&tables, prefixed, &weak);
        void* alias = lookup(&tables, names[i], &alias_weak);
        if (!functions[i] || weak || alias != functions[i] || !alias_weak) {
            printf("symbol %s: FAIL\n", names[i]);
            all_found = 0;
        }
    }
    report("symbols", all_found, "see above");
    if (!all_found)
        return 1;
    clock_gettime_fn vdso_gettime = (clock_gettime_fn)functions[0];
    gettimeofday_fn vdso_gettimeofday = (gettimeofday_fn)functions[1];
    time_fn vdso_time = (time_fn)functions[2];
    getcpu_fn vdso_getcpu = (getcpu_fn)functions[3];
    clock_getres_fn vdso_getres = (clock_getres_fn)functions[4];

    check_between("realtime", vdso_gettime, CLOCK_REALTIME);
    check_between("monotonic", vdso_gettime, CLOCK_MONOTONIC);
    check_between("boottime", vdso_gettime, CLOCK_BOOTTIME);

    // Coarse clocks may lag by a tick (natively); they must not run ahead.
    struct timespec coarse, fine;
    vdso_gettime(CLOCK_MONOTONIC_COARSE, &coarse);
    vdso_gettime(CLOCK_MONOTONIC, &fine);
    report("monotonic_coarse",
           ns_of(coarse) <= ns_of(fine) && ns_of(fine) - ns_of(coarse) < 100000000,
           "too far from CLOCK_MONOTONIC");

    // The C library's clock_gettime (through the vDSO) never goes back.
    struct timespec previous, now;
    clock_gettime(CLOCK_MONOTONIC, &previous);
    int backwards = 0;
    for (int i = 0; i < 100000; ++i) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (ns_of(now) < ns_of(previous))
            ++backwards;
        previous = now;
    }
    report("monotonic_100000", backwards == 0, "went backwards");

    struct timeval tv;
    time_t seconds = 0;
    struct timespec wall = raw_clock_gettime(CLOCK_REALTIME);
    int tv_status = vdso_gettimeofday(&tv, NULL);
    time_t vdso_seconds = vdso_time(&seconds);
    report("gettimeofday_time",
           tv_status == 0 && tv.tv_sec >= wall.tv_sec && tv.tv_sec - wall.tv_sec <= 1 &&
               vdso_seconds == seconds && vdso_seconds >= tv.tv_sec &&
               vdso_seconds - tv.tv_sec <= 1 && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
           "disagree with CLOCK_REALTIME");

    unsigned cpu = 99, node = 99, libc_cpu = 98, libc_node = 98;
    int cpu_status = vdso_getcpu(&cpu, &node, NULL);
    syscall(SYS_getcpu, &libc_cpu, &libc_node, NULL);
    report("getcpu", cpu_status == 0 && cpu == libc_cpu && node == libc_node,
           "disagree with the syscall");

    struct timespec resolution = {-1, -1}, raw_resolution = {-2, -2};
    int res_status = vdso_getres(CLOCK_MONOTONIC, &resolution);
    syscall(SYS_clock_getres, CLOCK_MONOTONIC, &raw_resolution);
    report("clock_getres",
           res_status == 0 && resolution.tv_sec == raw_resolution.tv_sec &&
               resolution.tv_nsec == raw_resolution.tv_nsec,
           "disagrees with the syscall");

    // A bad clock id: the vDSO hands it to the kernel, which answers EINVAL; the C library
    // turns that into -1 and errno.
    struct timespec ignored;
    ++raw_clock_syscalls;
    int direct = vdso_gettime(12345, &ignored);
    ++raw_clock_syscalls;
    errno = 0;
    int through_libc = clock_gettime(12345, &ignored);
    report("einval", direct == -EINVAL && through_libc == -1 && errno == EINVAL,
           "a bad clock id is not EINVAL");
    // A CPU-time clock is the kernel's too: it answers, and counts this process's time.
    ++raw_clock_syscalls;
    struct timespec cpu_time = {-1, -1};
    int cpu_clock = vdso_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_time);
    report("cputime_fallback", cpu_clock == 0 && ns_of(cpu_time) > 0, "no CPU time");

    printf("clock_gettime syscalls made: %d\n", raw_clock_syscalls);
    printf("%d failed\n", failures);
    return failures != 0;
}
