#include "image/oci_archive_writer.h"

#include "image/oci_archive_digest.h"
#include "image/oci_archive_tar.h"
#include "support/error.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <regex>

namespace ingot::oci {

namespace {

using nlohmann::json;

std::vector<uint8_t> bytes_of(const json& document) {
    // nlohmann's objects keep their keys sorted: the text is a function of the content.
    std::string text = document.dump();
    return {text.begin(), text.end()};
}

json descriptor(std::string_view media_type, std::span<const uint8_t> blob) {
    return {{"mediaType", media_type}, {"digest", sha256_digest(blob)}, {"size", blob.size()}};
}

// RFC 3339, as config.md's "created" is.
std::string rfc3339(int64_t seconds) {
    std::time_t time = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

} // namespace

std::string image_path_for(const std::string& program) {
    std::string name = std::filesystem::path(program).filename().string();
    if (name.empty() || name == "." || name == "..")
        name = "image";
    return std::string(image_directory) + "/" + name + ".img";
}

std::string default_tag_for(const std::string& program) {
    static const std::regex name("[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*");
    std::string base = std::filesystem::path(program).filename().string();
    return std::regex_match(base, name) ? base + ":latest" : "latest";
}

std::vector<uint8_t> write_oci_archive(std::span<const uint8_t> image, const ArchiveSpec& spec) {
    // The layer: the image and its directory, paths relative as layer.md's examples are.
    std::string in_layer = spec.image_path.substr(1);
    std::string directory = in_layer.substr(0, in_layer.rfind('/') + 1);
    std::vector<TarFile> layer_files{{directory, {}},
                                     {in_layer, {image.begin(), image.end()}, true}};
    std::vector<uint8_t> layer_tar = write_tar(layer_files, spec.created);
    std::vector<uint8_t> layer = gzip(layer_tar);

    json container_config = {{"Entrypoint", json::array({spec.image_path})},
                             {"Labels", {{image_label, spec.image_path}}}};
    if (!spec.arguments.empty())
        container_config["Cmd"] = spec.arguments;
    if (!spec.environment.empty())
        container_config["Env"] = spec.environment;
    std::string created = rfc3339(spec.created);
    json config_document = {
        {"created", created},
        {"architecture", "amd64"},
        {"os", "linux"},
        {"config", container_config},
        // config.md: diff_ids are the digests of the layers uncompressed.
        {"rootfs", {{"type", "layers"}, {"diff_ids", json::array({sha256_digest(layer_tar)})}}},
        {"history",
         json::array({{{"created", created}, {"created_by", "ingot build --oci-archive"}}})}};
    std::vector<uint8_t> config = bytes_of(config_document);

    std::vector<uint8_t> manifest =
        bytes_of({{"schemaVersion", 2},
                  {"mediaType", manifest_media_type},
                  {"config", descriptor(config_media_type, config)},
                  {"layers", json::array({descriptor(layer_media_type, layer)})}});
    json manifest_descriptor = descriptor(manifest_media_type, manifest);
    manifest_descriptor["annotations"] = {{ref_name_annotation, spec.tag}};
    std::vector<uint8_t> index = bytes_of({{"schemaVersion", 2},
                                           {"mediaType", index_media_type},
                                           {"manifests", json::array({manifest_descriptor})}});
    std::vector<uint8_t> layout = bytes_of({{"imageLayoutVersion", layout_version}});

    // Entries sorted by path, so that the tar is a function of its content too.
    std::map<std::string, std::vector<uint8_t>> blobs;
    for (std::vector<uint8_t>* blob : {&layer, &config, &manifest})
        blobs["blobs/sha256/" + *sha256_hex(sha256_digest(*blob))] = std::move(*blob);
    std::vector<TarFile> files{{"blobs/", {}}, {"blobs/sha256/", {}}};
    for (auto& [path, bytes] : blobs)
        files.push_back({path, std::move(bytes)});
    files.push_back({"index.json", std::move(index)});
    files.push_back({"oci-layout", std::move(layout)});
    return write_tar(files, spec.created);
}

int64_t source_date_epoch() {
    const char* text = std::getenv("SOURCE_DATE_EPOCH");
    if (!text)
        return 0;
    std::string_view value = text;
    int64_t seconds = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || error != std::errc{} || end != value.data() + value.size() ||
        seconds < 0 || seconds > 253402300799) // 9999-12-31T23:59:59Z: RFC 3339's last year
        fail("SOURCE_DATE_EPOCH='{}' is not a number of seconds since 1970", value);
    return seconds;
}

void check_tag(const std::string& tag) {
    static const std::regex grammar(
        "[A-Za-z0-9]+(([-._:@+]|--)[A-Za-z0-9]+)*(/[A-Za-z0-9]+(([-._:@+]|--)[A-Za-z0-9]+)*)*");
    if (!std::regex_match(tag, grammar))
        fail("--tag '{}': not an OCI reference name (letters, digits, separated by . _ - : @ + "
             "or /)",
             tag);
}

} // namespace ingot::oci
