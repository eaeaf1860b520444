// The functions each platform provides, under its own namespace, for platform.cpp to pick.
#pragma once

#include "platform/platform.h"

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
    }

INGOT_DECLARE_PLATFORM(hvt)
INGOT_DECLARE_PLATFORM(pvh)

#undef INGOT_DECLARE_PLATFORM
