#include "image/elf_file.h"
#include "image/embedded_kernel.h"
#include "image/image.h"
#include "image/kernel_components.h"
#include "support/error.h"
#include "test_support.h"

#include <ingot/abi/components.h>
#include <ingot/abi/memory_layout.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>

namespace ingot {
namespace {

using ingot_test::read_struct;
using ingot_test::write_struct;

Manifest test_manifest() {
    Manifest manifest;
    manifest.arguments = {"hello", "world"};
    manifest.environment = {"LANG=C"};
    manifest.memory_size = 128ull << 20;
    manifest.stack_size = 2ull << 20;
    return manifest;
}

class ImageTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        kernel = new std::vector<uint8_t>(ingot_test::read_file(ingot_test::kernel_elf_path()));
        program =
            new std::vector<uint8_t>(ingot_test::read_file(ingot_test::static_program_path()));
        image = new std::vector<uint8_t>(build_image(*kernel, *program, test_manifest()));
    }
    static void TearDownTestSuite() {
        delete kernel;
        delete program;
        delete image;
    }

    static Elf64_Ehdr header_of(std::span<const uint8_t> bytes) {
        return read_struct<Elf64_Ehdr>(bytes, 0);
    }
    static size_t phdr_offset(std::span<const uint8_t> bytes, size_t index) {
        return header_of(bytes).e_phoff + index * sizeof(Elf64_Phdr);
    }
    static Elf64_Phdr phdr(std::span<const uint8_t> bytes, size_t index) {
        return read_struct<Elf64_Phdr>(bytes, phdr_offset(bytes, index));
    }
    // The index of the segment whose bytes start with the payload magic.
    static size_t payload_index(std::span<const uint8_t> bytes) {
        for (size_t i = 0; i < header_of(bytes).e_phnum; ++i) {
            auto segment = phdr(bytes, i);
            if (segment.p_type == PT_LOAD && segment.p_filesz >= 8 &&
                segment.p_offset + 8 <= bytes.size() &&
                read_struct<uint64_t>(bytes, segment.p_offset) == abi::payload_magic)
                return i;
        }
        ADD_FAILURE() << "no payload segment";
        return 0;
    }
    static uint64_t payload_offset() { return phdr(*image, payload_index(*image)).p_offset; }

    // A copy of the image with one change; read_image must reject it with a UserError whose
    // message contains `expected`.
    static void expect_rejected(const std::function<void(std::vector<uint8_t>&)>& change,
                                const std::string& expected) {
        std::vector<uint8_t> bytes = *image;
        change(bytes);
        try {
            read_image(bytes, "broken.img");
            ADD_FAILURE() << "read_image accepted a corrupted image (expected: " << expected << ")";
        } catch (const UserError& error) {
            EXPECT_NE(std::string(error.what()).find(expected), std::string::npos)
                << "message: " << error.what();
        }
    }
    template <typename Change>
    static void change_phdr(std::vector<uint8_t>& bytes, size_t index, Change change) {
        auto segment = phdr(bytes, index);
        change(segment);
        write_struct(std::span<uint8_t>(bytes), phdr_offset(bytes, index), segment);
    }
    template <typename Change>
    static void change_payload(std::vector<uint8_t>& bytes, Change change) {
        uint64_t offset = phdr(bytes, payload_index(bytes)).p_offset;
        auto payload = read_struct<abi::PayloadHeader>(bytes, offset);
        change(payload);
        write_struct(std::span<uint8_t>(bytes), offset, payload);
    }
    static size_t first_kernel_segment(std::span<const uint8_t> bytes) {
        for (size_t i = 0; i < header_of(bytes).e_phnum; ++i)
            if (phdr(bytes, i).p_type == PT_LOAD && phdr(bytes, i).p_memsz != 0 &&
                i != payload_index(bytes))
                return i;
        ADD_FAILURE() << "no kernel segment";
        return 0;
    }

    static std::vector<uint8_t>* kernel;
    static std::vector<uint8_t>* program;
    static std::vector<uint8_t>* image;
};

std::vector<uint8_t>* ImageTest::kernel;
std::vector<uint8_t>* ImageTest::program;
std::vector<uint8_t>* ImageTest::image;

