// A launch plan as JSON, so that detached instances and the OCI runtime can store a resolved
// launch and start it later (launch.h) without resolving it again. The document carries
// "version": launch_plan_version; a reader refuses any other. nlohmann::json finds to_json and
// from_json by argument-dependent lookup: `json document = plan;`, `document.get<LaunchPlan>()`.
#pragma once

#include "launch/launch_plan.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace ingot {

inline constexpr int launch_plan_version = 1;

void to_json(nlohmann::json& document, const LaunchPlan& plan);
// Throws UserError, one line naming the field, for a document that is not a plan this
// version of ingot wrote or whose values no resolved plan could hold.
void from_json(const nlohmann::json& document, LaunchPlan& plan);

std::string format_launch_plan(const LaunchPlan& plan);
// As from_json, and for text that is not JSON.
LaunchPlan parse_launch_plan(std::string_view text);

} // namespace ingot
