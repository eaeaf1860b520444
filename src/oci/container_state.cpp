#include "oci/container_state.h"

#include "support/error.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace ingot {

namespace {

// The runtime spec version ingot-oci implements, as its `state` and `features` say.
constexpr const char* oci_version = "1.0.2";

} // namespace

const char* status_name(ContainerStatus status) {
    switch (status) {
    case ContainerStatus::Created:
        return "created";
    case ContainerStatus::Running:
        return "running";
    case ContainerStatus::Stopped:
        return "stopped";
    }
    return "unknown";
}

nlohmann::json record_to_json(const ContainerRecord& record) {
    return {{"id", record.id},
            {"bundle", record.bundle},
            {"pid", record.init.pid},
            {"pid_start_time", record.init.start_time},
            {"boot_id", record.init.boot_id},
            {"created", record.created},
            {"annotations", record.annotations}};
}

ContainerRecord record_from_json(const nlohmann::json& json) {
    try {
        ContainerRecord record;
        record.id = json.at("id").get<std::string>();
        record.bundle = json.at("bundle").get<std::string>();
        record.init.pid = json.at("pid").get<int>();
        record.init.start_time = json.at("pid_start_time").get<uint64_t>();
        record.init.boot_id = json.at("boot_id").get<std::string>();
        record.created = json.at("created").get<std::string>();
        record.annotations = json.at("annotations").get<std::map<std::string, std::string>>();
        return record;
    } catch (const nlohmann::json::exception& error) {
        fail("a malformed container record: {}", error.what());
    }
}

bool is_valid_container_id(const std::string& id) {
    if (id.empty() || id == "." || id == "..")
        return false;
    for (char c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '+' && c != '-' &&
            c != '.')
            return false;
    return true;
}

nlohmann::json oci_state(const ContainerRecord& record, ContainerStatus status) {
    return {{"ociVersion", oci_version},
            {"id", record.id},
            {"status", status_name(status)},
            {"pid", status == ContainerStatus::Stopped ? 0 : record.init.pid},
            {"bundle", record.bundle},
            {"created", record.created},
            {"annotations", record.annotations}};
}

void ContainerStore::create(const std::string& id) const {
    if (!is_valid_container_id(id))
        fail("invalid container id '{}': use letters, digits, '_', '+', '-' and '.'", id);
    std::error_code error;
    std::filesystem::create_directories(m_root, error);
    if (error)
        fail("cannot create the state directory '{}': {}", m_root, error.message());
    if (::mkdir(directory(id).c_str(), 0700) != 0) {
        if (errno == EEXIST)
            fail("container '{}' already exists", id);
        fail("cannot create '{}': {}", directory(id), system_error_text(errno));
    }
    if (::mkfifo(fifo_path(id).c_str(), 0600) != 0) {
        int saved = errno;
        remove(id);
        fail("cannot create '{}': {}", fifo_path(id), system_error_text(saved));
    }
}

void ContainerStore::save(const ContainerRecord& record) const {
    std::string path = directory(record.id) + "/state.json";
    std::string temporary = path + ".new";
    {
        std::ofstream file(temporary, std::ios::trunc);
        file << record_to_json(record).dump() << '\n';
        if (!file.flush())
            fail("cannot write '{}'", temporary);
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0)
        fail("cannot write '{}': {}", path, system_error_text(errno));
}

bool ContainerStore::exists(const std::string& id) const {
    return is_valid_container_id(id) && std::filesystem::exists(directory(id) + "/state.json");
}

ContainerRecord ContainerStore::load(const std::string& id) const {
    if (!exists(id))
        fail("container '{}' does not exist", id);
    std::ifstream file(directory(id) + "/state.json");
    std::stringstream text;
    text << file.rdbuf();
    try {
        return record_from_json(nlohmann::json::parse(text.str()));
    } catch (const nlohmann::json::exception& error) {
        fail("the record of container '{}' is not JSON: {}", id, error.what());
    }
}

void ContainerStore::remove(const std::string& id) const {
    std::error_code error;
    std::filesystem::remove_all(directory(id), error);
    if (error)
        fail("cannot remove '{}': {}", directory(id), error.message());
}

ContainerStatus ContainerStore::status(const ContainerRecord& record) const {
    if (record.init.pid == 0 || !is_running(record.init))
        return ContainerStatus::Stopped;
    // `start` removes the FIFO once the init has passed it.
    return std::filesystem::exists(fifo_path(record.id)) ? ContainerStatus::Created
                                                         : ContainerStatus::Running;
}

} // namespace ingot