TEST_F(ImageTest, InputsArePresent) {
    ASSERT_GT(kernel->size(), sizeof(Elf64_Ehdr));
    ASSERT_GT(program->size(), sizeof(Elf64_Ehdr));
}

TEST_F(ImageTest, BuildThenReadRoundTrips) {
    Image read = read_image(*image, "test.img");
    Manifest expected = test_manifest();
    EXPECT_EQ(read.manifest.arguments, expected.arguments);
    EXPECT_EQ(read.manifest.environment, expected.environment);
    EXPECT_EQ(read.manifest.memory_size, expected.memory_size);
    EXPECT_EQ(read.manifest.stack_size, expected.stack_size);
    ASSERT_EQ(read.program.size(), program->size());
    EXPECT_TRUE(std::equal(read.program.begin(), read.program.end(), program->begin()));
    EXPECT_EQ(read.entry, header_of(*kernel).e_entry);

    // The kernel's own segments, then the payload at the first page after them.
    uint64_t kernel_end = 0, kernel_memory = 0;
    for (size_t i = 0; i < header_of(*kernel).e_phnum; ++i) {
        auto segment = phdr(*kernel, i);
        if (segment.p_type == PT_LOAD && segment.p_memsz) {
            kernel_end = std::max<uint64_t>(kernel_end, segment.p_paddr + segment.p_memsz);
            kernel_memory += segment.p_memsz;
        }
    }
    uint64_t payload_physical = (kernel_end + 4095) & ~4095ull;
    EXPECT_EQ(read.payload_physical, payload_physical);
    EXPECT_EQ(read.kernel_size, kernel_memory);
    ASSERT_FALSE(read.segments.empty());
    EXPECT_EQ(read.segments.back().physical_address, payload_physical);
    EXPECT_EQ(read.segments.back().memory_size, read.payload.total_size);
    for (size_t i = 0; i + 1 < read.segments.size(); ++i)
        EXPECT_LT(read.segments[i].physical_address, payload_physical);
    EXPECT_EQ(read.load_end(), (payload_physical + read.payload.total_size + 4095) & ~4095ull);

    EXPECT_EQ(read.payload.magic, abi::payload_magic);
    EXPECT_EQ(read.payload.version, abi::payload_version);
    EXPECT_EQ(read.payload.header_size, sizeof(abi::PayloadHeader));
    EXPECT_EQ(read.payload.program_offset % abi::page_size, 0u);
    EXPECT_GE(read.payload.program_offset,
              read.payload.manifest_offset + read.payload.manifest_size);
    EXPECT_EQ(read.payload.total_size, read.payload.program_offset + program->size());
    // The payload is page aligned in the file and placed after the kernel's bytes.
    EXPECT_EQ(payload_offset() % abi::page_size, 0u);
    EXPECT_GE(payload_offset(), kernel->size());
    EXPECT_EQ(image->size(), payload_offset() + read.payload.total_size);
}

TEST_F(ImageTest, KeepsTheKernelBytesExceptThePlaceholderHeader) {
    ASSERT_GE(image->size(), kernel->size());
    size_t index = payload_index(*image);
    size_t header_start = phdr_offset(*image, index),
           header_end = header_start + sizeof(Elf64_Phdr);
    for (size_t i = 0; i < kernel->size(); ++i) {
        if (i >= header_start && i < header_end)
            continue;
        ASSERT_EQ((*image)[i], (*kernel)[i]) << "byte " << i;
    }
    auto segment = phdr(*image, index);
    EXPECT_EQ(segment.p_vaddr, abi::kernel_virtual_base + segment.p_paddr);
    EXPECT_EQ(segment.p_filesz, segment.p_memsz);
}

TEST_F(ImageTest, LooksLikeImage) {
    EXPECT_TRUE(looks_like_image(*image));
    // A kernel, even without its payload, is never a program to pack.
    EXPECT_TRUE(looks_like_image(*kernel));
    std::vector<uint8_t> bad_magic = *image;
    bad_magic[payload_offset()] ^= 0xff;
    EXPECT_TRUE(looks_like_image(bad_magic));
    EXPECT_FALSE(looks_like_image(*program));
    EXPECT_FALSE(looks_like_image({}));
    std::vector<uint8_t> text(4096, 'x');
    EXPECT_FALSE(looks_like_image(text));
    std::vector<uint8_t> header_only(image->begin(), image->begin() + 64);
    EXPECT_FALSE(looks_like_image(header_only));
    std::vector<uint8_t> magic_only(image->begin(), image->begin() + 4);
    EXPECT_FALSE(looks_like_image(magic_only));
}

