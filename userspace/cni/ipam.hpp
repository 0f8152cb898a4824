// SPDX-License-Identifier: GPL-2.0
//
// IPAM delegation as libcni's invoke.DelegateAdd/Del/Check: the plugin
// named by ipam.type, found on CNI_PATH, run with our environment
// (CNI_COMMAND replaced) and our stdin unchanged. Always run from the host
// netns: host-local's leases live there.

#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vmux::cni {

// In the environment of every plugin we run: a vmux-cni that finds it was
// run as a delegate refuses, so an "ipam" naming vmux-cni (itself, or
// through another delegate) fails at once instead of forking without end.
inline constexpr const char *delegate_marker = "VMUX_CNI_DELEGATE";

// The first executable dir/type of path; code 999 as libcni words it:
// "failed to find plugin "x" in path [/a /b]". Code 7 if it is vmux-cni
// itself.
std::string find_plugin(std::string_view type, const std::vector<std::string> &path);

// Run the plugin and return its stdout. A plugin that fails passes its
// error object through (its code, msg and details); one that fails
// without one is reported with its exit status.
std::string exec_plugin(const std::string &file, std::string_view command,
			std::string_view stdin_data);

} // namespace vmux::cni
