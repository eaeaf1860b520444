// `ingot build --oci-archive`: a sealed image as an OCI image layout in a tar (OCI image spec
// v1.1, image-layout.md), the form skopeo's and podman's oci-archive transport read. The
// layout follows oci_archive_layout.h.
#pragma once

#include "image/oci_archive_layout.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot::oci {

struct ArchiveSpec {
    std::string image_path;               // where the layer holds the image (image_path_for)
    std::vector<std::string> arguments;   // the config's Cmd: the image's argv after argv[0]
    std::vector<std::string> environment; // the config's Env: the image's
    std::string tag;                      // the index's ref.name (default_tag_for)
    int64_t created = 0;                  // seconds since the epoch: mtimes and "created"
};

// The archive's bytes; the same image and spec give the same bytes.
std::vector<uint8_t> write_oci_archive(std::span<const uint8_t> image, const ArchiveSpec& spec);

// The time reproducible builds fix: $SOURCE_DATE_EPOCH (reproducible-builds.org's
// specification) when set, else 0. Throws UserError when it is not a number of seconds.
int64_t source_date_epoch();

// Throws UserError unless `tag` is an OCI ref.name (annotations.md: components of
// alphanumerics joined by separators '-', '.', '_', ':', '@', '+' or "--", split by '/').
void check_tag(const std::string& tag);

} // namespace ingot::oci
