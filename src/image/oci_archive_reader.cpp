#include "image/oci_archive_reader.h"

#include "image/image.h"
#include "image/oci_archive_digest.h"
#include "image/oci_archive_layout.h"
#include "image/oci_archive_tar.h"
#include "support/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <map>

namespace ingot::oci {

namespace {

using nlohmann::json;
using Files = std::map<std::string, std::vector<uint8_t>>;

// Bounds on what an archive may make ingot hold in memory.
constexpr uint64_t max_json_size = 4 << 20;
constexpr uint64_t max_blob_size = 2ULL << 30;
constexpr uint64_t max_archive_files = 4ULL << 30;
constexpr size_t max_entries = 10000;

// docker-archive's media types: skopeo's docker-archive transport and `docker save`.
constexpr std::string_view docker_manifest_media_type =
    "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view docker_layer_media_type =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
constexpr std::string_view docker_config_media_type =
    "application/vnd.docker.container.image.v1+json";

class ArchiveReader {
public:
    ArchiveReader(Files files, const std::string& name) : m_files(std::move(files)), m_name(name) {}

    [[noreturn]] void refuse(const std::string& why) const { fail("{}: {}", m_name, why); }

    json parse(std::span<const uint8_t> bytes, const std::string& what) const {
        if (bytes.size() > max_json_size)
            refuse(fmt::format("{} is larger than the {} bytes accepted", what, max_json_size));
        json document = json::parse(bytes.begin(), bytes.end(), nullptr, false);
        if (document.is_discarded() || !document.is_object())
            refuse(what + " is not a JSON object");
        return document;
    }

    json file_json(const std::string& path) const {
        auto file = m_files.find(path);
        if (file == m_files.end())
            refuse(fmt::format("it has no {}", path));
        return parse(file->second, path);
    }