TEST_F(ImageTest, BuildRejectsKernelWithoutPlaceholder) {
    EXPECT_THROW(build_image(*program, *program, test_manifest()), UserError);
    std::vector<uint8_t> not_elf(4096, 0);
    EXPECT_THROW(build_image(not_elf, *program, test_manifest()), UserError);
    std::vector<uint8_t> truncated(kernel->begin(), kernel->begin() + 100);
    EXPECT_THROW(build_image(truncated, *program, test_manifest()), UserError);
}

TEST_F(ImageTest, BuildRejectsInvalidManifest) {
    Manifest manifest = test_manifest();
    manifest.arguments.clear();
    EXPECT_THROW(build_image(*kernel, *program, manifest), UserError);
    manifest = test_manifest();
    manifest.environment = {"BROKEN"};
    EXPECT_THROW(build_image(*kernel, *program, manifest), UserError);
}

TEST_F(ImageTest, ReadRejectsNonElf) {
    expect_rejected([](auto& bytes) { bytes[0] = 'X'; }, "not an ELF");
    expect_rejected([](auto& bytes) { bytes.resize(32); }, "not an ELF");
    expect_rejected([](auto& bytes) { bytes.clear(); }, "not an ELF");
}

TEST_F(ImageTest, ReadRejectsUnexpectedElfHeader) {
    expect_rejected([](auto& bytes) { bytes[EI_CLASS] = ELFCLASS32; }, "unexpected ELF header");
    expect_rejected(
        [](auto& bytes) {
            auto header = header_of(bytes);
            header.e_machine = EM_AARCH64;
            write_struct(std::span<uint8_t>(bytes), 0, header);
        },
        "unexpected ELF header");
    expect_rejected(
        [](auto& bytes) {
            auto header = header_of(bytes);
            header.e_phnum = 0;
            write_struct(std::span<uint8_t>(bytes), 0, header);
        },
        "unexpected ELF header");
    expect_rejected(
        [](auto& bytes) {
            auto header = header_of(bytes);
            header.e_phentsize = 48;
            write_struct(std::span<uint8_t>(bytes), 0, header);
        },
        "unexpected ELF header");
}

TEST_F(ImageTest, ReadRejectsProgramHeadersPastTheEnd) {
    expect_rejected([](auto& bytes) { bytes.resize(sizeof(Elf64_Ehdr) + 10); }, "truncated");
    expect_rejected(
        [](auto& bytes) {
            auto header = header_of(bytes);
            header.e_phoff = bytes.size() - 8;
            write_struct(std::span<uint8_t>(bytes), 0, header);
        },
        "truncated");
    expect_rejected(
        [](auto& bytes) {
            auto header = header_of(bytes);
            header.e_phoff = UINT64_MAX - 16;
            write_struct(std::span<uint8_t>(bytes), 0, header);
        },
        "truncated");
}

TEST_F(ImageTest, ReadRejectsTruncatedPayload) {
    expect_rejected([](auto& bytes) { bytes.resize(bytes.size() - 1); }, "truncated");
    expect_rejected([](auto& bytes) { bytes.resize(payload_offset() + 100); }, "truncated");
}

TEST_F(ImageTest, ReadRejectsImpossibleSegmentSizes) {
    size_t kernel_index = first_kernel_segment(*image);
    expect_rejected(
        [&](auto& bytes) {
            change_phdr(bytes, kernel_index, [](auto& s) { s.p_filesz = s.p_memsz + 1; });
        },
        "impossible sizes");
    expect_rejected(
        [&](auto& bytes) {
            change_phdr(bytes, kernel_index, [](auto& s) { s.p_memsz = 65ull << 30; });
        },
        "impossible sizes");
    expect_rejected(
        [&](auto& bytes) {
            change_phdr(bytes, kernel_index, [](auto& s) { s.p_paddr = 65ull << 30; });
        },
        "impossible sizes");
    expect_rejected(
        [&](auto& bytes) {
            change_phdr(bytes, kernel_index, [](auto& s) { s.p_offset = UINT64_MAX; });
        },
        "truncated");
}

