// Where detached instances live: ROOT/instances/ID/ holds config.json, state.json, plan.json,
// the lock and the log; ROOT/names/NAME is a symbolic link to the id, made with symlink(2), which
// fails with EEXIST for a name already taken, so two `ingot run -d --name web` cannot both win.
#pragma once

#include "instance/instance_name.h"
#include "instance/instance_record.h"

#include <functional>
#include <string>
#include <vector>

namespace ingot {

// $INGOT_STATE_DIR, else /run/ingot for root, else $XDG_RUNTIME_DIR/ingot.
std::string instance_state_root();

class InstanceStore {
public:
    explicit InstanceStore(std::string root);

    const std::string& root() const { return m_root; }
    std::string directory(const std::string& id) const;
    std::string log_path(const std::string& id) const;
    // The launch plan ingot run -d resolved (launch/launch_plan_json.h), which each run starts.
    std::string plan_path(const std::string& id) const;

    // Reserves the name, then creates the directory whole, with the plan's text (built under a
    // temporary name and renamed): a failure leaves nothing. Fails with one line when the name
    // is taken.
    void create(const InstanceConfig& config, const InstanceState& state, std::string_view plan);
    // A name nobody has yet, of those generated_instance_name makes.
    std::string unused_generated_name() const;

    std::vector<InstanceKey> keys() const;
    InstanceKey find(std::string_view word) const; // by id, name or id prefix
    InstanceConfig config(const std::string& id) const;
    InstanceState state(const std::string& id) const;
    // Reads, changes and writes the state under the instance's lock; returns what it wrote.
    InstanceState update_state(const std::string& id,
                               const std::function<void(InstanceState&)>& change) const;
    // The directory and the name's link, once nothing runs.
    void remove(const InstanceKey& key) const;

private:
    // symlink(2) of the name to the id; false with errno set when it cannot be had.
    bool reserve_name(const std::string& link, const std::string& id) const;

    std::string m_root;
};

} // namespace ingot
