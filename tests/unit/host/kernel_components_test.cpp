#include "image/kernel_components.h"

#include "image/elf_file.h"
#include "image/embedded_kernel.h"
#include "support/error.h"
#include "test_support.h"

#include <gtest/gtest.h>
#include <ingot/abi/components.h>

#include <set>
#include <sstream>

namespace ingot {
namespace {

using namespace ingot::abi;

std::vector<std::string> network_programs() {
    std::vector<std::string> paths;
    std::istringstream list(INGOT_TEST_NETWORK_PROGRAMS);
    for (std::string path; std::getline(list, path, ':');)
        paths.push_back(path);
    return paths;
}

uint32_t used_by(const std::string& path, const std::vector<std::string>& libraries = {}) {
    return components_used(ingot_test::read_file(path), libraries);
}

TEST(KernelComponents, EverySetIsEmbeddedOnce) {
    std::set<uint32_t> sets;
    for (const EmbeddedKernel& kernel : embedded_kernels())
        EXPECT_TRUE(sets.insert(kernel_components(kernel.elf, "kernel")).second);
    std::set<uint32_t> expected;
    for (uint32_t net : {0u, component_net})
        for (uint32_t volumes : {0u, component_volumes})
            for (uint32_t debug : {0u, component_debug})
                for (uint32_t platforms : {component_hvt, component_pvh, platform_components})
                    expected.insert(net | volumes | debug | platforms);
    EXPECT_EQ(sets, expected);
    for (uint32_t components : expected)
        EXPECT_EQ(kernel_components(kernel_with(components).elf, "kernel"), components);
}

TEST(KernelComponents, TheFullKernelHasThemAll) {
    auto kernel = ingot_test::read_file(ingot_test::kernel_elf_path());
    EXPECT_EQ(kernel_components(kernel, "kernel"), all_components);
}

// QEMU boots what has the PVH note: exactly the kernels with the pvh component.
TEST(KernelComponents, PvhNoteGoesWithThePvhComponent) {
    for (const EmbeddedKernel& kernel : embedded_kernels())
        EXPECT_EQ(ElfFile(kernel.elf, "kernel").has_pvh_entry_note(),
                  (kernel_components(kernel.elf, "kernel") & component_pvh) != 0);
}

// An embedded kernel's file has symbols and call-frame information for hvt's monitor exactly
// with hvt and debug; a pvh-only kernel with debug has its symbols apart, for the payload.
TEST(KernelComponents, SymbolsGoWithTheDebugComponent) {
    for (const EmbeddedKernel& kernel : embedded_kernels()) {
        uint32_t components = kernel_components(kernel.elf, "kernel");
        bool debug = components & component_debug, hvt = components & component_hvt;
        ElfFile elf(kernel.elf, "kernel");
        EXPECT_EQ(elf.has_symbol_table(), debug && hvt) << component_list(components);
        EXPECT_EQ(elf.section_contents(".eh_frame").has_value(), debug && hvt);
        EXPECT_EQ(!kernel.symbols.empty(), debug && !hvt) << component_list(components);
        if (!kernel.symbols.empty()) {
            EXPECT_GT(ElfFile(kernel.symbols, "symbols").code_symbols().size(), 1000u);
        }
    }
}

TEST(KernelComponents, AProgramIsNoKernel) {
    auto program = ingot_test::read_file(ingot_test::static_program_path());
    EXPECT_THROW(kernel_components(program, "hello"), UserError);
}

TEST(KernelComponents, HelloNeedsNoNetwork) {
    EXPECT_EQ(used_by(ingot_test::static_program_path()) & component_net, 0u);
    EXPECT_EQ(used_by(ingot_test::stripped_program_path()) & component_net, 0u);
    EXPECT_EQ(used_by(ingot_test::static_pie_program_path()) & component_net, 0u);
    // The C library defines socket and the resolver; only what imports them counts.
    EXPECT_EQ(used_by(ingot_test::dynamic_program_path(), {"/lib/x86_64-linux-gnu/libc.so.6"}) &
                  component_net,
              0u);
}

// glibc's static start-up links open and fopen in (its locale and stdio code): a static hello
// can reach files by path. A program without symbols is given volumes, its calls unknown.
TEST(KernelComponents, PathCallsNeedVolumes) {
    EXPECT_EQ(used_by(ingot_test::static_program_path()), component_volumes);
    EXPECT_EQ(used_by(ingot_test::stripped_program_path()), component_volumes);
    EXPECT_EQ(used_by(ingot_test::static_pie_program_path()), component_volumes);
}

// The dynamic hello imports only printf: neither it nor what libc.so defines asks for volumes.
TEST(KernelComponents, WhatADynamicProgramImportsDecides) {
    EXPECT_EQ(used_by(ingot_test::dynamic_program_path()), 0u);
    EXPECT_EQ(used_by(ingot_test::dynamic_program_path(), {"/lib/x86_64-linux-gnu/libc.so.6"}), 0u);
}

TEST(KernelComponents, SocketCallsNeedTheNetwork) {
    // Static with symbols, static stripped (its syscall site), dynamic (its import).
    for (const std::string& path : network_programs())
        EXPECT_EQ(used_by(path) & component_net, component_net) << path;
}

TEST(KernelComponents, ALibrarysImportsCount) {
    std::string networked = network_programs().back();
    EXPECT_EQ(used_by(ingot_test::dynamic_program_path(), {networked}) & component_net,
              component_net);
    // What a library defines does not count (the static one defines socket in its symbols).
    EXPECT_EQ(used_by(ingot_test::dynamic_program_path(), {network_programs().front()}), 0u);
    // What is not ELF among the closure's files (ld.so.cache, nsswitch.conf) is skipped.
    EXPECT_EQ(used_by(ingot_test::dynamic_program_path(), {"/etc/hostname"}), 0u);
}

TEST(KernelComponents, OptionsChangeWhatTheProgramUses) {
    ComponentOptions options;
    EXPECT_EQ(choose_components(0, options), platform_components | component_debug);
    EXPECT_EQ(choose_components(component_net | component_volumes, options), all_components);
    options.platforms = component_hvt;
    EXPECT_EQ(choose_components(component_net, options),
              component_net | component_hvt | component_debug);
    options.without = {"net"};
    EXPECT_EQ(choose_components(component_net, options), component_hvt | component_debug);
    options.without = {"debug", "net"};
    EXPECT_EQ(choose_components(component_net, options), component_hvt);
    options.without.clear();
    options.with = {"net"};
    EXPECT_EQ(choose_components(0, options), component_net | component_hvt | component_debug);
    // A stripped program's guess is every component; the platforms stay the ones asked for.
    EXPECT_EQ(choose_components(all_components, options),
              component_net | component_volumes | component_hvt | component_debug);
}

TEST(KernelComponents, BadNamesAreRefused) {
    for (auto [with, without] :
         {std::pair<std::vector<std::string>, std::vector<std::string>>{{"trace"}, {}},
          {{}, {"hvt"}},
          {{"debug"}, {"debug"}},
          {{"pvh"}, {}},
          {{""}, {}},
          {{"net"}, {"net"}}}) {
        ComponentOptions options;
        options.with = with;
        options.without = without;
        EXPECT_THROW(choose_components(0, options), UserError);
    }
}

TEST(KernelComponents, ListsNameThemInOrder) {
    EXPECT_EQ(component_list(all_components), "net, volumes, hvt, pvh, debug");
    EXPECT_EQ(component_list(component_pvh), "pvh");
    EXPECT_EQ(component_list(0), "none");
}

} // namespace
} // namespace ingot
