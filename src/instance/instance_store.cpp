#include "instance/instance_store.h"

#include "support/error.h"
#include "support/file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

namespace ingot {

namespace fs = std::filesystem;

namespace {

void make_private_directory(const std::string& path) {
    if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
        fail("cannot create the instance directory {}: {}", path, system_error_text(errno));
}

nlohmann::json read_json(const std::string& path) {
    std::vector<uint8_t> bytes = read_file(path, "instance record");
    try {
        return nlohmann::json::parse(bytes.begin(), bytes.end());
    } catch (const nlohmann::json::exception& error) {
        fail("{}: not a valid instance record: {}", path, error.what());
    }
}

void write_json(const std::string& path, const nlohmann::json& json) {
    std::string text = json.dump(2) + "\n";
    write_file_atomically(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()},
                          false);
}

// flock(2) on the instance's lock file, for the length of one change of its state.
class InstanceLock {
public:
    explicit InstanceLock(const std::string& path)
        : m_fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600)) {
        if (m_fd < 0)
            fail("cannot open {}: {}", path, system_error_text(errno));
        while (flock(m_fd, LOCK_EX) != 0)
            if (errno != EINTR)
                fail("cannot lock {}: {}", path, system_error_text(errno));
    }
    ~InstanceLock() { close(m_fd); }
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;

private:
    int m_fd;
};

} // namespace

// A name whose link names no instance directory, finished or being built, was left by a
// creation that died between its two steps: it is free again.
bool InstanceStore::reserve_name(const std::string& link, const std::string& id) const {
    if (symlink(id.c_str(), link.c_str()) == 0)
        return true;
    if (errno != EEXIST)
        return false;
    std::error_code error;
    std::string owner = fs::read_symlink(link, error).string();
    if (error || owner.empty() || fs::exists(directory(owner), error) ||
        fs::exists(m_root + "/instances/.new-" + owner, error)) {
        errno = EEXIST; // the checks above may have changed it
        return false;
    }
    unlink(link.c_str());
    return symlink(id.c_str(), link.c_str()) == 0;
}

std::string instance_state_root() {
    if (const char* directory = getenv("INGOT_STATE_DIR"); directory && *directory)
        return directory;
    if (geteuid() == 0)
        return "/run/ingot";
    if (const char* runtime = getenv("XDG_RUNTIME_DIR"); runtime && *runtime)
        return std::string(runtime) + "/ingot";
    fail("XDG_RUNTIME_DIR is not set: set INGOT_STATE_DIR to a directory for ingot's instances");
}

InstanceStore::InstanceStore(std::string root) : m_root(std::move(root)) {
    make_private_directory(m_root);
    make_private_directory(m_root + "/instances");
    make_private_directory(m_root + "/names");
}

std::string InstanceStore::directory(const std::string& id) const {
    return m_root + "/instances/" + id;
}

std::string InstanceStore::log_path(const std::string& id) const {
    return directory(id) + "/log";
}

std::string InstanceStore::plan_path(const std::string& id) const {
    return directory(id) + "/plan.json";
}

void InstanceStore::create(const InstanceConfig& config, const InstanceState& state,
                           std::string_view plan) {
    check_instance_name(config.name);
    std::string link = m_root + "/names/" + config.name;
    if (!reserve_name(link, config.id)) {
        if (errno == EEXIST) {
            std::error_code ignored;
            fail("the name '{}' is already in use by instance {}: remove it ('ingot rm {}') or "
                 "choose another --name",
                 config.name, short_instance_id(fs::read_symlink(link, ignored).string()),
                 config.name);
        }
        fail("cannot reserve the name '{}' in {}: {}", config.name, m_root,
             system_error_text(errno));
    }
    std::string temporary = m_root + "/instances/.new-" + config.id;
    try {
        make_private_directory(temporary);
        write_json(temporary + "/config.json", to_json(config));
        write_json(temporary + "/state.json", to_json(state));
        write_file_atomically(temporary + "/plan.json",
                              {reinterpret_cast<const uint8_t*>(plan.data()), plan.size()}, false);
        std::ofstream(temporary + "/lock").close();
        if (rename(temporary.c_str(), directory(config.id).c_str()) != 0)
            fail("cannot create {}: {}", directory(config.id), system_error_text(errno));
    } catch (...) {
        std::error_code ignored;
        fs::remove_all(temporary, ignored);
        unlink(link.c_str());
        throw;
    }
}

std::string InstanceStore::unused_generated_name() const {
    std::random_device random;
    for (int attempt = 0; attempt < 64; ++attempt) {
        std::string name = generated_instance_name((uint64_t{random()} << 32) | random());
        if (attempt >= 16)
            name += "_" + std::to_string(random() % 10000);
        std::error_code error;
        if (!fs::is_symlink(m_root + "/names/" + name, error))
            return name;
    }
    fail("no unused instance name found: give one with --name");
}

std::vector<InstanceKey> InstanceStore::keys() const {
    std::vector<InstanceKey> keys;
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(m_root + "/instances", error)) {
        std::string id = entry.path().filename().string();
        if (id.starts_with("."))
            continue; // being created or removed
        std::error_code ignored;
        if (!fs::exists(entry.path() / "config.json", ignored))
            continue;
        keys.push_back({id, config(id).name});
    }
    if (error)
        fail("cannot list {}/instances: {}", m_root, error.message());
    return keys;
}

InstanceKey InstanceStore::find(std::string_view word) const {
    return match_instance(word, keys());
}

InstanceConfig InstanceStore::config(const std::string& id) const {
    try {
        return config_from_json(read_json(directory(id) + "/config.json"));
    } catch (const nlohmann::json::exception& error) {
        fail("{}/config.json: {}", directory(id), error.what());
    }
}

InstanceState InstanceStore::state(const std::string& id) const {
    try {
        return state_from_json(read_json(directory(id) + "/state.json"));
    } catch (const nlohmann::json::exception& error) {
        fail("{}/state.json: {}", directory(id), error.what());
    }
}

InstanceState InstanceStore::update_state(const std::string& id,
                                          const std::function<void(InstanceState&)>& change) const {
    InstanceLock lock(directory(id) + "/lock");
    InstanceState current = state(id);
    change(current);
    write_json(directory(id) + "/state.json", to_json(current));
    return current;
}

void InstanceStore::remove(const InstanceKey& key) const {
    // Renamed first, so that no reader finds it half removed.
    std::string doomed = m_root + "/instances/.removing-" + key.id;
    if (rename(directory(key.id).c_str(), doomed.c_str()) != 0)
        fail("cannot remove {}: {}", directory(key.id), system_error_text(errno));
    std::error_code error;
    fs::remove_all(doomed, error);
    std::string link = m_root + "/names/" + key.name;
    if (fs::read_symlink(link, error).string() == key.id)
        unlink(link.c_str());
}

} // namespace ingot
