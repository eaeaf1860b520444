// The parts of a bundle's config.json (OCI runtime spec, config.md and config-linux.md) that
// ingot-oci maps onto a launch, parsed and checked. What it cannot honour is refused by the
// mapping (oci_launch.h), not here: this only reads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ingot {

struct OciMount {
    std::string destination;
    std::string type; // may be empty: a bind mount says so in its options
    std::string source;
    std::vector<std::string> options;

    bool is_bind() const;
    bool read_only() const;
};

struct OciNamespace {
    std::string type;
    std::string path; // empty: a new namespace
};

struct OciConfig {
    std::string oci_version;
    std::string root_path; // as written: relative to the bundle unless absolute
    bool terminal = false;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd = "/";
    std::string hostname;
    std::optional<int64_t> memory_limit; // linux.resources.memory.limit, bytes
    std::vector<OciMount> mounts;
    std::vector<OciNamespace> namespaces;
    std::map<std::string, std::string> annotations;
    bool has_hooks = false;
};

// Throws UserError, one line, for text that is not JSON or not a runtime config: no
// root.path, no process.args, a field of the wrong type.
OciConfig parse_oci_config(const std::string& text);

// bundle/config.json read and parsed; messages name the file.
OciConfig read_oci_config(const std::string& bundle);

} // namespace ingot
