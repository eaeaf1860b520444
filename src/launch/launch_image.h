// The image a launch plan names, opened for a consumer: mapped from its file, or the plan's
// packed bytes, and checked against the plan, which may have been stored long before.
#pragma once

#include "image/image.h"
#include "launch/launch_plan.h"
#include "support/file.h"
#include "vmm/payload_region.h"

#include <optional>
#include <string>

namespace ingot {

class LaunchImage {
public:
    // Throws UserError when the file is gone or is no longer the image the plan was resolved
    // against, or when the plan's argv and environment are not what this image and the
    // run-time arguments can give (a stored plan changed by hand). Keeps a reference to the
    // plan's packed bytes: the plan outlives this.
    explicit LaunchImage(const LaunchPlan& plan);

    const Image& image() const { return m_image; }
    // The image's file, or empty when it exists only in memory.
    const std::string& file() const { return m_file_path; }
    // A mapped image file lends the guest its payload's pages; packed bytes are copied.
    ImageBacking backing() const {
        return m_file ? ImageBacking::FileMapping : ImageBacking::Memory;
    }

private:
    std::optional<MappedFile> m_file;
    std::string m_file_path;
    Image m_image;
};

} // namespace ingot
