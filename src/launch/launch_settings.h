// What `ingot run` was given, as typed: the input of resolve_launch().
#pragma once

#include "cli/commands.h"
#include "cli/identity_options.h"
#include "cli/program_image.h"
#include "net/network_options.h"

#include <string>
#include <vector>

namespace ingot {

struct LaunchSettings {
    std::string target; // an image, or a program to pack
    std::string platform = "hvt";
    ProgramOptions options;
    FileOptions files;
    ComponentOptions components; // --with, --without: for a program packed on the fly
    bool trace_syscalls = false;
    std::string syscalls = "call"; // --syscalls: call or trap
    bool print_stats = false;
    bool boot_trace = false;
    bool verbose = false;
    int stop_timeout = 10; // seconds; -1: no limit
    bool raw_console = false;
    std::string qemu;
    std::string qemu_machine;
    std::string qemu_console; // --qemu-console as typed; empty: the default
    std::string accelerator;
    NetworkOptions network;
    IdentityOptions identity;
    std::vector<std::string> volumes; // -v HOSTDIR:GUESTDIR[:ro]
    bool on_demand = false;           // --on-demand
    std::string idle_stop;            // --idle-stop DURATION as typed; empty: not given
};

} // namespace ingot