TEST_F(ImageTest, ReadRejectsMissingPayload) {
    // A damaged payload header is a corrupted image, not a program to run.
    expect_rejected([](auto& bytes) { bytes[payload_offset()] ^= 0xff; },
                    "is a corrupted image: its payload header does not start with Ingot's magic");
    expect_rejected(
        [](auto& bytes) {
            change_phdr(bytes, payload_index(bytes), [](auto& s) { s.p_type = PT_NULL; });
        },
        "is a corrupted image");
    try {
        read_image(*kernel, "kernel.elf");
        ADD_FAILURE() << "read_image accepted a kernel without payload";
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find("not an Ingot image (no program payload)"),
                  std::string::npos)
            << error.what();
    }
}

// Bytes the layout checks cannot see, such as four overwritten inside the program's code.
TEST_F(ImageTest, ReadRejectsPayloadBytesThatDoNotMatchTheChecksum) {
    auto payload = read_struct<abi::PayloadHeader>(*image, payload_offset());
    EXPECT_EQ(payload.checksum,
              payload_checksum(std::span<const uint8_t>(*image).subspan(payload_offset())));
    const std::string mismatch = "is a corrupted image: its payload does not match its checksum";
    expect_rejected(
        [](auto& bytes) {
            auto header = read_struct<abi::PayloadHeader>(bytes, payload_offset());
            uint64_t middle = payload_offset() + header.program_offset + header.program_size / 2;
            std::memcpy(bytes.data() + middle, "ABCD", 4);
        },
        mismatch);
    expect_rejected([](auto& bytes) { bytes.back() ^= 1; }, mismatch);
    expect_rejected([](auto& bytes) { change_payload(bytes, [](auto& p) { p.checksum ^= 1; }); },
                    mismatch);
    expect_rejected(
        [](auto& bytes) {
            auto header = read_struct<abi::PayloadHeader>(bytes, payload_offset());
            bytes[payload_offset() + header.symbols_offset + 3] ^= 0x10; // a symbol's address
        },
        "corrupted");
}

TEST_F(ImageTest, ReadRejectsAnotherPayloadHeaderSize) {
    expect_rejected([](auto& bytes) { change_payload(bytes, [](auto& p) { p.header_size = 80; }); },
                    "payload header's size is 80");
}

// Every manifest field is checked on read, before the monitor computes with it.
TEST_F(ImageTest, ReadRejectsManifestSizesTheMonitorCannotUse) {
    auto set_sizes = [](uint64_t memory, uint64_t stack) {
        return [=](std::vector<uint8_t>& bytes) {
            auto payload = read_struct<abi::PayloadHeader>(bytes, payload_offset());
            uint64_t at = payload_offset() + payload.manifest_offset;
            auto header = read_struct<abi::ManifestHeader>(bytes, at);
            header.memory_size = memory;
            header.stack_size = stack;
            write_struct(std::span<uint8_t>(bytes), at, header);
        };
    };
    const std::string stack = "manifest is corrupted (stack size";
    const std::string memory = "manifest is corrupted (memory size";
    expect_rejected(set_sizes(64ull << 20, UINT64_MAX - 4095), stack); // 2^64 - 4096
    expect_rejected(set_sizes(64ull << 20, 1), stack);
    expect_rejected(set_sizes(64ull << 20, 60ull << 10), stack);         // below 64 KiB
    expect_rejected(set_sizes(64ull << 20, (1ull << 30) + 4096), stack); // over 1 GiB
    expect_rejected(set_sizes(64ull << 20, (1ull << 20) + 1), stack);
    expect_rejected(set_sizes(1ull << 20, 0), memory);
    expect_rejected(set_sizes(128ull << 30, 0), memory);
    expect_rejected(set_sizes(UINT64_MAX, 0), memory);
    expect_rejected(set_sizes((64ull << 20) + 512, 0), memory);
}

