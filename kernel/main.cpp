// From the platform's entry to the program's first instruction.
#include "arch/x86_64/cpu_setup.h"
#include "arch/x86_64/cpu_tlb.h"
#include "arch/x86_64/page_table.h"
#include "debug/program_cfi.h"
#include "fs/fd_table.h"
#include "fs/file_systems.h"
#include "fs/imagefs/payload_file_system.h"
#include "fs/p9/mount_volumes.h"
#include "fs/synthetic/synthetic_start.h"
#include "fs/vfs/vfs.h"
#include "lib/log.h"
#include "lib/string.h"
#include "lib/utility.h"
#include "linux/entropy.h"
#include "linux/machine_identity.h"
#include "linux/program_break.h"
#include "linux/program_identity.h"
#include "linux/resource_limits.h"
#include "linux/signals.h"
#include "linux/syscall_rewriter.h"
#include "linux/syscall_table.h"
#include "linux/vdso/vdso_mapping.h"
#include "loader/auxiliary_vector.h"
#include "loader/initial_stack.h"
#include "loader/interpreter_loader.h"
#include "loader/manifest.h"
#include "loader/payload.h"
#include "loader/program_loader.h"
#include "mm/frame_allocator.h"
#include "mm/physical_memory.h"
#include "mm/user_memory.h"
#include "net/network.h"
#include "platform/platform.h"
#include "sched/scheduler.h"
#include "time/clock.h"

#include <ingot/abi/boot_info.h>
#include <ingot/abi/exit_status.h>
#include <ingot/abi/image.h>
#include <ingot/abi/memory_layout.h>

extern "C" {
extern uint64_t kernel_entry_tsc;
void syscall_call_entry_pvh();
void syscall_call_entry_hvt();
extern void (*__init_array_start[])();
extern void (*__init_array_end[])();
}

namespace kernel {

namespace {

constexpr uint64_t user_lowest = 0x10000;
constexpr uint64_t stack_top = 0x7ffffffff000;

FrameAllocator frames;
Lifelong<CpuTlb> tlb_storage;
Lifelong<PageTable> page_table_storage;
Lifelong<AddressSpace> address_space_storage;
Manifest manifest;

[[noreturn]] void refuse(const char* what, Error error) {
    klog("cannot start the program: %s (%s)", what, errno_name(error.code()));
    platform::exit(ingot::abi::exit_cannot_execute);
}

template <typename T> T must(ErrorOr<T> result, const char* what) {
    if (result.is_error())
        refuse(what, result.error());
    return result.release_value();
}

void must(ErrorOr<void> result, const char* what) {
    if (result.is_error())
        refuse(what, result.error());
}

ErrorOr<uint64_t> create_stack(AddressSpace& space, uint64_t size) {
    uint64_t bottom = stack_top - size;
    // A guard page below the stack: an overflow faults instead of corrupting a neighbour.
    TRY(space.map_anonymous(bottom - abi::page_size, abi::page_size, protection::none,
                            Placement::FixedNoReplace, RegionKind::Stack));
    TRY(space.map_anonymous(bottom, size, protection::read | protection::write,
                            Placement::FixedNoReplace, RegionKind::Stack));
    return stack_top;
}

// A dynamically linked program's interpreter, from the file system at the path PT_INTERP
// names; refusing names it, as Linux's "cannot execute" would leave the user guessing.
LoadedInterpreter load_interpreter_at(const char* path, AddressSpace& space) {
    auto file = vfs::resolve(StringView(path));
    auto loaded = file.is_error()
                      ? ErrorOr<LoadedInterpreter>(file.error())
                      : load_interpreter(*file.value(), StringView(path), space, frames);
    if (loaded.is_error()) {
        klog("cannot start the program: its interpreter %s cannot be loaded (%s)", path,
             errno_name(loaded.error().code()));
        platform::exit(ingot::abi::exit_cannot_execute);
    }
    return loaded.release_value();
}

} // namespace

FrameAllocator& frame_allocator() {
    return frames;
}

} // namespace kernel