    // The blob a descriptor names, checked against its size and digest (descriptor.md).
    const std::vector<uint8_t>& blob(const json& descriptor, const std::string& what) const {
        if (!descriptor.is_object() || !descriptor.contains("digest") ||
            !descriptor["digest"].is_string() || !descriptor.contains("size") ||
            !descriptor["size"].is_number_unsigned())
            refuse(what + "'s descriptor lacks a digest or a size");
        std::string digest = descriptor["digest"];
        auto hex = sha256_hex(digest);
        if (!hex)
            refuse(fmt::format("{}'s digest '{}' is not a sha256 digest", what, digest));
        auto file = m_files.find("blobs/sha256/" + *hex);
        if (file == m_files.end())
            refuse(fmt::format("{}'s blob {} is missing", what, digest));
        if (file->second.size() != descriptor["size"].get<uint64_t>())
            refuse(fmt::format("{}'s blob {} holds {} bytes, its descriptor says {}", what, digest,
                               file->second.size(), descriptor["size"].get<uint64_t>()));
        if (sha256_digest(file->second) != digest)
            refuse(fmt::format("{}'s blob does not match its digest {}", what, digest));
        return file->second;
    }

private:
    Files m_files;
    std::string m_name;
};

// A string field, or empty when it is missing or not a string.
std::string text_field(const json& document, const char* key) {
    return document.is_object() && document.contains(key) && document[key].is_string()
               ? document[key].get<std::string>()
               : std::string{};
}

std::string media_type(const json& document) {
    return text_field(document, "mediaType");
}

std::vector<std::string> strings(const json& document, const char* key) {
    if (!document.contains(key) || document[key].is_null())
        return {};
    const json& value = document[key];
    if (!value.is_array() ||
        !std::ranges::all_of(value, [](const json& v) { return v.is_string(); }))
        throw UserError(fmt::format("config.{} is not a list of strings", key));
    return value.get<std::vector<std::string>>();
}

// index.json's one image manifest descriptor, and the tag it carries.
std::pair<json, std::string> pick_manifest(const ArchiveReader& reader, const json& index) {
    if (!index.contains("manifests") || !index["manifests"].is_array() ||
        index["manifests"].empty())
        reader.refuse("index.json lists no manifest");
    if (index["manifests"].size() > 1)
        reader.refuse(fmt::format("index.json lists {} manifests: ingot reads an archive of one "
                                  "image",
                                  index["manifests"].size()));
    json descriptor = index["manifests"][0];
    if (!descriptor.is_object())
        reader.refuse("index.json's manifest descriptor is not an object");
    std::string type = media_type(descriptor);
    if (type == index_media_type)
        reader.refuse("it holds an image index (several platforms): copy one platform out with "
                      "skopeo copy --override-arch amd64");
    if (type != manifest_media_type && type != docker_manifest_media_type)
        reader.refuse(fmt::format("index.json's manifest has the media type '{}', not an image "
                                  "manifest",
                                  type));
    std::string tag;
    if (descriptor.contains("annotations") && descriptor["annotations"].is_object() &&
        descriptor["annotations"].contains(ref_name_annotation) &&
        descriptor["annotations"][ref_name_annotation].is_string())
        tag = descriptor["annotations"][ref_name_annotation];
    return {descriptor, tag};
}

bool is_layer_media_type(const std::string& type) {
    return type == layer_media_type || type == plain_layer_media_type ||
           type == zstd_layer_media_type || type == docker_layer_media_type;
}

// The image's bytes at `path` in the last layer that has it (layers apply in order,
// layer.md), each layer's uncompressed digest checked against the config's diff_ids.
std::vector<uint8_t> find_in_layers(const ArchiveReader& reader, const json& layers,
                                    const json& diff_ids, const std::string& path,
                                    const std::string& name) {
    std::string in_layer = path.substr(1);
    std::optional<std::vector<uint8_t>> found;
    for (size_t i = 0; i < layers.size(); ++i) {
        std::string what = fmt::format("layer {}", i + 1);
        std::string type = media_type(layers[i]);
        if (!is_layer_media_type(type))
            reader.refuse(fmt::format("{} has the media type '{}', not a tar layer", what, type));
        std::vector<uint8_t> tar =
            decompress(reader.blob(layers[i], what), max_blob_size, name + ": " + what);
        if (!diff_ids[i].is_string() || sha256_digest(tar) != diff_ids[i].get<std::string>())
            reader.refuse(fmt::format("{} does not match the config's diff_id", what));
        TarEntryKind kind = TarEntryKind::Other;
        Files files = read_tar(tar, {max_blob_size, max_blob_size, SIZE_MAX}, name + ": " + what,
                               in_layer, &kind);
        auto file = files.find(in_layer);
        if (file != files.end())
            found = std::move(file->second);
        else if (kind == TarEntryKind::Link)
            reader.refuse(fmt::format("the entrypoint {} is a link in {}: ingot reads the image "
                                      "itself",
                                      path, what));
    }
    if (!found)
        reader.refuse(fmt::format("the entrypoint {} is in none of its layers", path));
    return std::move(*found);
}

} // namespace

bool looks_like_tar(std::span<const uint8_t> bytes) {
    constexpr size_t magic_offset = 257;
    return bytes.size() >= 512 && std::memcmp(bytes.data() + magic_offset, "ustar", 5) == 0;
}

ArchivedImage read_oci_archive(std::span<const uint8_t> archive, const std::string& name) {
    Files files = read_tar(archive, {max_blob_size, max_archive_files, max_entries}, name);
    if (!files.contains("oci-layout")) {
        if (files.contains("manifest.json"))
            fail("{}: a docker archive, not an OCI archive: convert it with skopeo copy "
                 "docker-archive:{} oci-archive:OUT.tar",
                 name, name);
        fail("{}: a tar file without oci-layout, not an OCI image archive", name);
    }
    ArchiveReader reader(std::move(files), name);
    json layout = reader.file_json("oci-layout");
    if (!layout.contains("imageLayoutVersion") || !layout["imageLayoutVersion"].is_string())
        reader.refuse("oci-layout has no imageLayoutVersion");
    if (!layout["imageLayoutVersion"].get<std::string>().starts_with("1."))
        reader.refuse(fmt::format("oci-layout's version {} is not 1.x",
                                  layout["imageLayoutVersion"].get<std::string>()));

    auto [descriptor, tag] = pick_manifest(reader, reader.file_json("index.json"));
    json manifest = reader.parse(reader.blob(descriptor, "the manifest"), "the manifest");
    if (!manifest.contains("config") || !manifest.contains("layers") ||
        !manifest["layers"].is_array())
        reader.refuse("the manifest lacks a config or layers");
    std::string config_type = media_type(manifest["config"]);
    if (config_type != config_media_type && config_type != docker_config_media_type)
        reader.refuse(fmt::format("the manifest's config has the media type '{}', not an image "
                                  "config",
                                  config_type));
    json config = reader.parse(reader.blob(manifest["config"], "the config"), "the config");

    // The image ingot-oci would boot: process.args[0], the entrypoint or else the command.
    if (text_field(config, "os") != "linux" || text_field(config, "architecture") != "amd64")
        reader.refuse("it is not a linux/amd64 image");
    json container = config.contains("config") && config["config"].is_object() ? config["config"]
                                                                               : json::object();
    std::vector<std::string> entrypoint, command;
    try {
        entrypoint = strings(container, "Entrypoint");
        command = strings(container, "Cmd");
    } catch (const UserError& error) {
        reader.refuse(error.what());
    }
    std::vector<std::string>& args = entrypoint.empty() ? command : entrypoint;
    if (args.empty())
        reader.refuse("its config names no entrypoint or command");
    std::string path = args.front();
    if (!path.starts_with('/'))
        reader.refuse(fmt::format("its entrypoint '{}' is not an absolute path", path));

    const json& layers = manifest["layers"];
    const json* diff_ids = nullptr;
    if (config.contains("rootfs") && config["rootfs"].is_object() &&
        config["rootfs"].contains("diff_ids") && config["rootfs"]["diff_ids"].is_array())
        diff_ids = &config["rootfs"]["diff_ids"];
    if (!diff_ids || diff_ids->size() != layers.size())
        reader.refuse("the config's rootfs.diff_ids do not match the manifest's layers");

    ArchivedImage result;
    result.image = find_in_layers(reader, layers, *diff_ids, path, name);
    if (!looks_like_image(result.image))
        reader.refuse(fmt::format("its entrypoint {} is not an Ingot image (build one with ingot "
                                  "build --oci-archive)",
                                  path));
    result.image_path = path;
    result.tag = tag;
    return result;
}

} // namespace ingot::oci
