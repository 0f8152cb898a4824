// SPDX-License-Identifier: GPL-2.0
//
// The CNI versions vmux-cni speaks. 0.1.0 and 0.2.0 have another result
// shape; 1.1.0 (STATUS, GC) is unknown to Debian's libcni 1.1.2, host-local
// 1.1.1 and podman 4.3, so it is not advertised.

#pragma once

#include <span>
#include <string>
#include <string_view>

namespace vmux::cni {

std::span<const std::string_view> supported_versions();
bool is_supported(std::string_view version);
// <0, 0, >0 as a is older, equal, newer than b ("0.4.0" < "1.0.0"); a
// version that does not parse is older than any that does.
int compare_versions(std::string_view a, std::string_view b);

// The VERSION command's output: {"cniVersion":"1.0.0","supportedVersions":[...]}.
std::string version_json();
// What SKEL prints on stderr when run without CNI_COMMAND.
std::string about_text(std::string_view program_version);

// SKEL's version check of ADD, CHECK and DEL: code 1 unless the config's
// version (absent: "0.1.0") is supported; CHECK needs 0.4.0 or later.
void check_config_version(std::string_view command, std::string_view config_version);

} // namespace vmux::cni