// The first thing each entry (hvt's entry.S, pvh_main) does.
extern "C" void run_global_constructors() {
    for (auto* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
        (*constructor)();
}

extern "C" [[noreturn]] void kernel_main(uint64_t boot_info_physical) {
    using namespace kernel;

    const auto& boot = *physical_to_kernel<const abi::BootInfo>(boot_info_physical);
    if (boot.magic != abi::boot_info_magic)
        __builtin_trap(); // the monitor reports the fault
    set_payload_location(boot.payload);
    clock::initialize(boot.tsc_khz, boot.boot_time_ns);
    platform::initialize(boot);
    seed_random(boot.entropy);
    if (boot.identity &&
        identity::apply(*physical_to_kernel<const abi::Identity>(boot.identity)).is_error())
        klog("the host's hostname and DNS servers are malformed: keeping the defaults");

    frames.initialize(reinterpret_cast<uint8_t*>(abi::direct_map_base), boot.memory_size,
                      boot.first_free_address, true);
    uint64_t root = boot.page_table_root;
    TlbInvalidator* tlb = &tlb_storage.construct();
    auto& page_table = page_table_storage.construct(frames, root, tlb);
    uint64_t lowest = user_lowest, highest = stack_top;
    auto& space = address_space_storage.construct(frames, page_table, lowest, highest);
    set_user_address_space(space);
    platform::start_devices();
    net::start_network(boot.flags & abi::boot_flag_boot_trace);

    uint64_t payload_physical;
    const auto* found = find_payload(payload_physical);
    if (!found)
        refuse("the image carries no program", Error(EINVAL));
    const auto& payload = *found;
    const auto* payload_bytes = physical_to_kernel<const uint8_t>(payload_physical);
    must(parse_manifest(payload_bytes + payload.manifest_offset, payload.manifest_size, manifest),
         "the image's manifest is malformed");
    if (boot.arguments)
        must(apply_run_time_arguments(physical_to_kernel<const uint8_t>(boot.arguments),
                                      boot.arguments_size, manifest),
             "the run-time arguments are malformed");
    set_program_path(manifest.argv[0]);
    must(start_file_systems(imagefs::image_file_system()), "the file systems could not start");
    must(start_synthetic_file_systems(manifest, space), "/dev, /proc and /sys could not start");
    must(p9::mount_volumes(), "a volume could not be mounted");

    auto program = must(load_program(payload_bytes + payload.program_offset, payload.program_size,
                                     payload_physical + payload.program_offset, space, frames),
                        "the program could not be loaded");
    set_program_break(program.end);
    uint64_t stack_size = align_up(
        manifest.stack_size ? manifest.stack_size : abi::default_stack_size, abi::page_size);
    uint64_t top = must(create_stack(space, stack_size), "no memory for the stack");
    // The interpreter goes at the top of the mmap area, below the stack, as Linux places it.
    LoadedInterpreter interpreter{};
    if (program.interpreter)
        interpreter = load_interpreter_at(program.interpreter, space);
    uint64_t entry = program.interpreter ? interpreter.entry : program.entry;
    uint64_t vdso_base = must(vdso::start(space, frames), "no memory for the vDSO");

    ProcessorFeatures features{cpu::cpuid(1).edx, 0, signals::frame_size()};
    AuxiliaryEntry auxiliary[auxiliary_capacity];
    size_t auxiliary_count = make_auxiliary_vector(
        program, program.interpreter ? &interpreter : nullptr, vdso_base, features, auxiliary);
    InitialStackInputs inputs{
        manifest.argc, manifest.argv, manifest.envc, manifest.envp, auxiliary, auxiliary_count, {}};
    fill_random(inputs.random_bytes, sizeof inputs.random_bytes);
    // The stack's pages get frames on first touch: the kernel writes these itself.
    size_t initial_size = initial_stack_size(inputs);
    if (initial_size <= stack_size)
        must(space.populate(top - initial_size, initial_size, Access::Write),
             "no memory for the program's stack");
    uint64_t stack_pointer =
        must(build_initial_stack(inputs, reinterpret_cast<uint8_t*>(top), top, stack_size),
             "the arguments and environment do not fit on the stack");

    initialize_resource_limits(stack_size);
    fd_table::initialize_console();
    initialize_syscalls(boot.flags & abi::boot_flag_trace_syscalls);
    if (!(boot.flags & abi::boot_flag_syscall_traps)) {
        const uint8_t* program_file = payload_bytes + payload.program_offset;
        syscall_rewriter::enable(
            reinterpret_cast<uint64_t>(boot.platform == abi::Platform::Pvh
                                           ? &syscall_call_entry_pvh
                                           : &syscall_call_entry_hvt),
            {debug::find_program_cfi(program_file, payload.program_size, program.load_bias),
             debug::ProgramSymbols(program_file, payload.program_size, program.load_bias)});
    }

    signals::initialize(platform::host_signals(program.load_bias));

    SyscallFrame frame{};
    frame.rcx = entry;
    frame.r11 = 0x202;
    frame.rsp = stack_pointer;
    Thread* main_thread = must(create_thread(frame), "no memory for the first thread");
    cpu::reset_fpu();
    cpu::save_fpu(main_thread->fpu);
    if (boot.flags & abi::boot_flag_boot_trace)
        klog("boot: %llu us from the kernel's first instruction to the program's entry",
             static_cast<unsigned long long>(clock::tsc_to_ns(cpu::read_tsc() - kernel_entry_tsc) /
                                             1000));
    scheduler::start(*main_thread);
}
