#include "oci/oci_config.h"

#include "support/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace ingot {

namespace {

using nlohmann::json;

// The field `name` of `object` when present; `where` names it in messages.
template <typename T>
std::optional<T> optional_field(const json& object, const char* name, const std::string& where) {
    auto found = object.find(name);
    if (found == object.end() || found->is_null())
        return std::nullopt;
    try {
        return found->get<T>();
    } catch (const json::exception&) {
        fail("{}.{} has the wrong type ({})", where, name, found->type_name());
    }
}

const json* optional_object(const json& object, const char* name, const std::string& where) {
    auto found = object.find(name);
    if (found == object.end() || found->is_null())
        return nullptr;
    if (!found->is_object())
        fail("{}.{} is not an object", where, name);
    return &*found;
}

std::vector<OciMount> parse_mounts(const json& config) {
    std::vector<OciMount> mounts;
    auto found = config.find("mounts");
    if (found == config.end() || found->is_null())
        return mounts;
    if (!found->is_array())
        fail("mounts is not an array");
    for (const json& entry : *found) {
        if (!entry.is_object())
            fail("mounts holds an entry that is not an object");
        OciMount mount;
        auto destination = optional_field<std::string>(entry, "destination", "mounts[]");
        if (!destination || destination->empty())
            fail("a mount has no destination");
        mount.destination = *destination;
        mount.type = optional_field<std::string>(entry, "type", "mounts[]").value_or("");
        mount.source = optional_field<std::string>(entry, "source", "mounts[]").value_or("");
        mount.options = optional_field<std::vector<std::string>>(entry, "options", "mounts[]")
                            .value_or(std::vector<std::string>{});
        mounts.push_back(std::move(mount));
    }
    return mounts;
}

void parse_linux(const json& linux, OciConfig& config) {
    if (const json* resources = optional_object(linux, "resources", "linux"))
        if (const json* memory = optional_object(*resources, "memory", "linux.resources"))
            config.memory_limit =
                optional_field<int64_t>(*memory, "limit", "linux.resources.memory");
    auto namespaces = linux.find("namespaces");
    if (namespaces == linux.end() || namespaces->is_null())
        return;
    if (!namespaces->is_array())
        fail("linux.namespaces is not an array");
    for (const json& entry : *namespaces) {
        if (!entry.is_object())
            fail("linux.namespaces holds an entry that is not an object");
        auto type = optional_field<std::string>(entry, "type", "linux.namespaces[]");
        if (!type)
            fail("a linux.namespaces entry has no type");
        config.namespaces.push_back(
            {*type, optional_field<std::string>(entry, "path", "linux.namespaces[]").value_or("")});
    }
}

} // namespace

bool OciMount::is_bind() const {
    return type == "bind" || std::ranges::any_of(options, [](const std::string& option) {
               return option == "bind" || option == "rbind";
           });
}

bool OciMount::read_only() const {
    return std::ranges::find(options, "ro") != options.end();
}

OciConfig parse_oci_config(const std::string& text) {
    json document;
    try {
        document = json::parse(text);
    } catch (const json::parse_error& error) {
        // nlohmann's message names the byte; its "[json.exception.parse_error.101] " prefix
        // says nothing to a user.
        std::string what = error.what();
        auto start = what.find("] ");
        fail("not valid JSON: {}", start == std::string::npos ? what : what.substr(start + 2));
    }
    if (!document.is_object())
        fail("not a JSON object");
    OciConfig config;
    config.oci_version = optional_field<std::string>(document, "ociVersion", "config").value_or("");
    const json* root = optional_object(document, "root", "config");
    auto root_path = root ? optional_field<std::string>(*root, "path", "root") : std::nullopt;
    if (!root_path || root_path->empty())
        fail("root.path is missing: the bundle names no root file system");
    config.root_path = *root_path;
    const json* process = optional_object(document, "process", "config");
    if (!process)
        fail("process is missing: the bundle names no program");
    config.terminal = optional_field<bool>(*process, "terminal", "process").value_or(false);
    config.args = optional_field<std::vector<std::string>>(*process, "args", "process")
                      .value_or(std::vector<std::string>{});
    if (config.args.empty() || config.args.front().empty())
        fail("process.args is empty: the bundle names no program");
    config.env = optional_field<std::vector<std::string>>(*process, "env", "process")
                     .value_or(std::vector<std::string>{});
    config.cwd = optional_field<std::string>(*process, "cwd", "process").value_or("/");
    config.hostname = optional_field<std::string>(document, "hostname", "config").value_or("");
    config.mounts = parse_mounts(document);
    if (const json* linux = optional_object(document, "linux", "config"))
        parse_linux(*linux, config);
    config.annotations =
        optional_field<std::map<std::string, std::string>>(document, "annotations", "config")
            .value_or(std::map<std::string, std::string>{});
    if (const json* hooks = optional_object(document, "hooks", "config"))
        config.has_hooks = std::ranges::any_of(
            hooks->items(), [](const auto& item) { return !item.value().empty(); });
    return config;
}

OciConfig read_oci_config(const std::string& bundle) {
    std::string path = bundle + "/config.json";
    std::ifstream file(path);
    if (!file)
        fail("cannot open '{}': {}", path, system_error_text(errno));
    std::stringstream text;
    text << file.rdbuf();
    try {
        return parse_oci_config(text.str());
    } catch (const UserError& error) {
        fail("'{}': {}", path, error.what());
    }
}

} // namespace ingot
