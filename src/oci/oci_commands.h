// ingot-oci's commands, runc's command line (OCI runtime spec, runtime.md, "Operations"):
// create, start, state, kill, delete, and runc's features. Each returns the exit status and
// throws UserError (one line) for what it refuses; main reports it (runtime_log.h).
#pragma once

#include "oci/container_state.h"
#include "oci/runtime_log.h"

#include <string>

namespace ingot {

struct CreateOptions {
    std::string id;
    std::string bundle = ".";
    std::string pid_file;
    std::string console_socket;
};

int create_container(const ContainerStore& store, const CreateOptions& options,
                     const RuntimeLog& log);
int start_container(const ContainerStore& store, const std::string& id);
int print_state(const ContainerStore& store, const std::string& id);
int kill_container(const ContainerStore& store, const std::string& id, const std::string& signal,
                   bool all);
int delete_container(const ContainerStore& store, const std::string& id, bool force);
int print_features();

} // namespace ingot
