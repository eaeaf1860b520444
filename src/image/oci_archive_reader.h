// `ingot run FILE.tar` and `ingot inspect FILE.tar`: the sealed image out of an OCI image
// archive (an image layout in a tar, OCI image spec v1.1), as `ingot build --oci-archive`
// writes it or as `skopeo copy ... oci-archive:FILE` gives it back (another compression of the
// layer, another manifest). Read in memory only; every blob's size and digest is checked.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ingot::oci {

struct ArchivedImage {
    std::vector<uint8_t> image; // the sealed image's bytes, not yet read_image-checked
    std::string image_path;     // where the layer held it: the config's entrypoint
    std::string tag;            // the index's ref.name, or empty
};

// A POSIX tar (the ustar magic, POSIX.1-2001 "ustar Interchange Format"): worth reading as an
// archive rather than as a program.
bool looks_like_tar(std::span<const uint8_t> bytes);

// Throws UserError, one line naming `name`, for anything but an OCI image archive of one
// linux/amd64 image whose entrypoint is an Ingot image in its layers.
ArchivedImage read_oci_archive(std::span<const uint8_t> archive, const std::string& name);

} // namespace ingot::oci
