#include "vmm/unwinder.h"

#include "support/demangle.h"

#include <elfutils/libdwfl.h>
#include <fmt/format.h>

#include <sys/mman.h>

#include <unistd.h>

namespace ingot {

namespace {

int memory_file(const char* name, std::span<const uint8_t> bytes) {
    int fd = ::memfd_create(name, MFD_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) {
            ::close(fd);
            return -1;
        }
        done += static_cast<size_t>(n);
    }
    return fd;
}

// The report uses what the image itself carries: the monitor's sandbox opens no files after
// set-up, so separate debug files (by build ID, debuglink or debuginfod) are not looked for.
int no_separate_debuginfo(Dwfl_Module*, void**, const char*, Dwarf_Addr, const char*, const char*,
                          GElf_Word, char**) {
    return -1;
}

const Dwfl_Callbacks module_callbacks = {
    .find_elf = nullptr,
    .find_debuginfo = no_separate_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

struct ThreadState {
    const GuestPageWalker* memory;
    const kvm_regs* registers;
    bool reported = false;
};

pid_t next_thread(Dwfl*, void* argument, void** thread_argument) {
    auto* state = static_cast<ThreadState*>(argument);
    if (state->reported)
        return 0;
    state->reported = true;
    *thread_argument = state;
    return 1;
}

bool memory_read(Dwfl*, Dwarf_Addr address, Dwarf_Word* result, void* argument) {
    auto value = static_cast<ThreadState*>(argument)->memory->read_u64(address);
    if (!value)
        return false;
    *result = *value;
    return true;
}

bool set_initial_registers(Dwfl_Thread* thread, void* argument) {
    const kvm_regs& r = *static_cast<ThreadState*>(argument)->registers;
    // DWARF numbering for x86-64.
    Dwarf_Word values[17] = {r.rax, r.rdx, r.rcx, r.rbx, r.rsi, r.rdi, r.rbp, r.rsp, r.r8,
                             r.r9,  r.r10, r.r11, r.r12, r.r13, r.r14, r.r15, r.rip};
    return dwfl_thread_state_registers(thread, 0, 17, values);
}

const Dwfl_Thread_Callbacks thread_callbacks = {
    .next_thread = next_thread,
    .get_thread = nullptr,
    .memory_read = memory_read,
    .set_initial_registers = set_initial_registers,
    .detach = nullptr,
    .thread_detach = nullptr,
};

} // namespace

struct Unwinder::Session {
    Dwfl* dwfl = nullptr;
    int kernel_fd = -1;
    int program_fd = -1;
};

Unwinder::Unwinder(std::span<const uint8_t> kernel_elf, std::span<const uint8_t> program_elf,
                   uint64_t program_bias, const GuestPageWalker& memory)
    : m_session(new Session), m_memory(memory) {
    m_session->dwfl = dwfl_begin(&module_callbacks);
    if (!m_session->dwfl)
        return;
    m_session->kernel_fd = memory_file("ingot-kernel", kernel_elf);
    m_session->program_fd = memory_file("ingot-program", program_elf);
    dwfl_report_begin(m_session->dwfl);
    if (m_session->kernel_fd >= 0)
        dwfl_report_elf(m_session->dwfl, "kernel", "kernel", m_session->kernel_fd, 0, false);
    if (m_session->program_fd >= 0)
        dwfl_report_elf(m_session->dwfl, "program", "program", m_session->program_fd, program_bias,
                        false);
    dwfl_report_end(m_session->dwfl, nullptr, nullptr);
}

Unwinder::~Unwinder() {
    if (m_session->dwfl)
        dwfl_end(m_session->dwfl); // closes the module files
    delete m_session;
}

std::string Unwinder::describe(uint64_t pc) const {
    if (!m_session->dwfl)
        return "??";
    Dwfl_Module* module = dwfl_addrmodule(m_session->dwfl, pc);
    if (!module)
        return "??";
    GElf_Off offset = 0;
    GElf_Sym symbol;
    const char* name =
        dwfl_module_addrinfo(module, pc, &offset, &symbol, nullptr, nullptr, nullptr);
    std::string text = name ? fmt::format("{}+{:#x}", demangle(name), offset) : "??";
    const char* module_name = nullptr;
    dwfl_module_info(module, nullptr, nullptr, nullptr, nullptr, nullptr, &module_name, nullptr);
    if (Dwfl_Line* line = dwfl_module_getsrc(module, pc)) {
        int line_number = 0;
        if (const char* file =
                dwfl_lineinfo(line, nullptr, &line_number, nullptr, nullptr, nullptr))
            text += fmt::format(" ({}:{})", file, line_number);
    }
    if (module_name && std::string_view(module_name) == "kernel")
        text += " [kernel]";
    return text;
}

std::vector<StackFrame> Unwinder::backtrace(const kvm_regs& registers, size_t limit) const {
    std::vector<StackFrame> frames;
    if (m_session->dwfl) {
        ThreadState state{&m_memory, &registers};
        if (dwfl_attach_state(m_session->dwfl, nullptr, 1, &thread_callbacks, &state)) {
            struct Collector {
                const Unwinder* self;
                std::vector<StackFrame>* frames;
                size_t limit;
            } collector{this, &frames, limit};
            dwfl_getthread_frames(
                m_session->dwfl, 1,
                [](Dwfl_Frame* frame, void* argument) -> int {
                    auto& c = *static_cast<Collector*>(argument);
                    Dwarf_Addr pc;
                    bool activation = false;
                    if (!dwfl_frame_pc(frame, &pc, &activation))
                        return DWARF_CB_ABORT;
                    // A return address points after the call: look up the call itself.
                    uint64_t lookup = activation ? pc : pc - 1;
                    c.frames->push_back({pc, c.self->describe(lookup)});
                    return c.frames->size() >= c.limit ? DWARF_CB_ABORT : DWARF_CB_OK;
                },
                &collector);
        }
    }
    if (frames.size() <= 1)
        return frame_pointer_chain(registers, limit);
    return frames;
}

// Without call-frame information, follow saved frame pointers as far as they look sane.
std::vector<StackFrame> Unwinder::frame_pointer_chain(const kvm_regs& registers,
                                                      size_t limit) const {
    std::vector<StackFrame> frames{{registers.rip, describe(registers.rip)}};
    uint64_t frame = registers.rbp;
    while (frames.size() < limit && frame && frame % 8 == 0) {
        auto saved_frame = m_memory.read_u64(frame);
        auto return_address = m_memory.read_u64(frame + 8);
        if (!saved_frame || !return_address || *return_address == 0)
            break;
        frames.push_back({*return_address, describe(*return_address - 1)});
        if (*saved_frame <= frame)
            break;
        frame = *saved_frame;
    }
    return frames;
}

} // namespace ingot
