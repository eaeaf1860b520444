// What each platform provides, for platform.cpp to pick at boot: the functions under the
// platform's own namespace, gathered in a table by its platform file. A kernel built without a
// platform's component (abi::component_hvt, abi::component_pvh) has no table for it
// (components/without_hvt.cpp, without_pvh.cpp): operations() returns null there.
#pragma once

#include "arch/x86_64/interrupt_frame.h"
#include "platform/platform.h"

namespace kernel::platform {

struct Operations {
    void (*initialize)(const abi::BootInfo& boot_info);
    ErrorOr<size_t> (*console_write)(abi::ConsoleStream stream, const void* data, size_t length);
    ErrorOr<size_t> (*console_read)(void* data, size_t length);
    uint64_t (*wait_for_events)(uint64_t interest, uint64_t timeout_ns);
    [[noreturn]] void (*exit)(int status);
    [[noreturn]] void (*crash)(const abi::CrashArgs& crash);
    abi::StreamKind (*stream_kind)(int fd);
    void (*flush_tlb)();
    void (*start_devices)();
    net::NetDevice* (*net_device)();
    net::InterfaceConfig (*net_config)();
    volatile uint64_t* (*host_signals)(uint64_t program_load_bias);
    // interrupt_entry.S's entry: pvh's IDT vectors, hvt's monitor events.
    int (*dispatch_interrupt)(InterruptFrame& frame);
};

} // namespace kernel::platform

#define INGOT_DECLARE_PLATFORM(name)                                                               \
    namespace kernel::name {                                                                       \
    void initialize(const abi::BootInfo& boot_info);                                               \
    ErrorOr<size_t> console_write(abi::ConsoleStream stream, const void* data, size_t length);     \
    ErrorOr<size_t> console_read(void* data, size_t length);                                       \
    uint64_t wait_for_events(uint64_t interest, uint64_t timeout_ns);                              \
    [[noreturn]] void exit(int status);                                                            \
    [[noreturn]] void crash(const abi::CrashArgs& crash);                                          \
    abi::StreamKind stream_kind(int fd);                                                           \
    void flush_tlb();                                                                              \
    void start_devices();                                                                          \
    net::NetDevice* net_device();                                                                  \
    net::InterfaceConfig net_config();                                                             \
    volatile uint64_t* host_signals(uint64_t program_load_bias);                                   \
    const platform::Operations* operations();                                                      \
    }

INGOT_DECLARE_PLATFORM(hvt)
INGOT_DECLARE_PLATFORM(pvh)

#undef INGOT_DECLARE_PLATFORM

// Defines operations() in a platform's namespace, the table of its functions above and its
// `dispatch` of interrupt_entry.S's frames.
#define INGOT_PLATFORM_OPERATIONS(dispatch)                                                        \
    const platform::Operations* operations() {                                                     \
        static constexpr platform::Operations table{                                               \
            .initialize = initialize,                                                              \
            .console_write = console_write,                                                        \
            .console_read = console_read,                                                          \
            .wait_for_events = wait_for_events,                                                    \
            .exit = exit,                                                                          \
            .crash = crash,                                                                        \
            .stream_kind = stream_kind,                                                            \
            .flush_tlb = flush_tlb,                                                                \
            .start_devices = start_devices,                                                        \
            .net_device = net_device,                                                              \
            .net_config = net_config,                                                              \
            .host_signals = host_signals,                                                          \
            .dispatch_interrupt = dispatch,                                                        \
        };                                                                                         \
        return &table;                                                                             \
    }
