#include "launch/launch_image.h"

#include "launch/launch_arguments.h"
#include "support/error.h"

namespace ingot {

LaunchImage::LaunchImage(const LaunchPlan& plan) : m_file_path(plan.image.path) {
    std::span<const uint8_t> bytes = plan.image.packed;
    if (!m_file_path.empty()) {
        m_file.emplace(m_file_path, "image");
        bytes = m_file->bytes();
    }
    m_image = read_image(bytes, plan.image.name);
    if (m_image.payload.checksum != plan.image.checksum)
        fail("the image '{}' changed since this launch was planned: plan it again",
             plan.image.name);
    // The image is the one resolve_launch read, so only a plan edited since can fail these.
    const Manifest& manifest = m_image.manifest;
    if (plan.arguments.empty() ||
        launch_arguments(manifest, {plan.arguments.begin() + 1, plan.arguments.end()}) !=
            plan.arguments)
        fail("the launch plan's argv cannot be given to this image: argv[0] must be the "
             "image's, '{}', and arguments replace all of the image's or none",
             manifest.arguments.front());
    RunTimeArguments told = run_time_arguments(manifest, plan.arguments, plan.environment);
    if (merge_environment(manifest.environment, told.environment) != plan.environment)
        fail("the launch plan's environment drops or reorders the image's variables");
}

} // namespace ingot