TEST_F(ImageTest, ReadRejectsBadKernelLayout) {
    size_t kernel_index = first_kernel_segment(*image);
    expect_rejected(
        [&](auto& bytes) { change_phdr(bytes, kernel_index, [](auto& s) { s.p_paddr = 0x1000; }); },
        "below 1 MiB");
    // Make the first kernel segment overlap the next one.
    expect_rejected(
        [&](auto& bytes) {
            change_phdr(bytes, kernel_index, [](auto& s) { s.p_memsz += 0x2000000; });
        },
        "overlap");
    expect_rejected(
        [&](auto& bytes) {
            for (size_t i = 0; i < header_of(bytes).e_phnum; ++i)
                if (i != payload_index(bytes))
                    change_phdr(bytes, i, [](auto& s) { s.p_type = PT_NULL; });
        },
        "holds no kernel");
}

TEST_F(ImageTest, ReadRejectsOverlappingKernelSegments) {
    std::vector<uint8_t> bytes = *image;
    // Two kernel segments at the same address.
    std::vector<size_t> kernel_segments;
    for (size_t i = 0; i < header_of(bytes).e_phnum; ++i)
        if (phdr(bytes, i).p_type == PT_LOAD && phdr(bytes, i).p_memsz && i != payload_index(bytes))
            kernel_segments.push_back(i);
    ASSERT_GE(kernel_segments.size(), 2u);
    uint64_t first_address = phdr(bytes, kernel_segments[0]).p_paddr;
    expect_rejected(
        [&](auto& b) {
            change_phdr(b, kernel_segments[1], [&](auto& s) { s.p_paddr = first_address; });
        },
        "overlap");
}

TEST_F(ImageTest, ReadRejectsMisplacedPayload) {
    expect_rejected(
        [](auto& bytes) {
            change_phdr(bytes, payload_index(bytes), [](auto& s) { s.p_paddr += 4096; });
        },
        "not where the kernel looks");
}

TEST_F(ImageTest, ReadRejectsEntryOutsideTheKernel) {
    expect_rejected(
        [](auto& bytes) {
            auto header = header_of(bytes);
            header.e_entry = 0x401000;
            write_struct(std::span<uint8_t>(bytes), 0, header);
        },
        "entry point");
    expect_rejected(
        [](auto& bytes) {
            auto header = header_of(bytes);
            header.e_entry = abi::kernel_virtual_base + (1ull << 30);
            write_struct(std::span<uint8_t>(bytes), 0, header);
        },
        "entry point");
}

TEST_F(ImageTest, ReadRejectsOtherPayloadVersion) {
    expect_rejected([](auto& bytes) { change_payload(bytes, [](auto& p) { p.version = 99; }); },
                    "another version");
}

TEST_F(ImageTest, ReadRejectsInconsistentPayloadLayout) {
    const std::string inconsistent = "inconsistent";
    expect_rejected([](auto& bytes) { change_payload(bytes, [](auto& p) { p.total_size += 1; }); },
                    inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.manifest_offset = 8; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.manifest_offset = UINT64_MAX; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) {
            change_payload(bytes, [](auto& p) { p.manifest_size = UINT64_MAX - 8; });
        },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.program_offset += 1; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.program_offset = 0; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.program_size += 1; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.program_size = UINT64_MAX; }); },
        inconsistent);
    // The manifest may not run into the program.
    expect_rejected(
        [](auto& bytes) {
            change_payload(bytes, [](auto& p) { p.manifest_size = p.program_offset; });
        },
        inconsistent);
    // Nor the kernel's symbols into the manifest or the program, and their entries are aligned.
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.symbols_offset += 4; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.symbols_offset = 0; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.symbols_offset -= 8; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) {
            change_payload(bytes, [](auto& p) { p.symbols_offset = UINT64_MAX - 7; });
        },
        inconsistent);
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.symbols_size = UINT64_MAX; }); },
        inconsistent);
    expect_rejected(
        [](auto& bytes) {
            change_payload(bytes, [](auto& p) { p.symbols_size = p.program_offset; });
        },
        inconsistent);
}

