// ingot run's options for detached instances: -d, --name, --restart.
#pragma once

#include "instance/detached_run.h"

#include <CLI/CLI.hpp>

namespace ingot {

void add_detach_options(CLI::App& command, DetachOptions& options);

} // namespace ingot
