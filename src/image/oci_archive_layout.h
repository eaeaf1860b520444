// The convention of an Ingot image shipped as an OCI image (OCI image spec v1.1), written
// once for the writer, the reader and the docs: one layer holding the sealed image at
// /ingot/<program>.img, which the config's Entrypoint names, so that an OCI runtime that boots
// Ingot images (ingot-oci) finds it as process.args[0].
#pragma once

#include <string>
#include <string_view>

namespace ingot::oci {

// image-layout.md: the `oci-layout` file's only field.
inline constexpr std::string_view layout_version = "1.0.0";

// media-types.md.
inline constexpr std::string_view index_media_type = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view manifest_media_type =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view config_media_type = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view layer_media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view plain_layer_media_type = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view zstd_layer_media_type =
    "application/vnd.oci.image.layer.v1.tar+zstd";

// annotations.md: the reference name of the index's manifest, which `podman load` takes as the
// image's name (localhost/NAME).
inline constexpr std::string_view ref_name_annotation = "org.opencontainers.image.ref.name";

// The config's label naming the sealed image's path in the layer.
inline constexpr std::string_view image_label = "org.ingot.image";
// The directory of the layer that holds the sealed image.
inline constexpr std::string_view image_directory = "/ingot";

// The sealed image's path in the layer for a program, e.g. /ingot/hello.img for ./bin/hello.
std::string image_path_for(const std::string& program);

// The reference name when none is given: "<program>:latest" (hello:latest for ./bin/hello)
// when the program's name is a valid image name (lowercase, distribution's reference grammar),
// else "latest".
std::string default_tag_for(const std::string& program);

} // namespace ingot::oci