TEST_F(ImageTest, CarriesTheKernelsFunctionsSortedAndDemangled) {
    Image read = read_image(*image, "test.img");
    const auto& payload = read.payload;
    ASSERT_GT(payload.symbol_count, 100u);
    EXPECT_EQ(payload.symbols_offset % 8, 0u);
    auto table = std::span<const uint8_t>(*image).subspan(payload_offset() + payload.symbols_offset,
                                                          payload.symbols_size);
    auto names = table.subspan(payload.symbol_count * sizeof(abi::KernelSymbol));
    std::set<std::string> seen;
    uint64_t previous = 0;
    for (size_t i = 0; i < payload.symbol_count; ++i) {
        auto symbol = read_struct<abi::KernelSymbol>(table, i * sizeof(abi::KernelSymbol));
        EXPECT_GT(symbol.address, previous) << "entry " << i;
        EXPECT_GE(symbol.address, abi::kernel_virtual_base);
        previous = symbol.address;
        ASSERT_LT(symbol.name, names.size());
        seen.insert(reinterpret_cast<const char*>(names.data() + symbol.name));
    }
    EXPECT_TRUE(seen.count("kernel_main"));
    EXPECT_TRUE(seen.count("kernel_entry")); // an assembly label
    EXPECT_TRUE(seen.count("kernel::klog(char const*, ...)")) << "names are demangled";
    EXPECT_FALSE(seen.count("__init_array_start")) << "data labels are not functions";
}

// Only pvh's kernel reads the payload's copy; hvt's monitor reads the kernel's own table.
TEST_F(ImageTest, AnHvtOnlyImageCarriesTheKernelsSymbolsOnlyInItsElfFile) {
    auto hvt_image = build_image(kernel_with(abi::component_hvt | abi::component_debug).elf,
                                 *program, test_manifest());
    Image read = read_image(hvt_image, "hvt.img");
    EXPECT_EQ(read.payload.symbol_count, 0u);
    EXPECT_EQ(read.payload.symbols_size, 0u);
    EXPECT_LT(hvt_image.size(), image->size() - 100 * 1024);
    ElfFile elf(hvt_image, "hvt.img");
    EXPECT_TRUE(elf.has_symbol_table());
    EXPECT_GT(elf.code_symbols().size(), 100u);
    EXPECT_TRUE(elf.section_contents(".eh_frame"));
}

// QEMU reads no symbol table: a pvh-only image's kernel has its functions in the payload only.
TEST_F(ImageTest, APvhOnlyImageCarriesTheKernelsSymbolsOnlyInThePayload) {
    EmbeddedKernel kernel = kernel_with(abi::component_pvh | abi::component_debug);
    auto pvh_image =
        build_image(kernel.elf, *program, test_manifest(), {}, std::nullopt, kernel.symbols);
    Image read = read_image(pvh_image, "pvh.img");
    EXPECT_GT(read.payload.symbol_count, 1000u);
    ElfFile elf(pvh_image, "pvh.img");
    EXPECT_FALSE(elf.has_symbol_table());
    EXPECT_FALSE(elf.section_contents(".eh_frame"));
}

TEST_F(ImageTest, AnImageWithoutDebugCarriesNoKernelSymbols) {
    for (uint32_t platforms : {abi::component_hvt, abi::component_pvh, abi::platform_components}) {
        auto bytes = build_image(kernel_with(platforms).elf, *program, test_manifest());
        EXPECT_EQ(read_image(bytes, "lean.img").payload.symbol_count, 0u);
        EXPECT_FALSE(ElfFile(bytes, "lean.img").has_symbol_table());
    }
}

