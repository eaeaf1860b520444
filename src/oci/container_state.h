// ingot-oci's record of a container: one directory per id under --root, holding state.json
// and, until `start`, the exec FIFO the init waits on (as runc's exec.fifo). The status is
// never stored: it is read from the init process and the FIFO each time (OCI runtime spec,
// runtime.md, "State").
#pragma once

#include "instance/process_identity.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>

namespace ingot {

struct ContainerRecord {
    std::string id;
    std::string bundle;
    ProcessIdentity init; // pid 0 until the init is forked
    std::string created;  // RFC 3339, UTC
    std::map<std::string, std::string> annotations;
};

enum class ContainerStatus { Created, Running, Stopped };
const char* status_name(ContainerStatus status);

nlohmann::json record_to_json(const ContainerRecord& record);
// Throws UserError naming what is wrong.
ContainerRecord record_from_json(const nlohmann::json& json);

// runc's rule for ids, which are directory names here: letters, digits, '_', '+', '-', '.',
// not "." or "..".
bool is_valid_container_id(const std::string& id);

// The OCI state of a container: ociVersion, id, status, pid (0 once stopped, as runc), bundle,
// annotations.
nlohmann::json oci_state(const ContainerRecord& record, ContainerStatus status);

class ContainerStore {
public:
    explicit ContainerStore(std::string root) : m_root(std::move(root)) {}

    std::string directory(const std::string& id) const { return m_root + "/" + id; }
    std::string fifo_path(const std::string& id) const { return directory(id) + "/exec.fifo"; }

    // Makes the id's directory and its FIFO; fails when the id is taken or malformed.
    void create(const std::string& id) const;
    void save(const ContainerRecord& record) const; // atomically: a reader sees old or new
    // Fails with "container 'ID' does not exist" when there is no record.
    ContainerRecord load(const std::string& id) const;
    bool exists(const std::string& id) const;
    void remove(const std::string& id) const;

    ContainerStatus status(const ContainerRecord& record) const;

private:
    std::string m_root;
};

} // namespace ingot
