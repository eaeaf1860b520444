// What the pvh boot code hands the pvh platform before kernel_main runs.
#pragma once

#include "platform/pvh/command_line.h"

namespace kernel::pvh {

struct BootDetails {
    const char* tsc_source;
    CommandLine command_line;
};

// COM1, raw or framed as the command line says. Before this, nothing can be printed.
void initialize_console(const CommandLine& command_line);
// For the boot code, before kernel_main: a line on the console.
void early_log(const char* pattern, ...) __attribute__((format(printf, 1, 2)));
void set_boot_details(const BootDetails& details);

} // namespace kernel::pvh