TEST_F(ImageTest, ReadRejectsCorruptedKernelSymbols) {
    const std::string malformed = "kernel symbol table is malformed";
    auto change_table = [](std::vector<uint8_t>& bytes, auto change) {
        auto payload = read_struct<abi::PayloadHeader>(bytes, payload_offset());
        change(std::span<uint8_t>(bytes).subspan(payload_offset() + payload.symbols_offset,
                                                 payload.symbols_size),
               payload.symbol_count);
    };
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.symbol_count = UINT64_MAX; }); },
        malformed);
    expect_rejected(
        [&](auto& bytes) {
            change_table(bytes, [](std::span<uint8_t> table, uint64_t) { table.back() = 'x'; });
        },
        malformed);
    expect_rejected(
        [&](auto& bytes) {
            change_table(bytes, [](std::span<uint8_t> table, uint64_t) {
                auto symbol = read_struct<abi::KernelSymbol>(table, 0);
                symbol.name = UINT32_MAX;
                write_struct(table, 0, symbol);
            });
        },
        malformed);
    expect_rejected(
        [&](auto& bytes) {
            change_table(bytes, [](std::span<uint8_t> table, uint64_t) {
                auto symbol = read_struct<abi::KernelSymbol>(table, sizeof symbol);
                symbol.address = 1; // before its predecessor
                write_struct(table, sizeof symbol, symbol);
            });
        },
        malformed);
    expect_rejected(
        [&](auto& bytes) {
            change_table(bytes, [](std::span<uint8_t> table, uint64_t count) {
                auto last = (count - 1) * sizeof(abi::KernelSymbol);
                auto symbol = read_struct<abi::KernelSymbol>(table, last);
                symbol.address = UINT64_MAX - 1;
                symbol.size = 16; // wraps around
                write_struct(table, last, symbol);
            });
        },
        malformed);
}

TEST_F(ImageTest, ReadRejectsCorruptedManifest) {
    expect_rejected(
        [](auto& bytes) {
            auto payload = read_struct<abi::PayloadHeader>(bytes, payload_offset());
            bytes[payload_offset() + payload.manifest_offset] ^= 0xff; // its magic
        },
        "manifest");
    expect_rejected(
        [](auto& bytes) {
            auto payload = read_struct<abi::PayloadHeader>(bytes, payload_offset());
            bytes[payload_offset() + payload.manifest_offset + payload.manifest_size - 1] = 'x';
        },
        "manifest");
    expect_rejected(
        [](auto& bytes) { change_payload(bytes, [](auto& p) { p.manifest_size -= 1; }); },
        "manifest");
}

TEST_F(ImageTest, ReadRejectsCorruptedProgram) {
    expect_rejected(
        [](auto& bytes) {
            auto payload = read_struct<abi::PayloadHeader>(bytes, payload_offset());
            bytes[payload_offset() + payload.program_offset] = 0; // no ELF magic
        },
        "embedded program");
}

// Any single corrupted byte in the headers the monitor trusts is either harmless or reported as
// a UserError: never a crash, an out-of-bounds read (ASan) or another exception type.
TEST_F(ImageTest, SurvivesEveryCorruptedHeaderByte) {
    std::vector<size_t> offsets;
    auto header = header_of(*image);
    for (size_t i = 0; i < header.e_phoff + header.e_phnum * sizeof(Elf64_Phdr); ++i)
        offsets.push_back(i);
    auto payload = read_struct<abi::PayloadHeader>(*image, payload_offset());
    for (size_t i = 0; i < sizeof payload + payload.manifest_size; ++i)
        offsets.push_back(payload_offset() + i);
    for (size_t i = 0; i < 3 * sizeof(abi::KernelSymbol); ++i)
        offsets.push_back(payload_offset() + payload.symbols_offset + i);
    size_t rejected = 0;
    // One copy, each byte flipped and flipped back: a copy per case (the image holds the
    // kernel) made this test take most of its time copying.
    std::vector<uint8_t> bytes = *image;
    for (size_t offset : offsets) {
        for (uint8_t flip : {0x01, 0x80, 0xff}) {
            bytes[offset] ^= flip;
            struct FlipBack {
                uint8_t& byte;
                uint8_t flip;
                ~FlipBack() { byte ^= flip; }
            } flip_back{bytes[offset], flip};
            try {
                Image read = read_image(bytes, "fuzzed.img");
                // Accepted: whatever it says must lie inside the file.
                ASSERT_GE(read.program.data(), bytes.data());
                ASSERT_LE(read.program.data() + read.program.size(), bytes.data() + bytes.size());
                for (const auto& segment : read.segments)
                    ASSERT_LE(segment.file_offset + segment.file_size, bytes.size());
            } catch (const UserError&) {
                ++rejected;
            }
        }
    }
    EXPECT_GT(rejected, offsets.size()); // most corruptions are caught
}

} // namespace
} // namespace ingot
