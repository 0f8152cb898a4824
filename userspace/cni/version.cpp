// SPDX-License-Identifier: GPL-2.0

#include "version.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>

#include <fmt/core.h>
#include <fmt/format.h>

#include "error.hpp"
#include "json.hpp"

namespace vmux::cni {

namespace {

constexpr std::array<std::string_view, 4> versions = {"0.3.0", "0.3.1", "0.4.0", "1.0.0"};

// "1.0.0" -> {1, 0, 0}; a missing part is 0, as Go's semver parser would
// refuse but libcni's version.ParseVersion accepts ("0.4").
std::optional<std::array<int, 3>> parse(std::string_view v)
{
	std::array<int, 3> parts{};

	for (std::size_t i = 0; i < parts.size() && !v.empty(); i++) {
		std::size_t dot = v.find('.');
		std::string_view part = v.substr(0, dot);
		auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), parts[i]);

		if (part.empty() || ec != std::errc() || end != part.data() + part.size())
			return std::nullopt;
		v = dot == std::string_view::npos ? std::string_view() : v.substr(dot + 1);
		if (dot != std::string_view::npos && v.empty())
			return std::nullopt;
	}
	if (!v.empty())
		return std::nullopt;
	return parts;
}

} // namespace

std::span<const std::string_view> supported_versions()
{
	return versions;
}

bool is_supported(std::string_view version)
{
	return std::find(versions.begin(), versions.end(), version) != versions.end();
}

int compare_versions(std::string_view a, std::string_view b)
{
	auto pa = parse(a), pb = parse(b);

	if (!pa || !pb)
		return pa ? 1 : pb ? -1 : 0;
	return *pa < *pb ? -1 : *pa > *pb ? 1 : 0;
}

std::string version_json()
{
	OrderedJson j;

	j["cniVersion"] = versions.back();
	j["supportedVersions"] = versions;
	return dump_text(j);
}

std::string about_text(std::string_view program_version)
{
	return fmt::format("vmux-cni {}: vmux macvlan, ipvlan and vlan interfaces for containers\n"
			   "CNI protocol versions supported: {}\n",
			   program_version, fmt::join(versions, ", "));
}

void check_config_version(std::string_view command, std::string_view config_version)
{
	std::string_view version = config_version.empty() ? "0.1.0" : config_version;

	if (!is_supported(version))
		throw Error(incompatible_version, "incompatible CNI versions",
			    fmt::format("config is \"{}\", plugin supports [{}]", version,
					fmt::join(versions, " ")));
	if (command == "CHECK" && compare_versions(version, "0.4.0") < 0)
		throw Error(incompatible_version, "config version does not allow CHECK");
}

} // namespace vmux::cni
