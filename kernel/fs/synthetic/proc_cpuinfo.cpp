// /proc/cpuinfo as arch/x86/kernel/cpu/proc.c prints it, one block per CPU (here one vCPU),
// from CPUID: programs count its "processor" lines and read its "flags".
#include "fs/synthetic/proc_generators.h"

namespace kernel::synthetic {

namespace {

// Linux's names for the CPUID feature bits (arch/x86/include/asm/cpufeatures.h), in its
// order; null for bits it does not print.
const char* const leaf1_edx_names[32] = {
    "fpu",  "vme",  "de",   "pse", "tsc",  "msr", "pae",   "mce", "cx8",     "apic",  nullptr,
    "sep",  "mtrr", "pge",  "mca", "cmov", "pat", "pse36", "pn",  "clflush", nullptr, "dts",
    "acpi", "mmx",  "fxsr", "sse", "sse2", "ss",  "ht",    "tm",  "ia64",    "pbe",
};
const char* const extended_edx_names[32] = {
    nullptr, nullptr,    nullptr,   nullptr,   nullptr, nullptr, nullptr,    nullptr,
    nullptr, nullptr,    nullptr,   "syscall", nullptr, nullptr, nullptr,    nullptr,
    nullptr, nullptr,    nullptr,   "mp",      "nx",    nullptr, "mmxext",   nullptr,
    nullptr, "fxsr_opt", "pdpe1gb", "rdtscp",  nullptr, "lm",    "3dnowext", "3dnow",
};
const char* const leaf1_ecx_names[32] = {
    "pni",    "pclmulqdq",  "dtes64", "monitor", "ds_cpl",
    "vmx",    "smx",        "est",    "tm2",     "ssse3",
    "cid",    "sdbg",       "fma",    "cx16",    "xtpr",
    "pdcm",   nullptr,      "pcid",   "dca",     "sse4_1",
    "sse4_2", "x2apic",     "movbe",  "popcnt",  "tsc_deadline_timer",
    "aes",    "xsave",      nullptr,  "avx",     "f16c",
    "rdrand", "hypervisor",
};
const char* const extended_ecx_names[32] = {
    "lahf_lm",    "cmp_legacy",  "svm",           "extapic", "cr8_legacy",  "abm",
    "sse4a",      "misalignsse", "3dnowprefetch", "osvw",    "ibs",         "xop",
    "skinit",     "wdt",         nullptr,         "lwp",     "fma4",        "tce",
    nullptr,      "nodeid_msr",  nullptr,         "tbm",     "topoext",     "perfctr_core",
    "perfctr_nb", nullptr,       "bpext",         "ptsc",    "perfctr_llc", "mwaitx",
    nullptr,      nullptr,
};
const char* const leaf7_ebx_names[32] = {
    "fsgsbase",   "tsc_adjust", "sgx",        "bmi1",     "hle",      "avx2",     nullptr,
    "smep",       "bmi2",       "erms",       "invpcid",  "rtm",      "cqm",      nullptr,
    "mpx",        "rdt_a",      "avx512f",    "avx512dq", "rdseed",   "adx",      "smap",
    "avx512ifma", nullptr,      "clflushopt", "clwb",     "intel_pt", "avx512pf", "avx512er",
    "avx512cd",   "sha_ni",     "avx512bw",   "avx512vl",
};
const char* const leaf7_ecx_names[32] = {
    nullptr,      "avx512vbmi",   "umip",          "pku",       "ospke",
    "waitpkg",    "avx512_vbmi2", nullptr,         "gfni",      "vaes",
    "vpclmulqdq", "avx512_vnni",  "avx512_bitalg", nullptr,     "avx512_vpopcntdq",
    nullptr,      "la57",         nullptr,         nullptr,     nullptr,
    nullptr,      nullptr,        "rdpid",         nullptr,     "bus_lock_detect",
    "cldemote",   nullptr,        "movdiri",       "movdir64b", "enqcmd",
    "sgx_lc",     nullptr,
};
const char* const leaf7_edx_names[32] = {
    nullptr,         nullptr,     "avx512_4vnniw",
    "avx512_4fmaps", "fsrm",      nullptr,
    nullptr,         nullptr,     "avx512_vp2intersect",
    nullptr,         "md_clear",  nullptr,
    nullptr,         nullptr,     "serialize",
    nullptr,         nullptr,     nullptr,
    nullptr,         nullptr,     nullptr,
    nullptr,         nullptr,     nullptr,
    nullptr,         nullptr,     "spec_ctrl",
    "intel_stibp",   "flush_l1d", "arch_capabilities",
    nullptr,         "ssbd",
};

void append_flags(TextBuffer& text, uint32_t bits, const char* const (&names)[32]) {
    for (int bit = 0; bit < 32; ++bit)
        if ((bits & (1u << bit)) && names[bit])
            text.append(" %s", names[bit]);
}

} // namespace

void generate_cpuinfo(const SystemFacts& facts, TextBuffer& text) {
    const CpuFacts& cpu = facts.cpu();
    text.append("processor\t: 0\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", cpu.vendor,
                cpu.family, cpu.model);
    text.append("model name\t: %s\nstepping\t: %u\n", cpu.model_name, cpu.stepping);
    text.append("cpu MHz\t\t: %u.%03u\n", cpu.khz / 1000, cpu.khz % 1000);
    if (cpu.cache_kib)
        text.append("cache size\t: %u KB\n", cpu.cache_kib);
    text.append("physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\n"
                "apicid\t\t: 0\ninitial apicid\t: 0\nfpu\t\t: yes\nfpu_exception\t: yes\n"
                "cpuid level\t: 13\nwp\t\t: yes\nflags\t\t:");
    append_flags(text, cpu.leaf1_edx, leaf1_edx_names);
    append_flags(text, cpu.extended_edx, extended_edx_names);
    append_flags(text, cpu.leaf1_ecx, leaf1_ecx_names);
    append_flags(text, cpu.extended_ecx, extended_ecx_names);
    append_flags(text, cpu.leaf7_ebx, leaf7_ebx_names);
    append_flags(text, cpu.leaf7_ecx, leaf7_ecx_names);
    append_flags(text, cpu.leaf7_edx, leaf7_edx_names);
    // BogoMIPS is twice the clock in MHz on x86 (calibrated from the TSC).
    uint32_t bogo = cpu.khz * 2 / 10;
    text.append("\nbugs\t\t:\nbogomips\t: %u.%02u\nclflush size\t: 64\ncache_alignment\t: 64\n",
                bogo / 100, bogo % 100);
    text.append("address sizes\t: %u bits physical, %u bits virtual\npower management:\n\n",
                cpu.address_bits_physical, cpu.address_bits_virtual);
}

} // namespace kernel::synthetic
